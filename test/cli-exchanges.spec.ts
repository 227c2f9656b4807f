import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Alert } from '../src/domain/alert.js';
import { eventually } from './helpers/eventually.js';
import { FakeBitstampServer } from './helpers/fake-bitstamp-server.js';
import { FakeBybitServer } from './helpers/fake-bybit-server.js';
import { waitUntil } from './helpers/fake-exchange-server.js';
import { FakeOkxServer } from './helpers/fake-okx-server.js';
import { finished, startCli, waitForOutput } from './helpers/run-cli.js';
import { tempDir, type TempDir } from './helpers/temp-dir.js';
import { parsePrometheusText } from './ops/prometheus-text.js';
import { openSse } from './ops/sse-client.js';

interface SnapshotView {
  readonly symbols: readonly { exchange: string; symbol: string; price?: number; silentSince?: number }[];
  readonly feeds: readonly { exchange: string; light: string; ticks: number }[];
  readonly alerts: readonly Alert[];
}

describe('cli: OKX, Bybit and Bitstamp through the whole service (loopback fakes)', function () {
  this.timeout(30_000);
  let dir: TempDir;
  let okx: FakeOkxServer;
  let bybit: FakeBybitServer;
  let bitstamp: FakeBitstampServer;
  beforeEach(async () => {
    dir = tempDir();
    [okx, bybit, bitstamp] = await Promise.all([FakeOkxServer.start(), FakeBybitServer.start(), FakeBitstampServer.start()]);
  });
  afterEach(async () => {
    await Promise.all([okx.close(), bybit.close(), bitstamp.close()]);
    dir.remove();
  });

  it("turns each exchange's moves into 24 h and short-window alerts, shown on the status page and in /metrics; an unknown Bitstamp pair is reported silent", async () => {
    bitstamp.unknownPairs.add('foousd');
    // Native spellings on purpose: each is accepted and reported canonically.
    const file = dir.write('c.yaml', `exchanges:
  okx:
    symbols: [BTC-USDT]
    url: ${okx.url}
  bybit:
    symbols: [ethusdt]
    url: ${bybit.url}
  bitstamp:
    symbols: [btcusd, FOO/USD]
    url: ${bitstamp.url}
alerts:
  symbol_silent_after_ms: 1500
state_dir: ${join(dir.path, 'state')}
http:
  listen: 127.0.0.1:0
`);
    const child = startCli(['--config', file]);
    const done = finished(child);
    try {
      const base = /status page on (http:\/\/127\.0\.0\.1:\d+)\//.exec(await waitForOutput(child, /status page on http:\/\/\S+\//))![1]!;
      await waitUntil(() => okx.subscribed().length === 1 && bybit.subscribed().length === 1 && bitstamp.subscribed().length === 2, 'all three subscribed', 15_000);

      // +6 % against the exchange's own 24 h open (OKX open24h, Bybit prevPrice24h); on Bitstamp against our own window.
      // Within a minute, each is also a short-window move (2 % in 1 h by default).
      const ts = Date.now();
      okx.pushTicker('BTC/USDT', 100, { ts, open24h: 100 });
      okx.pushTicker('BTC/USDT', 106, { ts: ts + 1000, open24h: 100 });
      bybit.pushTicker('ETH/USDT', 2000, { ts, open24h: 2000 });
      bybit.pushTicker('ETH/USDT', 2120, { ts: ts + 1000, open24h: 2000 });
      bitstamp.pushTrade('BTC/USD', 100, { ts });
      bitstamp.pushTrade('BTC/USD', 106, { ts: ts + 1000 });

      await waitForOutput(child, /bitstamp FOO\/USD: no tick for 2 s while the feed is live/);
      const journal = () => readFileSync(join(dir.path, 'state', 'alerts.jsonl'), 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as Alert);
      await eventually(async () => {
        const rules = journal().flatMap((a) => (a.kind === 'price' ? [`${a.exchange} ${a.symbol} ${a.rule} ${a.direction}`] : []));
        expect(rules).to.have.members([
          'okx BTC/USDT pct_short up', 'okx BTC/USDT pct_24h up',
          'bybit ETH/USDT pct_short up', 'bybit ETH/USDT pct_24h up',
          'bitstamp BTC/USD pct_short up', 'bitstamp BTC/USD pct_24h up',
        ]);
      });

      const metrics = parsePrometheusText(await (await fetch(`${base}/metrics`)).text());
      for (const exchange of ['okx', 'bybit', 'bitstamp']) {
        expect(metrics.value('crypto_supervisor_ticks_total', { exchange }), exchange).to.equal(2);
        expect(metrics.value('crypto_supervisor_feed_up', { exchange }), exchange).to.equal(1);
        expect(metrics.value('crypto_supervisor_alerts_total', { exchange, rule: 'pct_24h', direction: 'up' }), exchange).to.equal(1);
        expect(metrics.value('crypto_supervisor_alerts_total', { exchange, rule: 'pct_short', direction: 'up' }), exchange).to.equal(1);
      }
      // FOO/USD never ticked; BTC/USD, quiet since its two trades, may by now be reported too.
      expect(metrics.value('crypto_supervisor_symbols_silent', { exchange: 'bitstamp' })).to.be.at.least(1);

      expect((await fetch(`${base}/`)).status).to.equal(200);
      const events = await openSse(`${base}/events`);
      try {
        const snapshot = JSON.parse((await events.waitFor('snapshot')).data) as SnapshotView;
        const rows = new Map(snapshot.symbols.map((row) => [`${row.exchange} ${row.symbol}`, row]));
        expect([...rows.keys()]).to.include.members(['okx BTC/USDT', 'bybit ETH/USDT', 'bitstamp BTC/USD', 'bitstamp FOO/USD']);
        expect(rows.get('okx BTC/USDT')?.price).to.equal(106);
        expect(rows.get('bybit ETH/USDT')?.price).to.equal(2120);
        expect(rows.get('bitstamp BTC/USD')?.price).to.equal(106);
        expect(rows.get('bitstamp FOO/USD')?.silentSince).to.be.a('number');
        expect(snapshot.feeds.map((f) => [f.exchange, f.light, f.ticks])).to.deep.include.members([
          ['okx', 'green', 2], ['bybit', 'green', 2], ['bitstamp', 'green', 2],
        ]);
        expect(snapshot.alerts.map((a) => ('exchange' in a ? a.exchange : undefined))).to.include.members(['okx', 'bybit', 'bitstamp']);
      } finally {
        events.close();
      }

      child.kill('SIGTERM');
      const run = await done;
      expect(run.code, run.stdout + run.stderr).to.equal(0);
      expect(run.stdout).to.match(/supervisor\.alerts: BTC\/USDT \+6\.00% in 24h on okx/);
      expect(run.stdout).to.match(/supervisor\.alerts: ETH\/USDT \+6\.00% in 24h on bybit/);
      expect(run.stdout).to.match(/supervisor\.alerts: BTC\/USD \+6\.00% in 24h on bitstamp/);
      expect(run.stdout).not.to.match(/\[WARN\] .*dropped frame/);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
