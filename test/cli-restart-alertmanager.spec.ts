import { join } from 'node:path';
import { expect } from 'chai';
import { FakeBinanceServer } from './helpers/fake-binance-server.js';
import { waitUntil } from './helpers/fake-exchange-server.js';
import { startRecordingHttpServer, type RecordingHttpServer } from './helpers/recording-http-server.js';
import { finished, startCli, waitForOutput } from './helpers/run-cli.js';
import { tempDir, type TempDir } from './helpers/temp-dir.js';

interface Posted {
  labels: Record<string, string>;
  startsAt: string;
  endsAt: string;
}

describe('cli: Alertmanager keeps firing a move across a restart', function () {
  this.timeout(40000);
  let dir: TempDir;
  let binance: FakeBinanceServer;
  let alertmanager: RecordingHttpServer;
  beforeEach(async () => {
    dir = tempDir();
    binance = await FakeBinanceServer.start();
    alertmanager = await startRecordingHttpServer();
  });
  afterEach(async () => {
    await binance.close();
    await alertmanager.close();
    dir.remove();
  });

  const posted = (i: number) => JSON.parse(alertmanager.requests[i]!.body) as Posted[];

  async function start(file: string) {
    const child = startCli(['--config', file]);
    const done = finished(child);
    await waitUntil(() => binance.openConnections === 1, 'connected', 15000);
    return { child, done };
  }

  it('a move fired, then SIGKILL and a restart while it holds: the same alert is re-sent at start (same labels, same startsAt), no new one; its re-arm resolves it', async () => {
    // A re-send period far longer than the test: every re-send seen here is the one a restart makes.
    const file = dir.write('c.yaml', `exchanges:
  binance:
    symbols: [BTC/USDT]
    url: ${binance.url}
alerts:
  thresholds:
    pct_short: 0.5
  alertmanager:
    urls: [${alertmanager.url}]
    resend_every_ms: 600000
state_dir: ${join(dir.path, 'state')}
`);
    const ts = Date.now();
    const first = await start(file);
    const delivered = waitForOutput(first.child, /alertmanager \(127\.0\.0\.1:\d+\): delivered batch/);
    binance.pushTicker('BTC/USDT', 106, { ts, open24h: 100 });
    await delivered;
    first.child.kill('SIGKILL');
    expect((await first.done).signal).to.equal('SIGKILL');
    await waitUntil(() => binance.openConnections === 0, 'disconnected', 10000);
    expect(alertmanager.requests).to.have.length(1);
    const [fired] = posted(0);
    expect(fired!.labels).to.include({ alertname: 'CryptoPriceMove', symbol: 'BTC/USDT', rule: 'pct_24h', direction: 'up', level: '1' });
    expect(fired!.startsAt).to.equal(new Date(ts).toISOString());

    const second = await start(file);
    await alertmanager.waitForRequests(2, 15000);
    const resent = posted(1);
    expect(alertmanager.requests[1]!.headers['idempotency-key']).to.match(/^alertmanager-resend-/);
    expect(resent.map((a) => [a.labels, a.startsAt])).to.deep.equal([[fired!.labels, fired!.startsAt]]);
    expect(Date.parse(resent[0]!.endsAt)).to.be.greaterThan(Date.now());

    // The move holds (no new alert), then falls back: the re-arm resolves the restored alert.
    binance.pushTicker('BTC/USDT', 106.5, { ts: ts + 60_000, open24h: 100 });
    binance.pushTicker('BTC/USDT', 100, { ts: ts + 120_000, open24h: 100 });
    await alertmanager.waitForRequests(3, 15000);
    const resolved = posted(2);
    expect(resolved.map((a) => [a.labels, a.startsAt, a.endsAt])).to.deep.equal([
      [fired!.labels, fired!.startsAt, new Date(ts + 120_000).toISOString()],
    ]);
    second.child.kill('SIGTERM');
    const secondRun = await second.done;
    expect(secondRun.code, secondRun.stdout + secondRun.stderr).to.equal(0);
    expect(alertmanager.requests).to.have.length(3);
    expect(secondRun.stdout).to.match(/\[INFO\] supervisor\.channels\.alertmanager: 1 alert that fired before the restart fires again \(re-sent now\)/);
    expect(secondRun.stdout).to.not.match(/supervisor\.alerts: BTC\/USDT/);
  });
});
