import { expect } from 'chai';
import { exchangeTicks } from '../../src/connectors/exchange-ticks.js';
import { okx } from '../../src/connectors/okx.js';
import type { ConnectorLimits } from '../../src/connectors/connector.js';
import type { ExchangeConfig } from '../../src/domain/config-types.js';
import { waitUntil } from '../helpers/fake-exchange-server.js';
import { FakeOkxServer } from '../helpers/fake-okx-server.js';
import { docFrame } from './doc-frames.js';
import { runFeed, testConfig } from './feed-harness.js';
import { parsedBy, ticks, TRANSPORT } from './parsed-by.js';

const RECEIVED_AT = 1_700_000_000_000;

const { controlOf, rejectionOf } = parsedBy(okx, RECEIVED_AT);

// The documented tickers push (frames/okx.jsonl line 12), as a tick: `last`, `bidPx`, `askPx`, `open24h`, `ts`.
const DOC_TICK = {
  exchange: 'okx', symbol: 'BTC/USDT', price: 9999.99, ts: 1597026383085, bid: 8888.88, ask: 9999.99, open24h: 9000,
  receivedAt: RECEIVED_AT,
};

/** The feed with connection spacing off (the tests start many) and any other limits overridden. */
const okxTicks = (cfg: ExchangeConfig, options: Parameters<typeof exchangeTicks>[2], limits: Partial<ConnectorLimits> = {}) =>
  exchangeTicks('okx', cfg, { ...options, limits: { minConnectIntervalMs: 0, ...limits } });

describe('okx connector', () => {
  describe('parse', () => {
    it('turns the documented tickers push into a tick: strings read as numbers, ts a string of ms, open24h not sodUtc0', () => {
      expect(okx.parse(docFrame('okx', 12), RECEIVED_AT)).to.deep.equal(ticks([DOC_TICK]));
      expect(okx.parse(docFrame('okx', 12), RECEIVED_AT, new Map([['BTC-USDT', 'BTC/USDT']]))).to.deep.equal(ticks([DOC_TICK]));
    });

    it('reads the frames recorded live, whose field order differs from the docs', () => {
      expect(okx.parse(docFrame('okx-recorded', 1), RECEIVED_AT)).to.deep.equal(ticks([{
        exchange: 'okx', symbol: 'BTC/USDT', price: 30236, ts: 1652459224956, bid: 30228.6, ask: 30228.7, open24h: 29700.4,
        receivedAt: RECEIVED_AT,
      }]));
      expect(okx.parse(docFrame('okx-recorded', 3), RECEIVED_AT)).to.have.nested.property('ticks[0].price', 30243.5);
    });

    it('reads an empty bid or ask as none, not as a malformed frame', () => {
      const frame = docFrame('okx', 12).replace('"bidPx": "8888.88"', '"bidPx": ""');
      const { bid: _bid, ...withoutBid } = DOC_TICK;
      expect(okx.parse(frame, RECEIVED_AT)).to.deep.equal(ticks([withoutBid]));
    });

    it('reads the text pong, acks and unsubscribe acks as transport only (no heartbeat channel on OKX)', () => {
      expect(okx.parse('pong', RECEIVED_AT)).to.deep.equal(TRANSPORT);
      for (const line of [3, 6, 10, 15]) {
        expect(okx.parse(docFrame('okx', line), RECEIVED_AT), `line ${line}`).to.deep.equal(TRANSPORT);
      }
      expect(okx.liveness).to.deep.equal({ heartbeat: undefined, staleAfterMs: 300_000 });
    });

    it('drops a push for an instrument that is not spot BASE-QUOTE (the observed SWAP frame) as unknown_symbol', () => {
      expect(rejectionOf(docFrame('okx', 16))).to.include({ reason: 'unknown_symbol', detail: 'BTC-USDT-SWAP' });
    });

    it('rejects requests (which a server never sends) and other shapes as wrong_shape', () => {
      for (const line of [1, 2, 4, 5, 9]) {
        expect(rejectionOf(docFrame('okx', line)), `line ${line}`).to.include({ reason: 'wrong_shape' });
      }
      expect(rejectionOf('{"arg":{"channel":"tickers","instId":"BTC-USDT"},"data":{}}')).to.include({ reason: 'wrong_shape' });
    });
  });

  describe('control', () => {
    it('reads 60018, in both observed wordings, as the refusal of the instrument named inside msg', () => {
      expect(controlOf(docFrame('okx', 14))).to.deep.include({ kind: 'symbol_rejected', native: 'NMR-USDT', resubscribe: false });
      expect(controlOf(docFrame('okx', 13))).to.deep.equal({
        kind: 'symbol_rejected', native: 'LTC-USD', message: "error 60018: channel:tickers,instId:LTC-USD doesn't exist", resubscribe: false,
      });
    });

    it('reads the 64008 notice as a handover, other errors as errors, and the rest as nothing', () => {
      expect(controlOf(docFrame('okx', 7))).to.deep.equal({
        kind: 'shutdown', message: 'notice 64008: The connection will soon be closed for a service upgrade. Please reconnect.',
      });
      expect(controlOf(docFrame('okx', 8))).to.deep.equal({ kind: 'error', message: 'error 60009: Login failed.' });
      expect(controlOf(docFrame('okx', 11))).to.include({ kind: 'error' });
      for (const frame of ['pong', docFrame('okx', 3), docFrame('okx', 12), docFrame('okx', 15)]) expect(controlOf(frame)).to.equal(undefined);
    });
  });

  describe('symbols and subscribe', () => {
    it('names instruments BASE-QUOTE, subscribes them in one request, and pings with the text ping', () => {
      expect(okx.nativeSymbol('BTC/USDT')).to.equal('BTC-USDT');
      expect(okx.subscribeMessages(['BTC/USDT', 'ETH/USDT'])).to.deep.equal([
        '{"op":"subscribe","args":[{"channel":"tickers","instId":"BTC-USDT"},{"channel":"tickers","instId":"ETH-USDT"}]}',
      ]);
      expect(okx.pingMessage?.()).to.equal('ping');
      expect(okx.url).to.equal('wss://ws.okx.com:8443/ws/v5/public');
    });
  });

  describe('against a loopback server', () => {
    let server: FakeOkxServer;
    beforeEach(async () => (server = await FakeOkxServer.start()));
    afterEach(() => server.close());

    it('subscribes once on open and turns the documented and recorded frames, sent byte for byte, into ticks', async () => {
      const feed = runFeed((options) => okxTicks(testConfig(server.url, ['BTC/USDT', 'ETH/USDT']), options));
      try {
        await waitUntil(() => server.subscribed().length === 2, 'the subscription');
        expect(server.received.map((r) => r.text)).to.deep.equal(okx.subscribeMessages(['BTC/USDT', 'ETH/USDT']));
        server.push(docFrame('okx', 12));
        server.push(docFrame('okx-recorded', 1));
        server.pushTicker('ETH/USDT', 3100.5, { ts: 1_700_000_000_123, open24h: 3000, bid: 3100.4, ask: 3100.6 });
        await waitUntil(() => feed.ticks.length === 3, 'three ticks');
        expect(feed.ticks[0]).to.deep.include({ ...DOC_TICK, receivedAt: feed.ticks[0]?.receivedAt });
        expect(feed.ticks[1]).to.deep.include({ symbol: 'BTC/USDT', price: 30236, ts: 1652459224956 });
        expect(feed.ticks[2]).to.deep.include({ exchange: 'okx', symbol: 'ETH/USDT', price: 3100.5, ts: 1_700_000_000_123, open24h: 3000 });
        expect(server.subscribeRequests).to.deep.equal([1]);
        expect(feed.logLines.filter((line) => line.includes('[WARN]') || line.includes('[ERROR]'))).to.deep.equal([]);
      } finally {
        feed.subscription.unsubscribe();
      }
    });

    it('puts at most 100 instruments on a connection, one subscribe request each, attempts under 3 a second', async () => {
      const symbols = Array.from({ length: 101 }, (_, i) => `C${i}/USDT`);
      const feed = runFeed((options) => exchangeTicks('okx', testConfig(server.url, symbols), options)); // real spacing
      try {
        await waitUntil(() => server.subscribed().length === 101, 'every instrument subscribed');
        expect(server.openConnections).to.equal(2);
        expect(server.subscribeRequests).to.deep.equal([1, 1]);
        expect(server.connectionRateViolations).to.equal(0);
      } finally {
        feed.subscription.unsubscribe();
      }
    });

    it('logs a refused instrument at ERROR naming it as we write it, and the others go on', async () => {
      server.unknownInstruments.add('NOPE-USDT');
      const feed = runFeed((options) => okxTicks(testConfig(server.url, ['NOPE/USDT', 'BTC/USDT']), options));
      try {
        await waitUntil(() => feed.logLines.some((line) => line.includes('[ERROR]')), 'the error');
        expect(feed.logLines.find((line) => line.includes('[ERROR]'))).to.match(/test\.okx: NOPE\/USDT refused by okx: error 60018: Wrong URL or channel:tickers,instId:NOPE-USDT doesn't exist/);
        server.pushTicker('BTC/USDT', 65_000);
        await waitUntil(() => feed.ticks.length === 1, 'a tick');
        expect(feed.ticks[0]).to.include({ symbol: 'BTC/USDT' });
        expect(server.subscribeRequests).to.deep.equal([1]); // each arg is acked alone: nothing to send again
      } finally {
        feed.subscription.unsubscribe();
      }
    });

    it('keeps a quiet connection open past the server idle close with text pings, none logged as malformed', async () => {
      await server.close();
      server = await FakeOkxServer.start({ idleCloseMs: 400 });
      // Pings every 100 ms against an idle close at 400 ms; the pongs keep the socket, not the liveness timeout (5 s).
      const feed = runFeed((options) => okxTicks(testConfig(server.url, ['BTC/USDT']), options, { pingIntervalMs: 100 }));
      try {
        await waitUntil(() => server.textPings >= 8, 'eight pings (0.8 s, two idle-close periods)');
        expect(server.connectionAttempts).to.equal(1);
        expect(feed.events.filter((e) => e.type === 'rejected')).to.deep.equal([]);
        expect(feed.logLines.filter((line) => line.includes('[WARN]') || line.includes('[ERROR]'))).to.deep.equal([]);
      } finally {
        feed.subscription.unsubscribe();
      }
    });

    it('on the 64008 notice, opens the new connection before the old one closes, without a gap', async () => {
      const feed = runFeed((options) => okxTicks(testConfig(server.url, ['BTC/USDT']), options));
      try {
        await waitUntil(() => server.subscribed().length === 1, 'the subscription');
        server.pushTicker('BTC/USDT', 100, { ts: 1_000_000 });
        await waitUntil(() => feed.ticks.length === 1, 'the first tick');
        server.upgradeNotice();
        await waitUntil(() => server.subscribeRequests[1] === 1, 'the new connection subscribed');
        server.pushTicker('BTC/USDT', 101, { ts: 1_001_000 }); // to both, while both are open: one tick
        await waitUntil(() => server.openConnections === 1, 'the old connection to close once the new one delivers');
        expect(server.peakOpenConnections).to.equal(2);
        server.pushTicker('BTC/USDT', 102, { ts: 1_002_000 });
        await waitUntil(() => feed.ticks.length === 3, 'the tick on the new connection');
        expect(feed.ticks.map((t) => [t.price, t.blindFrom])).to.deep.equal([[100, undefined], [101, undefined], [102, undefined]]);
        expect(server.connectionAttempts).to.equal(2);
        expect(feed.events.filter((e) => e.type === 'gap')).to.deep.equal([]);
        expect(feed.logLines.some((line) => line.includes('[INFO] test.okx: notice 64008: The connection will soon be closed'))).to.equal(true);
      } finally {
        feed.subscription.unsubscribe();
      }
    });

    it('reconnects after a kill (disclosing the blind interval), backs off from a refusing server, and restarts a stale socket, never over 3 attempts a second', async () => {
      const cfg = testConfig(server.url, ['BTC/USDT'], { stale_after_ms: 300, reconnect_delay: 0.02, reconnect_max_delay: 0.08 });
      const feed = runFeed((options) => exchangeTicks('okx', cfg, options)); // the real connection spacing
      try {
        await waitUntil(() => server.subscribed().length === 1, 'the subscription');
        server.pushTicker('BTC/USDT', 100, { ts: 1_000_000 });
        await waitUntil(() => feed.ticks.length === 1, 'the first tick');
        server.refuse = true;
        server.kill();
        await waitUntil(() => server.connectionAttempts >= 5, 'refused attempts');
        const delays = feed.logLines.flatMap((line) => /reconnecting in ([\d.]+) s/.exec(line)?.[1] ?? []).map(Number);
        expect(delays.slice(0, 4)).to.deep.equal([0.015, 0.03, 0.06, 0.06]); // random() = 0.5: 3/4 of 20, 40, 80, 80 ms
        server.refuse = false;
        await waitUntil(() => server.subscribed().length === 1, 'the new subscription');
        server.pushTicker('BTC/USDT', 101, { ts: 1_042_000 });
        await waitUntil(() => feed.ticks.length === 2, 'the tick after the reconnect');
        expect(feed.ticks[1]).to.include({ price: 101, blindFrom: 1_000_000 });
        const attempts = server.connectionAttempts;
        server.silent = true; // no pongs, no data: the watchdog must restart it
        await waitUntil(() => server.connectionAttempts > attempts, 'the watchdog reconnect');
        expect(feed.logLines.some((line) => /\[WARN\] test\.okx: .*stale/.test(line))).to.equal(true);
        expect(server.connectionRateViolations).to.equal(0);
      } finally {
        feed.subscription.unsubscribe();
      }
    });
  });
});
