import { expect } from 'chai';
import { coinbase, coinbaseTicks } from '../../src/connectors/coinbase.js';
import { FakeCoinbaseServer } from '../helpers/fake-coinbase-server.js';
import { waitUntil } from '../helpers/fake-exchange-server.js';
import { docFrame } from './doc-frames.js';
import { runFeed, testConfig } from './feed-harness.js';

const RECEIVED_AT = 1_700_000_000_000;

// The documented ticker message (frames/coinbase.jsonl line 13), as a tick.
const DOC_TICK = {
  exchange: 'coinbase', symbol: 'ETH/USD', price: 1285.22, ts: Date.parse('2022-10-19T23:28:22.061Z'), bid: 1285.04,
  ask: 1285.27, open24h: 1310.79, receivedAt: RECEIVED_AT,
};

describe('coinbase connector', () => {
  describe('parse', () => {
    it('turns the documented ticker message into a tick with open_24h as open24h', () => {
      expect(coinbase.parse(docFrame('coinbase', 13), RECEIVED_AT)).to.deep.equal({ kind: 'ticks', ticks: [DOC_TICK] });
      expect(coinbase.parse(docFrame('coinbase', 13), RECEIVED_AT, new Map([['ETH-USD', 'ETH/USD']])))
        .to.deep.equal({ kind: 'ticks', ticks: [DOC_TICK] });
    });

    it('reads the heartbeat channel as data-path liveness', () => {
      expect(coinbase.parse(docFrame('coinbase', 6), RECEIVED_AT)).to.deep.equal({ kind: 'heartbeat' });
      expect(coinbase.liveness).to.deep.equal({ heartbeat: 'heartbeat channel, once a second per product', staleAfterMs: 30_000 });
    });

    it('reads subscriptions acks and every other documented type as transport only', () => {
      for (let line = 1; line <= 33; line++) {
        if (line === 6 || line === 13 || line === 30) continue;
        expect(coinbase.parse(docFrame('coinbase', line), RECEIVED_AT), `line ${line}`).to.deep.equal({ kind: 'transport' });
      }
    });

    it('rejects a message without a type (the level3 packed array) as wrong_shape', () => {
      expect(coinbase.parse(docFrame('coinbase', 30), RECEIVED_AT)).to.have.property('rejection').that.includes({ reason: 'wrong_shape' });
    });

    it('rejects a ticker of a product it was not asked for', () => {
      expect(coinbase.parse(docFrame('coinbase', 13), RECEIVED_AT, new Map([['BTC-USD', 'BTC/USD']])))
        .to.have.property('rejection').that.includes({ reason: 'unknown_symbol', detail: 'ETH-USD' });
    });
  });

  describe('controls', () => {
    const control = (frame: string) => {
      const parsed = coinbase.parse(frame, RECEIVED_AT);
      return parsed.kind === 'control' ? parsed.control : parsed.kind;
    };

    it('reads error messages, and a refused product as a symbol to subscribe again without', () => {
      expect(control(docFrame('coinbase', 34))).to.deep.equal({ kind: 'error', message: 'error message' });
      expect(control(docFrame('coinbase', 35))).to.deep.equal({ kind: 'error', message: 'Failed to subscribe: is not a valid product' });
      expect(control(docFrame('coinbase', 36))).to.deep.equal({ kind: 'error', message: 'Failed to subscribe: No channels provided' });
      expect(control('{"type":"error","message":"Failed to subscribe","reason":"FOO-USD is not a valid product"}')).to.deep.equal({
        kind: 'symbol_rejected', native: 'FOO-USD', message: 'Failed to subscribe: FOO-USD is not a valid product', resubscribe: true,
      });
    });
  });

  describe('subscribe', () => {
    it('puts product_ids inside each channel object, for ticker and heartbeat', () => {
      expect(coinbase.nativeSymbol('BTC/USD')).to.equal('BTC-USD');
      expect(coinbase.subscribeMessages(['BTC/USD', 'ETH/EUR'])).to.deep.equal([
        '{"type":"subscribe","channels":[{"name":"ticker","product_ids":["BTC-USD","ETH-EUR"]},{"name":"heartbeat","product_ids":["BTC-USD","ETH-EUR"]}]}',
      ]);
    });
  });

  describe('against a loopback server', () => {
    let server: FakeCoinbaseServer;
    beforeEach(async () => (server = await FakeCoinbaseServer.start()));
    afterEach(() => server.close());

    it('subscribes once on open and turns the documented frames into ticks', async () => {
      const feed = runFeed((options) => coinbaseTicks(testConfig(server.url, ['ETH/USD', 'BTC/USD']), options));
      try {
        await waitUntil(() => server.subscribed('ticker').length === 2, 'the subscription');
        expect(server.received.map((r) => r.text)).to.deep.equal(coinbase.subscribeMessages(['ETH/USD', 'BTC/USD']));
        expect(server.subscribed('heartbeat')).to.deep.equal(['ETH-USD', 'BTC-USD']);
        server.push(docFrame('coinbase', 6));
        server.push(docFrame('coinbase', 13));
        server.pushTicker('BTC/USD', 65_000.5, { ts: 1_700_000_000_123, open24h: 64_000 });
        await waitUntil(() => feed.ticks.length === 2, 'two ticks');
        expect(feed.ticks[0]).to.deep.include({ ...DOC_TICK, receivedAt: feed.ticks[0]?.receivedAt });
        expect(feed.ticks[1]).to.deep.include({ symbol: 'BTC/USD', price: 65_000.5, ts: 1_700_000_000_123, open24h: 64_000 });
        expect(feed.states()).to.deep.equal(['connecting', 'live']);
      } finally {
        feed.subscription.unsubscribe();
      }
    });

    it('logs a refused product at ERROR naming the symbol, and the other symbols go on', async () => {
      server.unknownProducts.add('FOO-USD');
      const feed = runFeed((options) => coinbaseTicks(testConfig(server.url, ['BTC/USD', 'FOO/USD']), options));
      try {
        await waitUntil(() => server.subscribed('ticker').length === 1, 'the second subscription');
        expect(server.subscribed('ticker')).to.deep.equal(['BTC-USD']);
        const errors = feed.logLines.filter((line) => line.includes('[ERROR]'));
        expect(errors).to.have.length(1);
        expect(errors[0]).to.match(/test\.coinbase: FOO\/USD refused by coinbase: Failed to subscribe: FOO-USD is not a valid product$/);
        server.pushTicker('BTC/USD', 65_000);
        await waitUntil(() => feed.ticks.length === 1, 'a tick');
        expect(feed.ticks[0]).to.include({ symbol: 'BTC/USD', price: 65_000 });
      } finally {
        feed.subscription.unsubscribe();
      }
    });
  });
});
