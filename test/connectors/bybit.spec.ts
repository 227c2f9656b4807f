import { expect } from 'chai';
import { bybit } from '../../src/connectors/bybit.js';
import { exchangeTicks } from '../../src/connectors/exchange-ticks.js';
import type { ConnectorLimits } from '../../src/connectors/connector.js';
import type { ExchangeConfig } from '../../src/domain/config-types.js';
import { FakeBybitServer } from '../helpers/fake-bybit-server.js';
import { waitUntil } from '../helpers/fake-exchange-server.js';
import { docFrame } from './doc-frames.js';
import { runFeed, testConfig } from './feed-harness.js';
import { parsedBy, ticks, TRANSPORT } from './parsed-by.js';

const RECEIVED_AT = 1_700_000_000_000;

const { controlOf, rejectionOf } = parsedBy(bybit, RECEIVED_AT);

// The documented spot snapshot (frames/bybit.jsonl line 11), as a tick: no bid/ask on spot; prevPrice24h the reference.
const DOC_TICK = { exchange: 'bybit', symbol: 'BTC/USDT', price: 21109.77, ts: 1673853746003, open24h: 20704.93, receivedAt: RECEIVED_AT };

/** The feed with connection spacing off (the tests start many) and any other limits overridden. */
const bybitTicks = (cfg: ExchangeConfig, options: Parameters<typeof exchangeTicks>[2], limits: Partial<ConnectorLimits> = {}) =>
  exchangeTicks('bybit', cfg, { ...options, limits: { minConnectIntervalMs: 0, ...limits } });

const symbolsOf = (count: number) => Array.from({ length: count }, (_, i) => `C${i}/USDT`);

describe('bybit connector', () => {
  describe('parse', () => {
    it('turns the documented spot ticker snapshot into a tick: data an object, ts a number, prevPrice24h the 24 h reference', () => {
      expect(bybit.parse(docFrame('bybit', 11), RECEIVED_AT)).to.deep.equal(ticks([DOC_TICK]));
      expect(bybit.parse(docFrame('bybit', 11), RECEIVED_AT, new Map([['BTCUSDT', 'BTC/USDT']]))).to.deep.equal(ticks([DOC_TICK]));
      expect(rejectionOf(docFrame('bybit', 11), new Map())).to.include({ reason: 'unknown_symbol', detail: 'BTCUSDT' });
    });

    it('reads subscribe acks and pongs of every market shape as transport only (no heartbeat channel on Bybit)', () => {
      for (const line of [4, 5, 6, 8, 9, 10, 13]) {
        expect(bybit.parse(docFrame('bybit', line), RECEIVED_AT), `line ${line}`).to.deep.equal(TRANSPORT);
      }
      expect(bybit.liveness).to.deep.equal({ heartbeat: undefined, staleAfterMs: 120_000 });
    });

    it('reads topics it did not ask for as transport, and rejects data that is not an object', () => {
      expect(bybit.parse('{"topic":"publicTrade.BTCUSDT","ts":1,"type":"snapshot","data":[]}', RECEIVED_AT)).to.deep.equal(TRANSPORT);
      expect(rejectionOf('{"topic":"tickers.BTCUSDT","ts":1,"type":"snapshot","data":[{"symbol":"BTCUSDT","lastPrice":"1"}]}'))
        .to.include({ reason: 'wrong_shape' });
      expect(rejectionOf('{"ts":1}')).to.include({ reason: 'wrong_shape' });
    });
  });

  describe('control', () => {
    it('reads a refusal naming a topic, in either observed form, as the refusal of that symbol, subscribing again without it', () => {
      expect(controlOf('{"success":false,"ret_msg":"Invalid symbol :[tickers.NOPEUSDT]","conn_id":"x","op":"subscribe"}'))
        .to.deep.equal({ kind: 'symbol_rejected', native: 'NOPEUSDT', message: 'Invalid symbol :[tickers.NOPEUSDT]', resubscribe: true });
      expect(controlOf('{"success":false,"ret_msg":"error:handler not found,topic:tickers.NOPEUSDT","conn_id":"x","op":"subscribe"}'))
        .to.include({ kind: 'symbol_rejected', native: 'NOPEUSDT' });
    });

    it('reads other refusals as errors, "already subscribed" and successes as nothing', () => {
      expect(controlOf(docFrame('bybit', 12))).to.deep.equal({ kind: 'error', message: 'error:handler not found,topic:getOrderBook.1.BTCUSDT' });
      expect(controlOf('{"success":false,"ret_msg":"args size >10","conn_id":"x","op":"subscribe"}')).to.deep.equal({ kind: 'error', message: 'args size >10' });
      expect(controlOf('{"success":false,"ret_msg":"error:already subscribed,topic:tickers.BTCUSDT","op":"subscribe"}')).to.equal(undefined);
      for (const line of [4, 8, 11, 13]) expect(controlOf(docFrame('bybit', line)), `line ${line}`).to.equal(undefined);
    });
  });

  describe('symbols and subscribe', () => {
    it('names symbols BASEQUOTE, batches the topics ten per request, and pings with JSON', () => {
      expect(bybit.nativeSymbol('BTC/USDT')).to.equal('BTCUSDT');
      const messages = bybit.subscribeMessages(symbolsOf(23));
      expect(messages.map((m) => (JSON.parse(m) as { args: string[] }).args.length)).to.deep.equal([10, 10, 3]);
      expect(messages[2]).to.equal('{"op":"subscribe","args":["tickers.C20USDT","tickers.C21USDT","tickers.C22USDT"]}');
      expect(bybit.pingMessage?.()).to.equal('{"op":"ping"}');
      expect(bybit.url).to.equal('wss://stream.bybit.com/v5/public/spot');
    });
  });

  describe('against a loopback server', () => {
    let server: FakeBybitServer;
    beforeEach(async () => (server = await FakeBybitServer.start()));
    afterEach(() => server.close());

    it('subscribes in batches of at most ten and turns the documented frame, sent byte for byte, into a tick', async () => {
      const symbols = ['BTC/USDT', ...symbolsOf(24)];
      const feed = runFeed((options) => bybitTicks(testConfig(server.url, symbols), options));
      try {
        await waitUntil(() => server.subscribed().length === 25, 'the subscription');
        expect(server.requestSizes).to.deep.equal([10, 10, 5]);
        server.push(docFrame('bybit', 11));
        server.pushTicker('C23/USDT', 3.5, { ts: 1_700_000_000_123, open24h: 3 });
        await waitUntil(() => feed.ticks.length === 2, 'two ticks');
        expect(feed.ticks[0]).to.deep.include({ ...DOC_TICK, receivedAt: feed.ticks[0]?.receivedAt });
        expect(feed.ticks[1]).to.deep.include({ exchange: 'bybit', symbol: 'C23/USDT', price: 3.5, ts: 1_700_000_000_123, open24h: 3 });
        expect(feed.logLines.filter((line) => line.includes('[WARN]') || line.includes('[ERROR]'))).to.deep.equal([]);
      } finally {
        feed.subscription.unsubscribe();
      }
    });

    it('puts at most 200 symbols on a connection, within the 21,000 characters of topics a connection may send', async () => {
      const feed = runFeed((options) => bybitTicks(testConfig(server.url, symbolsOf(201)), options));
      try {
        await waitUntil(() => server.subscribed().length === 201, 'every symbol subscribed');
        expect(server.openConnections).to.equal(2);
        expect(Math.max(...server.requestSizes)).to.equal(10);
        expect(server.requestSizes.reduce((a, b) => a + b, 0)).to.equal(201);
        expect(Math.max(...server.argsCharacters)).to.be.below(21_000);
      } finally {
        feed.subscription.unsubscribe();
      }
    });

    it('after a refused request, logs the symbol at ERROR and subscribes the rest of its batch again', async () => {
      server.unknownSymbols.add('NOPEUSDT');
      const symbols = [...symbolsOf(4), 'NOPE/USDT', ...symbolsOf(12).slice(4)];
      const feed = runFeed((options) => bybitTicks(testConfig(server.url, symbols), options));
      try {
        await waitUntil(() => server.subscribed().length === 12, 'every valid symbol subscribed');
        expect(feed.logLines.filter((line) => line.includes('[ERROR]'))).to.have.length(1);
        expect(feed.logLines.find((line) => line.includes('[ERROR]'))).to.match(/test\.bybit: NOPE\/USDT refused by bybit: Invalid symbol :\[tickers\.NOPEUSDT\]$/);
        expect(server.subscribed()).not.to.include('NOPEUSDT');
        server.pushTicker('C0/USDT', 1);
        await waitUntil(() => feed.ticks.length === 1, 'a tick of the refused batch');
        expect(server.argsCharacters[0]).to.be.below(21_000);
      } finally {
        feed.subscription.unsubscribe();
      }
    });

    it('keeps a quiet connection open with JSON pings, each answered', async () => {
      const feed = runFeed((options) => bybitTicks(testConfig(server.url, ['BTC/USDT']), options, { pingIntervalMs: 100 }));
      try {
        await waitUntil(() => server.pings >= 6, 'six JSON pings answered');
        expect(server.connectionAttempts).to.equal(1);
        expect(server.nonJsonFrames).to.equal(0);
        expect(feed.logLines.filter((line) => line.includes('[WARN]') || line.includes('[ERROR]'))).to.deep.equal([]);
      } finally {
        feed.subscription.unsubscribe();
      }
    });

    it('restarts a connection that goes silent, after a WARN', async () => {
      const feed = runFeed((options) => bybitTicks(testConfig(server.url, ['BTC/USDT'], { stale_after_ms: 300 }), options));
      try {
        await waitUntil(() => server.subscribed().length === 1, 'the subscription');
        server.pushTicker('BTC/USDT', 100);
        await waitUntil(() => feed.ticks.length === 1, 'a tick');
        server.silent = true;
        await waitUntil(() => server.connectionAttempts >= 2, 'the reconnect');
        expect(feed.logLines.some((line) => /\[WARN\] test\.bybit: .*stale/.test(line))).to.equal(true);
      } finally {
        feed.subscription.unsubscribe();
      }
    });

    it('reconnects after a kill, disclosing the blind interval, and backs off from a refusing server', async () => {
      const cfg = testConfig(server.url, ['BTC/USDT'], { reconnect_delay: 0.02, reconnect_max_delay: 0.08 });
      const feed = runFeed((options) => bybitTicks(cfg, options));
      try {
        await waitUntil(() => server.subscribed().length === 1, 'the subscription');
        server.pushTicker('BTC/USDT', 100, { ts: 1_000_000 });
        await waitUntil(() => feed.ticks.length === 1, 'the first tick');
        server.refuse = true;
        server.kill();
        await waitUntil(() => server.connectionAttempts >= 5, 'refused attempts');
        const delays = feed.logLines.flatMap((line) => /reconnecting in ([\d.]+) s/.exec(line)?.[1] ?? []).map(Number);
        expect(delays.slice(0, 4)).to.deep.equal([0.015, 0.03, 0.06, 0.06]);
        server.refuse = false;
        await waitUntil(() => server.subscribed().length === 1, 'the new subscription');
        server.pushTicker('BTC/USDT', 101, { ts: 1_042_000 });
        await waitUntil(() => feed.ticks.length === 2, 'the tick after the reconnect');
        expect(feed.ticks[1]).to.include({ price: 101, blindFrom: 1_000_000 });
        expect(feed.events.filter((e) => e.type === 'gap')).to.deep.equal([{ type: 'gap', gap: { exchange: 'bybit', from: 1_000_000, to: 1_042_000 } }]);
      } finally {
        feed.subscription.unsubscribe();
      }
    });
  });
});
