import { expect } from 'chai';
import { bitstamp } from '../../src/connectors/bitstamp.js';
import { exchangeTicks } from '../../src/connectors/exchange-ticks.js';
import type { ConnectorLimits } from '../../src/connectors/connector.js';
import type { ExchangeConfig } from '../../src/domain/config-types.js';
import { FakeBitstampServer } from '../helpers/fake-bitstamp-server.js';
import { waitUntil } from '../helpers/fake-exchange-server.js';
import { docFrame } from './doc-frames.js';
import { runFeed, testConfig } from './feed-harness.js';
import { parsedBy, ticks, TRANSPORT } from './parsed-by.js';

const RECEIVED_AT = 1_700_000_000_000;

const { controlOf, rejectionOf } = parsedBy(bitstamp, RECEIVED_AT);

// The observed trades (frames/bitstamp.jsonl lines 8 and 9), as ticks: the price, the time from microtimestamp.
const TRADE_TICKS = [
  { exchange: 'bitstamp', symbol: 'BTC/USD', price: 24629, ts: 1676510678160, receivedAt: RECEIVED_AT },
  { exchange: 'bitstamp', symbol: 'BTC/USD', price: 24633, ts: 1676510685218, receivedAt: RECEIVED_AT },
] as const;

/** The feed with connection spacing off (the tests start many) and any other limits overridden. */
const bitstampTicks = (cfg: ExchangeConfig, options: Parameters<typeof exchangeTicks>[2], limits: Partial<ConnectorLimits> = {}) =>
  exchangeTicks('bitstamp', cfg, { ...options, limits: { minConnectIntervalMs: 0, ...limits } });

describe('bitstamp connector', () => {
  describe('parse', () => {
    it('turns each observed trade into a tick (price, microtimestamp in ms; no bid, ask or 24 h open)', () => {
      expect(bitstamp.parse(docFrame('bitstamp', 8), RECEIVED_AT)).to.deep.equal(ticks([TRADE_TICKS[0]]));
      expect(bitstamp.parse(docFrame('bitstamp', 9), RECEIVED_AT, new Map([['btcusd', 'BTC/USD']]))).to.deep.equal(ticks([TRADE_TICKS[1]]));
      expect(rejectionOf(docFrame('bitstamp', 9), new Map())).to.include({ reason: 'unknown_symbol', detail: 'btcusd' });
    });

    it('reads the perpetual trade time from microtimestamp, not from its millisecond timestamp, and needs the symbol map for it', () => {
      expect(rejectionOf(docFrame('bitstamp', 12))).to.include({ reason: 'unknown_symbol', detail: 'btcusd-perp' });
      expect(bitstamp.parse(docFrame('bitstamp', 12), RECEIVED_AT, new Map([['btcusd-perp', 'BTC/USD']]))).to.deep.equal(ticks([
        { exchange: 'bitstamp', symbol: 'BTC/USD', price: 77204, ts: 1789456400586, receivedAt: RECEIVED_AT },
      ]));
    });

    it('reads acks and heartbeat replies as transport only (the reply answers our request: no heartbeat channel)', () => {
      for (const line of [4, 7, 10]) {
        expect(bitstamp.parse(docFrame('bitstamp', line), RECEIVED_AT), `line ${line}`).to.deep.equal(TRANSPORT);
      }
      expect(rejectionOf('{"data":{},"channel":"live_trades_btcusd"}')).to.include({ reason: 'wrong_shape' });
      expect(bitstamp.liveness).to.deep.equal({ heartbeat: undefined, staleAfterMs: 600_000 });
    });
  });

  describe('control', () => {
    it('reads bts:request_reconnect as a handover whatever its data ("" or null)', () => {
      expect(controlOf(docFrame('bitstamp', 5))).to.deep.equal({ kind: 'shutdown', message: 'server requested a reconnect' });
      expect(controlOf(docFrame('bitstamp', 6))).to.deep.equal({ kind: 'shutdown', message: 'server requested a reconnect' });
      expect(controlOf('{"event":"bts:request_reconnect"}')).to.include({ kind: 'shutdown' });
    });

    it('reads bts:error as an error naming no symbol (its channel is empty), and the rest as nothing', () => {
      expect(controlOf(docFrame('bitstamp', 11))).to.deep.equal({ kind: 'error', message: 'error: Incorrect JSON format.' });
      expect(controlOf('{"event":"bts:error","channel":"","data":{"code":4009,"message":"Bad subscription string."}}'))
        .to.deep.equal({ kind: 'error', message: 'error 4009: Bad subscription string.' });
      for (const line of [7, 8, 10]) expect(controlOf(docFrame('bitstamp', line)), `line ${line}`).to.equal(undefined);
    });
  });

  describe('symbols and subscribe', () => {
    it('names pairs in lower case, subscribes one channel per message (each far under 512 bytes), and heartbeats', () => {
      expect(bitstamp.nativeSymbol('BTC/USD')).to.equal('btcusd');
      expect(bitstamp.subscribeMessages(['BTC/USD', 'USDC/USDT'])).to.deep.equal([
        '{"event":"bts:subscribe","data":{"channel":"live_trades_btcusd"}}',
        '{"event":"bts:subscribe","data":{"channel":"live_trades_usdcusdt"}}',
      ]);
      expect(bitstamp.pingMessage?.()).to.equal('{"event":"bts:heartbeat"}');
      expect(bitstamp.url).to.equal('wss://ws.bitstamp.net');
      expect(bitstamp.limits.connectionLifetimeMs).to.be.below(2 ** 31); // a longer timer would fire at once
    });
  });

  describe('against a loopback server', () => {
    let server: FakeBitstampServer;
    beforeEach(async () => (server = await FakeBitstampServer.start()));
    afterEach(() => server.close());

    it('subscribes each channel and turns the observed trades, sent byte for byte, into ticks', async () => {
      const feed = runFeed((options) => bitstampTicks(testConfig(server.url, ['BTC/USD', 'ETH/EUR']), options));
      try {
        await waitUntil(() => server.subscribed().length === 2, 'the subscriptions');
        expect(server.received.map((r) => r.text)).to.deep.equal(bitstamp.subscribeMessages(['BTC/USD', 'ETH/EUR']));
        server.push(docFrame('bitstamp', 8));
        server.push(docFrame('bitstamp', 9));
        server.pushTrade('ETH/EUR', 1650.25, { ts: 1_700_000_000_123 });
        await waitUntil(() => feed.ticks.length === 3, 'three ticks');
        expect(feed.ticks.map(({ receivedAt: _, ...tick }) => tick)).to.deep.equal([
          ...TRADE_TICKS.map(({ receivedAt: _, ...tick }) => tick),
          { exchange: 'bitstamp', symbol: 'ETH/EUR', price: 1650.25, ts: 1_700_000_000_123 },
        ]);
        expect(feed.logLines.filter((line) => line.includes('[WARN]') || line.includes('[ERROR]'))).to.deep.equal([]);
      } finally {
        feed.subscription.unsubscribe();
      }
    });

    it('puts at most 1000 pairs on a connection (a 1,025th subscription closes it), each subscribe frame under 512 bytes', async () => {
      const symbols = Array.from({ length: 1001 }, (_, i) => `COIN${i}/USDT`);
      const feed = runFeed((options) => bitstampTicks(testConfig(server.url, symbols), options));
      try {
        await waitUntil(() => server.subscribed().length === 1001, 'every pair subscribed', 10_000);
        expect(server.openConnections).to.equal(2);
        expect(server.connectionAttempts).to.equal(2);
        expect(Math.max(...server.received.map((r) => Buffer.byteLength(r.text)))).to.be.below(512);
      } finally {
        feed.subscription.unsubscribe();
      }
    });

    for (const data of ['empty', 'null'] as const) {
      it(`on bts:request_reconnect (data ${data === 'empty' ? '""' : 'null'}), opens and subscribes the new connection before the old one is dropped, losing no trade`, async () => {
        const feed = runFeed((options) => bitstampTicks(testConfig(server.url, ['BTC/USD']), options));
        try {
          await waitUntil(() => server.subscribed().length === 1, 'the subscription');
          server.pushTrade('BTC/USD', 100, { ts: 1_000_000 });
          await waitUntil(() => feed.ticks.length === 1, 'the first trade');
          server.requestReconnect(data, 2000);
          await waitUntil(() => server.received.some((r) => r.connection === 1), 'the new connection subscribed');
          server.pushTrade('BTC/USD', 101, { ts: 1_001_000 }); // to both, while both are open: one tick
          await waitUntil(() => server.openConnections === 1, 'the old connection to close once the new one delivers');
          expect(server.peakOpenConnections).to.equal(2);
          server.pushTrade('BTC/USD', 102, { ts: 1_002_000 });
          await waitUntil(() => feed.ticks.length === 3, 'the trade on the new connection');
          expect(feed.ticks.map((t) => [t.price, t.blindFrom])).to.deep.equal([[100, undefined], [101, undefined], [102, undefined]]);
          expect(server.connectionAttempts).to.equal(2);
          expect(feed.events.filter((e) => e.type === 'gap')).to.deep.equal([]);
          expect(feed.states()).to.deep.equal(['connecting', 'live']);
          expect(feed.logLines.some((line) => line.includes('[INFO] test.bitstamp: server requested a reconnect: opening a new connection before this one closes'))).to.equal(true);
        } finally {
          feed.subscription.unsubscribe();
        }
      });
    }

    it('keeps a quiet connection open with heartbeat requests, each answered', async () => {
      const feed = runFeed((options) => bitstampTicks(testConfig(server.url, ['BTC/USD']), options, { pingIntervalMs: 100 }));
      try {
        await waitUntil(() => server.heartbeats >= 6, 'six heartbeat requests answered');
        expect(server.connectionAttempts).to.equal(1);
        expect(feed.logLines.filter((line) => line.includes('[WARN]') || line.includes('[ERROR]'))).to.deep.equal([]);
      } finally {
        feed.subscription.unsubscribe();
      }
    });

    it('restarts a connection that goes silent, after a WARN', async () => {
      const feed = runFeed((options) => bitstampTicks(testConfig(server.url, ['BTC/USD'], { stale_after_ms: 300 }), options));
      try {
        await waitUntil(() => server.subscribed().length === 1, 'the subscription');
        server.pushTrade('BTC/USD', 100);
        await waitUntil(() => feed.ticks.length === 1, 'a tick');
        server.silent = true;
        await waitUntil(() => server.connectionAttempts >= 2, 'the reconnect');
        expect(feed.logLines.some((line) => /\[WARN\] test\.bitstamp: .*stale/.test(line))).to.equal(true);
      } finally {
        feed.subscription.unsubscribe();
      }
    });

    it('reconnects after a kill, disclosing the blind interval, and backs off from a refusing server', async () => {
      const cfg = testConfig(server.url, ['BTC/USD'], { reconnect_delay: 0.02, reconnect_max_delay: 0.08 });
      const feed = runFeed((options) => bitstampTicks(cfg, options));
      try {
        await waitUntil(() => server.subscribed().length === 1, 'the subscription');
        server.pushTrade('BTC/USD', 100, { ts: 1_000_000 });
        await waitUntil(() => feed.ticks.length === 1, 'the first trade');
        server.refuse = true;
        server.kill();
        await waitUntil(() => server.connectionAttempts >= 5, 'refused attempts');
        const delays = feed.logLines.flatMap((line) => /reconnecting in ([\d.]+) s/.exec(line)?.[1] ?? []).map(Number);
        expect(delays.slice(0, 4)).to.deep.equal([0.015, 0.03, 0.06, 0.06]);
        server.refuse = false;
        await waitUntil(() => server.subscribed().length === 1, 'the new subscription');
        server.pushTrade('BTC/USD', 101, { ts: 1_042_000 });
        await waitUntil(() => feed.ticks.length === 2, 'the trade after the reconnect');
        expect(feed.ticks[1]).to.include({ price: 101, blindFrom: 1_000_000 });
      } finally {
        feed.subscription.unsubscribe();
      }
    });

    it('an unknown but well-formed pair is acknowledged like any other and then stays silent', async () => {
      server.unknownPairs.add('foousd');
      const feed = runFeed((options) => bitstampTicks(testConfig(server.url, ['FOO/USD', 'BTC/USD']), options));
      try {
        await waitUntil(() => server.subscribed().length === 2, 'both acknowledged');
        server.pushTrade('FOO/USD', 1);
        server.pushTrade('BTC/USD', 100);
        await waitUntil(() => feed.ticks.length === 1, 'the known pair');
        expect(feed.ticks.map((t) => t.symbol)).to.deep.equal(['BTC/USD']);
        expect(feed.logLines.filter((line) => line.includes('[ERROR]'))).to.deep.equal([]); // nothing tells: the silence report must
      } finally {
        feed.subscription.unsubscribe();
      }
    });
  });
});
