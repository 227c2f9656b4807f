import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { FakeBinanceServer } from './helpers/fake-binance-server.js';
import { FakeCoinbaseServer } from './helpers/fake-coinbase-server.js';
import { waitUntil } from './helpers/fake-exchange-server.js';
import { startRecordingHttpServer, type RecordingHttpServer } from './helpers/recording-http-server.js';
import { type CliRun, finished, startCli, waitForOutput } from './helpers/run-cli.js';
import { tempDir, type TempDir } from './helpers/temp-dir.js';
import { parsePrometheusText } from './ops/prometheus-text.js';

const journal = (dir: TempDir): Record<string, unknown>[] =>
  readFileSync(join(dir.path, 'state', 'alerts.jsonl'), 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line));

describe('cli: a Binance/Coinbase divergence (loopback exchanges)', function () {
  this.timeout(45_000);
  let dir: TempDir;
  let binance: FakeBinanceServer;
  let coinbase: FakeCoinbaseServer;
  let hook: RecordingHttpServer;
  beforeEach(async () => {
    dir = tempDir();
    [binance, coinbase, hook] = await Promise.all([FakeBinanceServer.start(), FakeCoinbaseServer.start(), startRecordingHttpServer()]);
  });
  /** Every CLI started: a failed wait must not leave one running. */
  let children: ChildProcess[] = [];
  afterEach(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    children = [];
    await Promise.all([binance.close(), coinbase.close(), hook.close()]);
    dir.remove();
  });

  const config = () => dir.write('c.yaml', `exchanges:
  binance:
    url: ${binance.url}
    symbols: [BTC/USDT, ETH/USDT]
  coinbase:
    url: ${coinbase.url}
    symbols: [BTC/USDT, ETH/USDT]
alerts:
  divergence:
    pct: 0.01
    min_duration_ms: 300
    max_age_ms: 60000
  webhooks:
    - url: ${hook.url}/hook
      format: json
      group_wait_ms: 0
state_dir: ${join(dir.path, 'state')}
http:
  listen: 127.0.0.1:0
`);

  /** Starts the CLI and waits until both feeds are live (their first tickers, at these prices, seen). */
  async function startLive(file: string, prices = { binance: 64_000, coinbase: 64_000 }): Promise<{ child: ChildProcess; base: string; done: Promise<CliRun> }> {
    const child = startCli(['--config', file]);
    children.push(child);
    const done = finished(child);
    const base = /status page on (http:\/\/127\.0\.0\.1:\d+)\//.exec(await waitForOutput(child, /status page on http:\/\/\S+\//))![1]!;
    await waitUntil(() => binance.openConnections === 1 && coinbase.subscribed('ticker').length === 2, 'both subscribed', 15_000);
    const live = Promise.all([waitForOutput(child, /connectors\.binance: live/), waitForOutput(child, /connectors\.coinbase: live/)]);
    binance.pushTicker('BTC/USDT', prices.binance);
    coinbase.pushTicker('BTC/USDT', prices.coinbase);
    await live;
    return { child, base, done };
  }

  it('journals one alert per episode with both prices, delivers it to a webhook, shows and counts it, and journals its end', async () => {
    const { child, base, done } = await startLive(config());
    try {
      // Coinbase 2 % above Binance; more diverging tickers while the episode holds change nothing.
      binance.pushTicker('BTC/USDT', 64_000);
      coinbase.pushTicker('BTC/USDT', 65_280);
      await waitForOutput(child, /supervisor\.alerts: BTC\/USDT 2\.00% apart on coinbase and binance, threshold 1% \(coinbase 65,280\.00 vs binance 64,000\.00 for \d/);
      binance.pushTicker('BTC/USDT', 64_010);
      coinbase.pushTicker('BTC/USDT', 65_300);
      // Back together: the episode ends (logged at INFO, journaled as a re-arm).
      coinbase.pushTicker('BTC/USDT', 64_020);
      await waitForOutput(child, /BTC\/USDT divergence between coinbase and binance ended \(spread 0\.02%\); re-armed/);
      await hook.waitForRequests(1, 10_000);

      const page = await (await fetch(`${base}/`)).text();
      expect(page).to.contain('BTC/USDT 2.00% apart on coinbase and binance, threshold 1%');
      const metrics = parsePrometheusText(await (await fetch(`${base}/metrics`)).text());
      expect(metrics.value('crypto_supervisor_alerts_total', { exchange: 'binance,coinbase', rule: 'divergence', direction: '' })).to.equal(1);
    } finally {
      child.kill('SIGTERM');
    }
    const run = await done;
    expect(run.code, run.stdout + run.stderr).to.equal(0);

    const divergences = journal(dir).filter((entry) => entry.rule === 'divergence');
    expect(divergences.map((e) => e.kind)).to.deep.equal(['divergence', 'rearm']);
    const [alert, ended] = divergences as [Record<string, any>, Record<string, any>];
    expect([alert.group, alert.high.exchange, alert.high.price, alert.low.exchange, alert.low.price, alert.threshold]).to.deep.equal([
      'BTC/USDT', 'coinbase', 65_280, 'binance', 64_000, 0.01,
    ]);
    expect(alert.spread).to.be.closeTo(0.02, 1e-9);
    expect(alert.ts - alert.since).to.be.at.least(300);
    expect([ended.reason, ended.group]).to.deep.equal(['converged', 'BTC/USDT']);

    const bodies = hook.requests.map((request) => JSON.parse(request.body) as { alerts: Record<string, any>[]; text: string });
    const delivered = bodies.flatMap((body) => body.alerts).filter((a) => a.kind === 'divergence');
    // The webhook's records are the journal's, numbers included (12 significant digits, no float noise).
    expect(delivered).to.deep.equal([alert]);
    expect(bodies.map((b) => b.text).join('\n')).to.contain('BTC/USDT 2.00% apart on coinbase and binance, threshold 1%: coinbase 65,280.00 vs binance 64,000.00');
  });

  it('a restart while the divergence still holds does not alert it again; its end after the restart is journaled', async () => {
    const file = config();
    const first = await startLive(file);
    binance.pushTicker('BTC/USDT', 64_000);
    coinbase.pushTicker('BTC/USDT', 65_280);
    await waitForOutput(first.child, /supervisor\.alerts: BTC\/USDT 2\.00% apart/);
    first.child.kill('SIGTERM');
    expect((await first.done).code).to.equal(0);
    await waitUntil(() => binance.openConnections === 0, 'first run disconnected', 10_000);

    // Still 2 % apart when the second run sees its first prices: measured again, held silently.
    const second = await startLive(file, { binance: 64_000, coinbase: 65_280 });
    try {
      binance.pushTicker('BTC/USDT', 64_000);
      coinbase.pushTicker('BTC/USDT', 65_280);
      // A witness: ETH diverges from now on. BTC has diverged since before, so had its episode not been
      // restored, its alert would be due no later than ETH's: once ETH's is logged, BTC's would have been.
      binance.pushTicker('ETH/USDT', 3000);
      coinbase.pushTicker('ETH/USDT', 3100);
      await waitForOutput(second.child, /supervisor\.alerts: ETH\/USDT 3\.33% apart on coinbase and binance/);
      // Back together: the episode that alerted before the restart ends.
      coinbase.pushTicker('BTC/USDT', 64_010);
      await waitForOutput(second.child, /BTC\/USDT divergence between coinbase and binance ended/);
    } finally {
      second.child.kill('SIGTERM');
    }
    const run = await second.done;
    expect(run.code, run.stdout + run.stderr).to.equal(0);
    expect(run.stdout).to.match(/dedupe: 1 divergence episode still in force \(BTC\/USDT\)/);
    expect(run.stdout).to.not.match(/supervisor\.alerts: BTC\/USDT 2\.00% apart/);
    expect(journal(dir).filter((e) => e.group === 'BTC/USDT').map((e) => e.kind)).to.deep.equal(['divergence', 'rearm']);
  });
});
