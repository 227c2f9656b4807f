import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { finished, REPO_ROOT, waitForOutput } from '../helpers/run-cli.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';

/** The README's embedding example: the code block between the two markers. */
function readmeExample(): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const match = /<!-- embedding-example -->\s*```js\n([\s\S]*?)```/.exec(readme);
  if (!match) throw new Error('README.md has no <!-- embedding-example --> js block');
  return match[1]!;
}

const npm = (args: string[], cwd: string) =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Runs npm at its default log level and returns what it printed on stderr (its warnings). */
function npmWarnings(args: string[], cwd: string): string {
  const run = spawnSync('npm', [...args, '--no-audit', '--no-fund'], { cwd, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`npm ${args.join(' ')} exited ${run.status}:\n${run.stderr}`);
  return run.stderr;
}

/** A TypeScript app as a strict user writes one: NodeNext resolution, every declaration file checked. */
const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext',
    strict: true, skipLibCheck: false, noEmit: true,
  },
  files: ['consumer.ts'],
};

/** Uses the public API's values and types, including the ones whose declarations import ws, io-ts, prom-client. */
const CONSUMER_TS = `import { VirtualTimeScheduler, type Observable } from 'rxjs';
import {
  createSupervisor, decodeConfig, detectAlerts, exchangeTicks, marketTicks, replayTicks, DEFAULT_THRESHOLDS,
  type Alert, type Config, type FeedOptions, type Supervisor, type SupervisorHandle, type Tick,
} from 'crypto-supervisor';

const decoded = decodeConfig({ exchanges: { binance: { symbols: ['BTC/USDT'] } } });
if (decoded._tag === 'Left') throw new Error('bad config');
const config: Config = decoded.right;
const supervisor: Supervisor = createSupervisor(config);
const alerts: Observable<Alert> = supervisor.alerts$;
const options: FeedOptions = { random: () => 0.5 };
const ticks: Observable<Tick> = exchangeTicks('binance', config.exchanges['binance']!, options);
const all: Observable<Tick> = marketTicks(config.exchanges);
const scheduler = new VirtualTimeScheduler();
replayTicks([], { scheduler }).pipe(detectAlerts(DEFAULT_THRESHOLDS, { hysteresis: 0.2 })).subscribe();
const handle: SupervisorHandle | undefined = undefined;
export { alerts, ticks, all, handle };
`;

/** A config whose feed points at a closed loopback port: the service starts and reaches nothing. */
const LOOPBACK_CONFIG = `exchanges:
  binance:
    symbols: [BTC/USDT]
    url: ws://127.0.0.1:9
state_dir: ./state
`;

describe('the published package (npm pack, install, import)', function () {
  this.timeout(240000);
  let dir: TempDir;
  let tarball: string;
  let app: string;
  let installWarnings: string;

  before(() => {
    dir = tempDir('crypto-supervisor-pack-');
    const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', dir.path], REPO_ROOT)) as Array<{ filename: string }>;
    tarball = join(dir.path, packed[0]!.filename);
    app = join(dir.path, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'embedding-app', private: true, type: 'module' }));
    installWarnings = npmWarnings(['install', '--prefer-offline', tarball, 'rxjs@^7.8.0'], app);
  });
  after(() => dir?.remove());

  it('ships dist and docs, no tests or fixtures', () => {
    const listed = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n').map((f) => f.replace(/^package\//, ''));
    expect(listed).to.include.members(['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts', 'dist/cli.js', 'dist/cli.licenses.txt', 'config/exchanges.yaml']);
    expect(listed.filter((f) => /^(test|bench|examples|src)\//.test(f) || f.endsWith('.jsonl'))).to.deep.equal([]);
  });

  it('shares the app\'s rxjs (a peer dependency, one instance)', () => {
    expect(existsSync(join(app, 'node_modules', 'crypto-supervisor', 'node_modules', 'rxjs'))).to.equal(false);
    const manifest = JSON.parse(readFileSync(join(app, 'node_modules', 'crypto-supervisor', 'package.json'), 'utf8'));
    expect(manifest.peerDependencies).to.have.property('rxjs');
    expect(manifest.dependencies ?? {}).to.not.have.property('rxjs');
  });

  it('runs the README example: replayTicks + detectAlerts over a recorded tick file', () => {
    copyFileSync(join(REPO_ROOT, 'test/fixtures/btc-rally.jsonl'), join(app, 'ticks.jsonl'));
    writeFileSync(join(app, 'example.mjs'), readmeExample());
    const output = execFileSync(process.execPath, ['example.mjs'], { cwd: app, encoding: 'utf8' });
    expect(output.trimEnd().split('\n')).to.deep.equal([
      'pct_short up 1: BTC/USDT +2.10% in 1h on binance, threshold 2%',
      'pct_short up 1: BTC/USDT +2.42% in 1h on binance, threshold 2%',
      'pct_24h up 1: BTC/USDT +5.08% in 24h on binance, threshold 5%',
      'pct_24h up 2: BTC/USDT +10.16% in 24h on binance (level 2), threshold 5%',
      'pct_short up 2: BTC/USDT +4.84% in 1h on binance (level 2), threshold 2%',
    ]);
  });

  it('exposes the typed API to TypeScript users', () => {
    const types = readFileSync(join(app, 'node_modules', 'crypto-supervisor', 'dist', 'index.d.ts'), 'utf8');
    for (const name of ['createSupervisor', 'detectAlerts', 'replayTicks', 'marketTicks', 'emailChannel', 'deliverChannel', 'openJournal', 'loadConfig', 'decodeConfig', 'priceState']) {
      expect(types).to.include(name);
    }
  });

  it('installs without a word about scripts: the build runs in prepack, not prepare', () => {
    const manifest = JSON.parse(readFileSync(join(app, 'node_modules', 'crypto-supervisor', 'package.json'), 'utf8'));
    expect(manifest.scripts).to.not.have.property('prepare');
    expect(manifest.scripts).to.have.property('prepack');
    expect(installWarnings).to.not.match(/prepare|install.scripts/i);
  });

  it('compiles a TypeScript app (NodeNext, skipLibCheck: false) against the published declarations', () => {
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG));
    writeFileSync(join(app, 'consumer.ts'), CONSUMER_TS);
    const tsc = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: app, encoding: 'utf8' });
    expect(tsc.status, `${tsc.stdout}${tsc.stderr}`).to.equal(0);
  });

  it('loads with require() where Node can require ES modules, else says why', () => {
    const script = "try { console.log(typeof require('crypto-supervisor').createSupervisor) } catch (e) { console.log(e.code) }";
    const output = execFileSync(process.execPath, ['-e', script], { cwd: app, encoding: 'utf8' }).trim();
    // Node 20.19+ and 22.12+ load ESM from require(); older ones refuse with ERR_REQUIRE_ESM,
    // never with ERR_PACKAGE_PATH_NOT_EXPORTED (the `default` export condition).
    const requireModule = (process.features as { require_module?: boolean }).require_module === true;
    expect(output).to.equal(requireModule ? 'function' : 'ERR_REQUIRE_ESM');
  });

  describe('as a service: npm ci --omit=dev, then the bin', () => {
    let prod: string;
    const bin = () => join(prod, 'node_modules', '.bin', 'crypto-supervisor');

    before(() => {
      // The app's manifest and lock name the tarball by a relative path, the same from this sibling folder.
      prod = join(dir.path, 'prod');
      mkdirSync(prod);
      for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(app, file), join(prod, file));
      npm(['ci', '--omit=dev', '--prefer-offline'], prod);
    });

    it('prints its version', () => {
      const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
      expect(execFileSync(bin(), ['--version'], { cwd: prod, encoding: 'utf8' })).to.equal(`crypto-supervisor ${version}\n`);
    });

    it('finds its shipped config from any working directory', () => {
      const output = execFileSync(bin(), ['--check'], { cwd: prod, encoding: 'utf8' });
      expect(output).to.match(/^config ok: 2 exchange\(s\): binance/);
    });

    it('starts as documented (the bin with --config) and stops on SIGTERM with exit 0', async () => {
      writeFileSync(join(prod, 'config.yaml'), LOOPBACK_CONFIG);
      const child = spawn(bin(), ['--config', 'config.yaml'], { cwd: prod, stdio: ['ignore', 'pipe', 'pipe'] });
      const done = finished(child);
      await waitForOutput(child, 'starting');
      child.kill('SIGTERM');
      const run = await done;
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.match(/\[INFO\] supervisor: stopped\n$/);
    });

    it('names every file it looked for when there is no config to be found', () => {
      const shipped = join(prod, 'node_modules', 'crypto-supervisor', 'config', 'exchanges.yaml');
      rmSync(shipped);
      const run = spawnSync(bin(), [], { cwd: prod, encoding: 'utf8' });
      expect(run.status).to.equal(2);
      expect(run.stderr).to.equal(`crypto-supervisor: no --config given and no config found: looked for ${join(prod, 'config', 'exchanges.yaml')} and ${shipped}\n`);
    });
  });
});
