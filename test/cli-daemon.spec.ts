import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { expect } from 'chai';
import { FakeBinanceServer } from './helpers/fake-binance-server.js';
import { finished, REPO_ROOT, startCli, waitForOutput } from './helpers/run-cli.js';
import { waitUntil } from './helpers/fake-exchange-server.js';
import { tempDir, type TempDir } from './helpers/temp-dir.js';

/** Starts the CLI from source with a soft limit of `fds` open files, as a small systemd unit or container would. */
function startCliWithFdLimit(fds: number, args: readonly string[]) {
  return spawn('sh', ['-c', `ulimit -n ${fds} && exec "$0" "$@"`, process.execPath, '--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Opens `count` TCP connections that send nothing. */
function idleSockets(port: number, count: number): Promise<Socket[]> {
  return Promise.all(
    Array.from({ length: count }, () =>
      new Promise<Socket>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => resolve(socket));
        socket.on('error', () => resolve(socket));
      }),
    ),
  );
}

describe('cli: the daemon under abuse (signals, idle connections)', function () {
  this.timeout(30000);
  let dir: TempDir;
  let binance: FakeBinanceServer;
  beforeEach(async () => {
    dir = tempDir();
    binance = await FakeBinanceServer.start();
  });
  afterEach(async () => {
    await binance.close();
    dir.remove();
  });

  const configFile = () =>
    dir.write('c.yaml', `exchanges:
  binance:
    symbols: [BTC/USDT]
    url: ${binance.url}
state_dir: ${join(dir.path, 'state')}
`);

  it('on SIGHUP reloads the config (the same file: no change) and keeps running, then stops cleanly on SIGTERM', async () => {
    const child = startCli(['--config', configFile()]);
    const done = finished(child);
    await waitUntil(() => binance.openConnections === 1, 'connected', 10000);
    const reloaded = waitForOutput(child, /\[INFO\] supervisor: config reloaded: no change/);
    child.kill('SIGHUP');
    await reloaded;
    expect(binance.connectionAttempts, 'the feed kept its socket').to.equal(1);
    // Still running and still watching: a move after the SIGHUP is alerted.
    const alerted = waitForOutput(child, /supervisor\.alerts: BTC\/USDT \+6\.00% in 24h on binance/);
    const ts = Date.now();
    binance.pushTicker('BTC/USDT', 100, { ts, open24h: 100 });
    binance.pushTicker('BTC/USDT', 106, { ts: ts + 1000, open24h: 100 });
    await alerted;
    expect(child.exitCode).to.equal(null);
    child.kill('SIGTERM');
    const run = await done;
    expect(run.code, run.stdout + run.stderr).to.equal(0);
    expect(run.stdout).to.match(/received SIGTERM, shutting down[\s\S]*stopped/);
  });

  it('with 400 file descriptors, 1000 idle connections later /livez and /readyz still answer, and the process stays up', async () => {
    const child = startCliWithFdLimit(400, ['--config', configFile(), '--http', '127.0.0.1:0']);
    const done = finished(child);
    const started = await waitForOutput(child, /status page on (http:\/\/127\.0\.0\.1:\d+)\//);
    const base = /status page on (http:\/\/127\.0\.0\.1:\d+)\//.exec(started)![1]!;
    const flood = await idleSockets(Number(new URL(base).port), 1000);
    try {
      const live = await fetch(`${base}/livez`);
      expect(live.status).to.equal(200);
      expect(await live.json()).to.include({ status: 'alive' });
      const ready = await fetch(`${base}/readyz`);
      expect([200, 503]).to.include(ready.status); // answered: whether the feed is live yet does not matter here
      await ready.text();
    } finally {
      for (const socket of flood) socket.destroy();
    }
    expect(child.exitCode).to.equal(null);
    child.kill('SIGTERM');
    const run = await done;
    expect(run.code, run.stdout + run.stderr).to.equal(0);
    expect(run.stdout).to.match(/\[WARN\] supervisor\.http: 256 HTTP connections open \(the cap\)/);
    expect(run.stdout + run.stderr).to.not.match(/EMFILE/);
  });
});
