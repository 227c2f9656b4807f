import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { finished, REPO_ROOT, waitForOutput } from '../helpers/run-cli.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');

/**
 * The JavaScript files a Node process loaded, as its module loaders report them
 * under NODE_DEBUG=esm,module: ES modules as they enter the load map, CommonJS
 * files as they are loaded (built-in modules are not files and are left out).
 */
function loadedFiles(debugOutput: string): string[] {
  const esm = [...debugOutput.matchAll(/^ESM \d+: Storing (file:\/\/\S+) /gm)].map((m) => fileURLToPath(m[1]!));
  const cjs = [...debugOutput.matchAll(/^MODULE \d+: load "([^"]+)" for module/gm)].map((m) => m[1]!);
  return [...new Set([...esm, ...cjs])];
}

/** Runs the built CLI to its exit with the loaders' debug output on; its stdout, status and loaded files. */
function runBuilt(args: string[]): { status: number | null; stdout: string; stderr: string; loaded: string[] } {
  const run = spawnSync(process.execPath, [CLI, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: '', NODE_DEBUG: 'esm,module' },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, loaded: loadedFiles(run.stderr) };
}

describe('the bundled CLI (dist/cli.js, built by npm run build)', function () {
  this.timeout(30000);
  let dir: TempDir;
  let config: string;

  before(function () {
    if (!readFileSync(CLI, 'utf8').includes('bundled by scripts/bundle-cli.mjs')) {
      throw new Error(`${CLI} is not the bundle: run npm run build (tsc, then scripts/bundle-cli.mjs)`);
    }
    dir = tempDir('crypto-supervisor-bundle-');
    config = dir.write('config.yaml', `exchanges:\n  binance:\n    symbols: [BTC/USDT]\nstate_dir: ${join(dir.path, 'state')}\n`);
  });
  after(() => dir?.remove());

  it('prints the package version with --version, loading no file but itself', () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const run = runBuilt(['--version']);
    expect(run.status, run.stderr.slice(-2000)).to.equal(0);
    expect(run.stdout).to.equal(`crypto-supervisor ${version}\n`);
    expect(run.loaded).to.deep.equal([CLI]);
  });

  it('checks a config (YAML, io-ts) loading no file but itself', () => {
    const run = runBuilt(['--config', config, '--check']);
    expect(run.status, run.stderr.slice(-2000)).to.equal(0);
    expect(run.stdout).to.match(/^config ok: 1 exchange\(s\): binance \(BTC\/USDT\)/);
    expect(run.loaded).to.deep.equal([CLI]);
  });

  it('replays a tick file through the whole pipeline (rxjs) loading no file but itself', () => {
    const run = runBuilt(['--config', config, '--replay', join(REPO_ROOT, 'test/fixtures/btc-rally.jsonl')]);
    expect(run.status, run.stderr.slice(-2000)).to.equal(0);
    expect(run.stdout).to.match(/^replayed 14 ticks \(0 skipped\) .*: 5 alert\(s\) \(pct_24h 2, pct_short 3\)$/m);
    expect(run.loaded).to.deep.equal([CLI]);
  });

  it('loads ws from node_modules, outside the bundle, when a simulator starts (--fake-exchange)', async () => {
    // Also shows that the debug output above names the files loaded: here it must name ws's.
    const child = spawn(process.execPath, [CLI, '--fake-exchange', '--port', '0'], {
      cwd: REPO_ROOT,
      env: { ...process.env, LOG_LEVEL: '', NODE_DEBUG: 'esm,module' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const done = finished(child);
    await waitForOutput(child, /simulated Binance on ws:\/\/127\.0\.0\.1:\d+/);
    child.kill('SIGTERM');
    const run = await done;
    expect(run.code, run.stderr.slice(-2000)).to.equal(0);
    const loaded = loadedFiles(run.stderr);
    expect(loaded[0]).to.equal(CLI);
    const outside = loaded.slice(1);
    expect(outside).to.not.be.empty;
    expect(outside.every((file) => file.startsWith(join(REPO_ROOT, 'node_modules', 'ws') + '/')), outside.join('\n')).to.equal(true);
  });

  it('ships the licences of the packages it holds', () => {
    const licences = readFileSync(join(REPO_ROOT, 'dist', 'cli.licenses.txt'), 'utf8');
    for (const [name, licence, text] of [
      ['rxjs', 'Apache-2.0', 'Apache License'],
      ['io-ts', 'MIT', 'Permission is hereby granted'],
      ['fp-ts', 'MIT', 'Permission is hereby granted'],
      ['js-yaml', 'MIT', 'Permission is hereby granted'],
    ] as const) {
      const section = new RegExp(`^${name} \\S+ \\(${licence}\\)\\n\\n[\\s\\S]*?${text}`, 'm');
      expect(licences, name).to.match(section);
    }
    expect(licences).to.not.match(/^(ws|nodemailer|prom-client) /m);
  });
});
