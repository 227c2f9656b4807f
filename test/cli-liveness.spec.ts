import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { FakeCoinbaseServer } from './helpers/fake-coinbase-server.js';
import { FakeExchangeServer, waitUntil } from './helpers/fake-exchange-server.js';
import { FakeKrakenServer } from './helpers/fake-kraken-server.js';
import { finished, startCli } from './helpers/run-cli.js';
import { tempDir, type TempDir } from './helpers/temp-dir.js';

const STALE_AFTER_MS = 1000;
const RECONNECT_DELAY_S = 0.2;

/**
 * The service as a process, with feeds that misbehave the way real ones do:
 * a Coinbase whose data stops while its socket answers every ping, a Kraken
 * configured the way its users write it (XBT, a tokenized stock), and a
 * "Binance" whose every frame is unreadable (a wrong endpoint).
 */
describe('cli: a feed is live only while data flows', function () {
  this.timeout(40_000);
  let dir: TempDir;
  let coinbase: FakeCoinbaseServer;
  let kraken: FakeKrakenServer;
  let wrongEndpoint: FakeExchangeServer;
  let junk: NodeJS.Timeout;
  beforeEach(async () => {
    dir = tempDir();
    coinbase = await FakeCoinbaseServer.start({ heartbeatEveryMs: 50 });
    kraken = await FakeKrakenServer.start({ heartbeatEveryMs: 50 });
    wrongEndpoint = await FakeExchangeServer.start();
    junk = setInterval(() => wrongEndpoint.push('{"type":"welcome","channels":[]}'), 50);
  });
  afterEach(async () => {
    clearInterval(junk);
    await Promise.all([coinbase.close(), kraken.close(), wrongEndpoint.close()]);
    dir.remove();
  });

  it('reconnects a stalled feed behind a ponging socket, reads XBT as BTC, and reports an unreadable feed as degraded', async () => {
    const stateDir = join(dir.path, 'state');
    const file = dir.write('c.yaml', `exchanges:
  coinbase:
    symbols: [BTC/USD]
    url: ${coinbase.url}
    stale_after_ms: ${STALE_AFTER_MS}
    reconnect_delay: ${RECONNECT_DELAY_S}
  kraken:
    symbols: [XBT/USD, AAPLx/USD]
    url: ${kraken.url}
  binance:
    symbols: [BTC/USDT]
    url: ${wrongEndpoint.url}
    stale_after_ms: ${STALE_AFTER_MS}
    reconnect_delay: ${RECONNECT_DELAY_S}
alerts:
  feed_down_after_ms: 1500
state_dir: ${stateDir}
http:
  listen: 127.0.0.1:0
`);
    const child = startCli(['--config', file]);
    const done = finished(child);
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    try {
      await waitUntil(() => /status page on http:\/\/127\.0\.0\.1:\d+\//.test(out), 'the HTTP surface', 10_000);
      const base = /status page on (http:\/\/127\.0\.0\.1:\d+)\//.exec(out)![1]!;

      // Coinbase: live on its heartbeat channel, then data stops while pings are still answered.
      await waitUntil(() => /\.coinbase: live/.test(out), 'coinbase live', 10_000);
      coinbase.stalled = true;
      const pingsBefore = coinbase.pingsReceived;
      // At most stale_after_ms plus the longest first backoff (reconnect_delay), with room for a loaded machine.
      await waitUntil(() => coinbase.connectionAttempts === 2, 'the reconnect', STALE_AFTER_MS + RECONNECT_DELAY_S * 1000 + 5000);
      expect(coinbase.pingsReceived).to.be.greaterThan(pingsBefore);
      expect(out).to.match(/\[WARN\] \S+\.coinbase: no market data or heartbeat for 1000 ms: stale, reconnecting/);
      coinbase.stalled = false;

      // Kraken: XBT/USD subscribed, ticked and shown as BTC/USD; AAPLx/USD keeps its case. One INFO line says so.
      await waitUntil(() => kraken.subscribedSymbols().length === 2, 'the kraken subscription', 10_000);
      expect(kraken.subscribedSymbols()).to.deep.equal(['BTC/USD', 'AAPLx/USD']);
      const notes = out.split('\n').filter((line) => line.includes('XBT'));
      expect(notes).to.have.length(1);
      expect(notes[0]).to.match(/\[INFO\] supervisor: config .*: exchanges\.kraken\.symbols\[0\]: XBT\/USD is read as BTC\/USD/);

      // Binance at a wrong endpoint: every frame rejected → degraded, not live, and feed_down.
      await waitUntil(() => /\.binance: all \d+ frames of the last 1000 ms rejected .*: degraded, reconnecting/.test(out), 'degraded', 10_000);
      const ready = (await (await fetch(`${base}/readyz`)).json()) as { reasons: string[]; feeds: { exchange: string; state: string }[] };
      expect(ready.feeds.find((feed) => feed.exchange === 'binance')?.state).to.equal('degraded');
      expect(ready.reasons.find((reason) => reason.startsWith('binance:'))).to.match(/^binance: degraded, not live since \S+ \(all \d+ frames/);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).to.match(/crypto_supervisor_feed_state\{exchange="binance",state="degraded"\} 1/);
      const journal = join(stateDir, 'alerts.jsonl');
      await waitUntil(() => existsSync(journal) && readFileSync(journal, 'utf8').includes('"exchange":"binance"'), 'feed_down in the journal', 10_000);
      const down = readFileSync(journal, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)
        .map((entry) => (entry['alert'] ?? entry) as Record<string, unknown>)
        .find((alert) => alert['rule'] === 'feed_down' && alert['exchange'] === 'binance');
      expect(down?.['reason']).to.match(/^degraded: all \d+ frames/);
    } finally {
      child.kill('SIGTERM');
      await done;
    }
  });
});
