import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { REPO_ROOT } from '../helpers/run-cli.js';
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

describe('the published package (npm pack, install, import)', function () {
  this.timeout(240000);
  let dir: TempDir;
  let tarball: string;
  let app: string;

  before(() => {
    dir = tempDir('crypto-supervisor-pack-');
    const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', dir.path], REPO_ROOT)) as Array<{ filename: string }>;
    tarball = join(dir.path, packed[0]!.filename);
    app = join(dir.path, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'embedding-app', private: true, type: 'module' }));
    npm(['install', '--prefer-offline', tarball, 'rxjs@^7.8.0'], app);
  });
  after(() => dir?.remove());

  it('ships dist and docs, no tests or fixtures', () => {
    const listed = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n').map((f) => f.replace(/^package\//, ''));
    expect(listed).to.include.members(['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/cli.js', 'config/exchanges.yaml']);
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
      'pct_short up 1: BTC/USDT +2.10% in 1h on binance',
      'pct_short up 1: BTC/USDT +2.42% in 1h on binance',
      'pct_24h up 1: BTC/USDT +5.08% in 24h on binance',
      'pct_24h up 2: BTC/USDT +10.16% in 24h on binance (level 2)',
      'pct_short up 2: BTC/USDT +4.84% in 1h on binance (level 2)',
    ]);
  });

  it('exposes the typed API to TypeScript users', () => {
    const types = readFileSync(join(app, 'node_modules', 'crypto-supervisor', 'dist', 'index.d.ts'), 'utf8');
    for (const name of ['createSupervisor', 'detectAlerts', 'replayTicks', 'marketTicks', 'emailSink', 'journalSink', 'loadConfig', 'decodeConfig', 'priceState']) {
      expect(types).to.include(name);
    }
  });
});
