import { expect } from 'chai';
import { kraken, krakenTicks } from '../../src/connectors/kraken.js';
import { waitUntil } from '../helpers/fake-exchange-server.js';
import { FakeKrakenServer } from '../helpers/fake-kraken-server.js';
import { docFrame } from './doc-frames.js';
import { runFeed, testConfig } from './feed-harness.js';

const RECEIVED_AT = 1_700_000_000_000;
const DOC_TS = Date.parse('2023-09-25T09:04:31.742Z');

describe('kraken connector', () => {
  describe('parse', () => {
    it('turns the documented ticker snapshot and update into ticks, without an open price', () => {
      expect(kraken.parse(docFrame('kraken', 3), RECEIVED_AT)).to.deep.equal({ kind: 'ticks', ticks: [
        { exchange: 'kraken', symbol: 'ALGO/USD', price: 0.10035, ts: DOC_TS, bid: 0.10025, ask: 0.10036, receivedAt: RECEIVED_AT },
      ] });
      expect(kraken.parse(docFrame('kraken', 4), RECEIVED_AT)).to.deep.equal({ kind: 'ticks', ticks: [
        { exchange: 'kraken', symbol: 'ALGO/USD', price: 0.10035, ts: DOC_TS, bid: 0.10025, ask: 0.10035, receivedAt: RECEIVED_AT },
      ] });
    });

    it('tolerates fields the docs do not list (the observed "trades")', () => {
      expect(kraken.parse(docFrame('kraken', 24), RECEIVED_AT)).to.deep.equal({ kind: 'ticks', ticks: [{
        exchange: 'kraken', symbol: 'USDT/USD', price: 0.99981, ts: Date.parse('2026-09-24T03:54:18.054Z'), bid: 0.9998,
        ask: 0.99981, receivedAt: RECEIVED_AT,
      }] });
    });

    it('maps XBT to BTC', () => {
      const frame = docFrame('kraken', 4).replace('ALGO/USD', 'XBT/USD');
      expect(kraken.parse(frame, RECEIVED_AT)).to.have.nested.property('ticks[0].symbol', 'BTC/USD');
    });

    it('reads the heartbeat channel as data-path liveness', () => {
      expect(kraken.parse(docFrame('kraken', 7), RECEIVED_AT)).to.deep.equal({ kind: 'heartbeat' });
      expect(kraken.liveness.heartbeat).to.be.a('string');
      expect(kraken.liveness.staleAfterMs).to.equal(30_000);
    });

    it('reads acks, status and pongs as transport only', () => {
      for (const line of [1, 2, 5, 6, 8, 9, 10, 23, 25]) {
        expect(kraken.parse(docFrame('kraken', line), RECEIVED_AT), `line ${line}`).to.deep.equal({ kind: 'transport' });
      }
    });

    it('rejects v1 frames (arrays and events) as wrong_shape', () => {
      for (let line = 11; line <= 21; line++) {
        expect(kraken.parse(docFrame('kraken', line), RECEIVED_AT), `line ${line}`)
          .to.have.property('rejection').that.includes({ reason: 'wrong_shape' });
      }
    });
  });

  describe('controls', () => {
    it('reads a refused pair as a symbol error without resubscribing (Kraken acks each symbol alone)', () => {
      expect(kraken.parse(docFrame('kraken', 22), RECEIVED_AT)).to.deep.equal({ kind: 'control', control: {
        kind: 'symbol_rejected', native: 'NOPE/USD', message: 'Currency pair not supported NOPE/USD', resubscribe: false,
      } });
    });
  });

  describe('symbols and subscribe', () => {
    it('subscribes the ticker channel with v2 symbols: XBT as BTC, mixed-case tokenized stocks as written', () => {
      expect(kraken.subscribeMessages(['BTC/USD', 'ALGO/USD'])).to.deep.equal([
        '{"method":"subscribe","params":{"channel":"ticker","symbol":["BTC/USD","ALGO/USD"]}}',
      ]);
      expect(kraken.nativeSymbol('BTC/USD')).to.equal('BTC/USD');
      expect(kraken.nativeSymbol('XBT/EUR')).to.equal('BTC/EUR');
      expect(kraken.nativeSymbol('AAPLx/USD')).to.equal('AAPLx/USD');
      expect(kraken.pingMessage?.()).to.equal('{"method":"ping"}');
    });
  });

  describe('against a loopback server', () => {
    let server: FakeKrakenServer;
    beforeEach(async () => (server = await FakeKrakenServer.start()));
    afterEach(() => server.close());

    it('subscribes once on open and turns the documented frames into ticks', async () => {
      const feed = runFeed((options) => krakenTicks(testConfig(server.url, ['ALGO/USD', 'BTC/USD']), options));
      try {
        await waitUntil(() => server.subscribedSymbols().length === 2, 'the subscription');
        expect(server.received.map((r) => r.text)).to.deep.equal(kraken.subscribeMessages(['ALGO/USD', 'BTC/USD']));
        server.push(docFrame('kraken', 7));
        server.push(docFrame('kraken', 3));
        server.pushTicker('BTC/USD', 65_000.5, { ts: 1_700_000_000_123, bid: 65_000, ask: 65_001 });
        await waitUntil(() => feed.ticks.length === 2, 'two ticks');
        expect(feed.ticks[0]).to.deep.include({ exchange: 'kraken', symbol: 'ALGO/USD', price: 0.10035, ts: DOC_TS });
        expect(feed.ticks[1]).to.deep.include({ symbol: 'BTC/USD', price: 65_000.5, ts: 1_700_000_000_123, bid: 65_000, ask: 65_001 });
        expect(feed.ticks[1]).not.to.have.property('open24h');
      } finally {
        feed.subscription.unsubscribe();
      }
    });

    it("subscribes a tokenized stock in Kraken's own case and ticks it under that name", async () => {
      const feed = runFeed((options) => krakenTicks(testConfig(server.url, ['AAPLx/USD', 'BTC/USD']), options));
      try {
        await waitUntil(() => server.subscribedSymbols().length === 2, 'the subscription');
        expect(server.subscribedSymbols()).to.deep.equal(['AAPLx/USD', 'BTC/USD']);
        server.pushTicker('AAPLx/USD', 231.5);
        await waitUntil(() => feed.ticks.length === 1, 'a tick');
        expect(feed.ticks[0]).to.include({ exchange: 'kraken', symbol: 'AAPLx/USD', price: 231.5 });
      } finally {
        feed.subscription.unsubscribe();
      }
    });

    it('logs a refused pair at ERROR naming it, and the other symbols go on', async () => {
      server.unknownPairs.add('NOPE/USD');
      const feed = runFeed((options) => krakenTicks(testConfig(server.url, ['NOPE/USD', 'BTC/USD']), options));
      try {
        await waitUntil(() => feed.logLines.some((line) => line.includes('[ERROR]')), 'the error');
        expect(feed.logLines.find((line) => line.includes('[ERROR]'))).to.match(/test\.kraken: NOPE\/USD refused by kraken: Currency pair not supported NOPE\/USD$/);
        server.pushTicker('BTC/USD', 65_000);
        await waitUntil(() => feed.ticks.length === 1, 'a tick');
        expect(feed.ticks[0]).to.include({ symbol: 'BTC/USD' });
      } finally {
        feed.subscription.unsubscribe();
      }
    });
  });
});
