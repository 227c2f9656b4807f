import { expect } from 'chai';
import { binance, binanceTicks } from '../../src/connectors/binance.js';
import { FakeBinanceServer } from '../helpers/fake-binance-server.js';
import { waitUntil } from '../helpers/fake-exchange-server.js';
import { docFrame } from './doc-frames.js';
import { runFeed, testConfig } from './feed-harness.js';

const RECEIVED_AT = 1_700_000_000_000;
const wrap = (stream: string, payload: string) => `{"stream":"${stream}","data":${payload}}`;

// The documented 24hrTicker payload (frames/binance.jsonl line 19), as a tick.
const DOC_TICK = {
  exchange: 'binance', symbol: 'BNB/BTC', price: 0.0025, ts: 1672515782136, bid: 0.0024, ask: 0.0026, open24h: 0.001,
  receivedAt: RECEIVED_AT,
};

describe('binance connector', () => {
  describe('parse', () => {
    it('turns the documented 24hrTicker payload into a tick, raw or in the combined-stream wrapper', () => {
      expect(binance.parse(docFrame('binance', 19), RECEIVED_AT)).to.deep.equal({ kind: 'ticks', ticks: [DOC_TICK] });
      expect(binance.parse(wrap('bnbbtc@ticker', docFrame('binance', 19)), RECEIVED_AT)).to.deep.equal({ kind: 'ticks', ticks: [DOC_TICK] });
    });

    it('maps the native symbol back through the subscribed symbols when given', () => {
      const symbols = new Map([['BNBBTC', 'BNB/BTC']]);
      expect(binance.parse(docFrame('binance', 19), RECEIVED_AT, symbols)).to.deep.equal({ kind: 'ticks', ticks: [DOC_TICK] });
      expect(binance.parse(docFrame('binance', 19), RECEIVED_AT, new Map()))
        .to.have.property('rejection').that.includes({ reason: 'unknown_symbol', detail: 'BNBBTC' });
    });

    it('reads responses (LIST_SUBSCRIPTIONS too) and events of other streams as transport only: no heartbeat channel', () => {
      for (const line of [4, 6, 8, 10, 12, 13, 14, 15, 16, 17, 18, 20, 22, 24]) {
        expect(binance.parse(docFrame('binance', line), RECEIVED_AT), `line ${line}`).to.deep.equal({ kind: 'transport' });
      }
      expect(binance.liveness).to.deep.equal({ heartbeat: undefined, staleAfterMs: 300_000 });
    });

    it('rejects payloads that are neither events nor responses (bookTicker, partial depth) as wrong_shape', () => {
      for (const line of [21, 23]) {
        expect(binance.parse(docFrame('binance', line), RECEIVED_AT), `line ${line}`)
          .to.have.property('rejection').that.includes({ reason: 'wrong_shape' });
      }
    });
  });

  describe('controls', () => {
    const control = (frame: string) => {
      const parsed = binance.parse(frame, RECEIVED_AT);
      return parsed.kind === 'control' ? parsed.control : parsed.kind;
    };

    it('reads serverShutdown, raw and wrapped, as a request to hand over', () => {
      expect(control(docFrame('binance', 1))).to.include({ kind: 'shutdown' });
      expect(control(docFrame('binance', 2))).to.include({ kind: 'shutdown' });
    });

    it('reads error messages, bare as documented or wrapped as observed', () => {
      expect(control(docFrame('binance', 25))).to.deep.equal({ kind: 'error', message: 'error 1: Invalid value type: expected Boolean' });
      for (const line of [26, 27, 28, 29, 30, 31]) expect(control(docFrame('binance', line)), `line ${line}`).to.include({ kind: 'error' });
      expect(control('{"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":2}'))
        .to.deep.equal({ kind: 'error', message: 'error 2: Invalid request: invalid stream' });
      expect(control(docFrame('binance', 4))).to.equal('transport');
    });
  });

  describe('symbols and URLs', () => {
    it('names symbols as Binance does and puts the streams in a combined-stream URL', () => {
      expect(binance.nativeSymbol('BTC/USDT')).to.equal('BTCUSDT');
      expect(binance.nativeSymbol('btcusdt')).to.have.property('message');
      expect(binance.connectionUrl?.('wss://stream.binance.com:9443', ['BTC/USDT', 'ETH/USDT']))
        .to.equal('wss://stream.binance.com:9443/stream?streams=btcusdt@ticker/ethusdt@ticker');
      expect(binance.connectionUrl?.('wss://data-stream.binance.vision/ws/', ['BTC/USDT']))
        .to.equal('wss://data-stream.binance.vision/stream?streams=btcusdt@ticker');
      expect(binance.subscribeMessages(['BTC/USDT'])).to.deep.equal([]);
    });
  });

  describe('against a loopback server', () => {
    let server: FakeBinanceServer;
    beforeEach(async () => (server = await FakeBinanceServer.start()));
    afterEach(() => server.close());

    it('subscribes through the URL only and turns the documented frames into ticks', async () => {
      const feed = runFeed((options) => binanceTicks(testConfig(server.url, ['BNB/BTC', 'ETH/USDT']), options));
      try {
        await waitUntil(() => server.openConnections === 1, 'a connection');
        expect(server.paths).to.deep.equal(['/stream?streams=bnbbtc@ticker/ethusdt@ticker']);
        server.push(docFrame('binance', 4));
        server.push(wrap('bnbbtc@ticker', docFrame('binance', 19)));
        server.pushTicker('ETH/USDT', 3100.5, { ts: 1_700_000_000_123, open24h: 3000, bid: 3100.4, ask: 3100.6 });
        await waitUntil(() => feed.ticks.length === 2, 'two ticks');
        expect(feed.ticks[0]).to.deep.include({ ...DOC_TICK, receivedAt: feed.ticks[0]?.receivedAt });
        expect(feed.ticks[1]).to.deep.include({
          exchange: 'binance', symbol: 'ETH/USDT', price: 3100.5, ts: 1_700_000_000_123, open24h: 3000, bid: 3100.4, ask: 3100.6,
        });
        expect(feed.ticks[1]?.receivedAt).to.be.a('number');
        expect(server.received).to.deep.equal([]); // no SUBSCRIBE frame counted against the 5 messages/s
        expect(feed.states()).to.deep.equal(['connecting', 'live']);
        expect(feed.logLines.some((line) => line.includes('[INFO] test.binance: live (2 streams)'))).to.equal(true);
      } finally {
        feed.subscription.unsubscribe();
      }
    });
  });
});
