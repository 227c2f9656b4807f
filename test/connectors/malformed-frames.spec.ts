import { expect } from 'chai';
import fc from 'fast-check';
import { binance, binanceTicks } from '../../src/connectors/binance.js';
import { coinbase } from '../../src/connectors/coinbase.js';
import type { Connector } from '../../src/connectors/connector.js';
import { bitstamp } from '../../src/connectors/bitstamp.js';
import { bybit } from '../../src/connectors/bybit.js';
import { kraken } from '../../src/connectors/kraken.js';
import { okx } from '../../src/connectors/okx.js';
import type { RejectionReason } from '../../src/domain/feed-status.js';
import { FakeBinanceServer } from '../helpers/fake-binance-server.js';
import { waitUntil } from '../helpers/fake-exchange-server.js';
import { runFeed, testConfig } from './feed-harness.js';

/** Each exchange's ticker frame with the price and time tokens spliced in raw (undefined leaves the field out). */
interface Shape {
  readonly connector: Connector;
  readonly frame: (price: string | undefined, time: string | undefined) => string;
  readonly price: string;
  readonly time: string;
  readonly badTime: string;
}

const field = (name: string, raw: string | undefined) => (raw === undefined ? '' : `"${name}":${raw},`);

const SHAPES: readonly Shape[] = [
  {
    connector: binance,
    frame: (price, time) => `{"stream":"btcusdt@ticker","data":{"e":"24hrTicker",${field('E', time)}${field('c', price)}"s":"BTCUSDT","b":"99","a":"101","o":"98"}}`,
    price: '"100"', time: '1700000000000', badTime: '"soon"',
  },
  {
    connector: coinbase,
    frame: (price, time) => `{"type":"ticker",${field('price', price)}${field('time', time)}"product_id":"BTC-USD","best_bid":"99","best_ask":"101","open_24h":"98"}`,
    price: '"100"', time: '"2023-11-14T22:13:20.000000Z"', badTime: '"yesterday"',
  },
  {
    connector: kraken,
    frame: (price, time) => `{"channel":"ticker","type":"update","data":[{${field('last', price)}${field('timestamp', time)}"symbol":"BTC/USD","bid":99,"ask":101}]}`,
    price: '100', time: '"2023-11-14T22:13:20.000000Z"', badTime: '12345',
  },
  {
    connector: okx, // every value a string, ts a string of ms
    frame: (price, time) => `{"arg":{"channel":"tickers","instId":"BTC-USDT"},"data":[{"instType":"SPOT","instId":"BTC-USDT",${field('last', price)}${field('ts', time)}"bidPx":"99","askPx":"101","open24h":"98"}]}`,
    price: '"100"', time: '"1700000000000"', badTime: '"soon"',
  },
  {
    connector: bybit, // prices strings, ts a JSON number outside data
    frame: (price, time) => `{"topic":"tickers.BTCUSDT",${field('ts', time)}"type":"snapshot","cs":1,"data":{"symbol":"BTCUSDT",${field('lastPrice', price)}"prevPrice24h":"98"}}`,
    price: '"100"', time: '1700000000000', badTime: '"soon"',
  },
  {
    connector: bitstamp, // price a JSON number, microtimestamp a string of µs
    frame: (price, time) => `{"data":{"id":1,"amount":0.01,${field('price', price)}${field('microtimestamp', time)}"type":0},"channel":"live_trades_btcusd","event":"trade"}`,
    price: '100', time: '"1700000000000000"', badTime: '"1.7e15"',
  },
];

describe('malformed frames', () => {
  for (const shape of SHAPES) {
    const { connector } = shape;
    const valid = shape.frame(shape.price, shape.time);
    const reasonOf = (frame: string, symbols?: Map<string, string>) => {
      const parsed = connector.parse(frame, 1, symbols);
      return parsed.kind === 'rejected' ? parsed.rejection.reason : parsed;
    };

    describe(connector.id, () => {
      it('parses the well-formed frame the cases start from', () => {
        expect(connector.parse(valid, 1)).to.have.nested.property('ticks[0].price', 100);
      });

      const cases: [string, string, RejectionReason][] = [
        ['not JSON', 'not json {', 'not_json'],
        ['a truncated frame', valid.slice(0, -3), 'not_json'],
        ['an array', '[1,2]', 'wrong_shape'],
        ['null', 'null', 'wrong_shape'],
        ['a bare string', '"ticker"', 'wrong_shape'],
        ['a missing price', shape.frame(undefined, shape.time), 'missing_field'],
        ['a null price', shape.frame('null', shape.time), 'missing_field'],
        ['a non-numeric price', shape.frame('"abc"', shape.time), 'not_a_number'],
        ['an empty price', shape.frame('""', shape.time), 'not_a_number'],
        ['a boolean price', shape.frame('true', shape.time), 'not_a_number'],
        ['a NaN price', shape.frame('"NaN"', shape.time), 'not_a_number'],
        ['an Infinity price', shape.frame('"Infinity"', shape.time), 'not_a_number'],
        ['an overflowing price string', shape.frame('"1e999"', shape.time), 'bad_price'],
        ['an overflowing price number', shape.frame('1e999', shape.time), 'bad_price'],
        ['a zero price', shape.frame('"0"', shape.time), 'bad_price'],
        ['a negative price', shape.frame('"-5"', shape.time), 'bad_price'],
        ['a missing time', shape.frame(shape.price, undefined), 'missing_field'],
        ['an unreadable time', shape.frame(shape.price, shape.badTime), 'bad_time'],
      ];
      for (const [what, frame, reason] of cases) {
        it(`drops ${what} as ${reason}`, () => {
          expect(reasonOf(frame)).to.equal(reason);
        });
      }

      it('drops a ticker of a symbol it did not subscribe as unknown_symbol', () => {
        expect(reasonOf(valid, new Map([['OTHER', 'OTHER/USD']]))).to.equal('unknown_symbol');
      });

      it('never throws, and never yields a tick without a finite positive price and time, whatever arrives', () => {
        const frames = fc.oneof(
          fc.string(),
          fc.json(),
          fc.constantFrom('"1e999"', '"0"', '"-1"', '"abc"', 'null', '1e-400', '"00.5"', '"5."', '".5"', '[]', '{}')
            .chain((price) => fc.constantFrom(shape.frame(price, shape.time), shape.frame(shape.price, price))),
        );
        fc.assert(fc.property(frames, (frame) => {
          const parsed = connector.parse(frame, 1);
          if (parsed.kind === 'rejected') return typeof parsed.rejection.reason === 'string' && parsed.rejection.excerpt.length <= 121;
          if (parsed.kind !== 'ticks') return true;
          return parsed.ticks.every((tick) => Number.isFinite(tick.price) && tick.price > 0 && Number.isFinite(tick.ts));
        }), { numRuns: 500 });
      });
    });
  }

  describe('on a live socket (binance)', () => {
    let server: FakeBinanceServer;
    beforeEach(async () => (server = await FakeBinanceServer.start()));
    afterEach(() => server.close());

    it('drops every bad frame with a WARN naming exchange and reason, and keeps going', async () => {
      const feed = runFeed((options) => binanceTicks(testConfig(server.url, ['BTC/USDT']), { ...options, limits: { minConnectIntervalMs: 0 } }));
      try {
        await waitUntil(() => server.openConnections === 1, 'the connection');
        const shape = SHAPES[0]!;
        for (const frame of ['not json {', '[1,2]', shape.frame(undefined, shape.time), shape.frame('"abc"', shape.time),
          shape.frame('"1e999"', shape.time), shape.frame(shape.price, shape.badTime)]) {
          server.push(frame);
        }
        server.push(Buffer.from([1, 2, 3]));
        server.pushTicker('BTC/USDT', 100);
        await waitUntil(() => feed.ticks.length === 1, 'the good tick');
        const warnings = feed.logLines.filter((line) => line.includes('[WARN] test.binance: dropped frame'));
        expect(warnings.map((line) => /dropped frame \((\w+)\)/.exec(line)?.[1])).to.deep.equal([
          'not_json', 'wrong_shape', 'missing_field', 'not_a_number', 'bad_price', 'bad_time', 'binary',
        ]);
        expect(feed.ticks).to.have.length(1);
        expect(server.connectionAttempts).to.equal(1);
      } finally {
        feed.subscription.unsubscribe();
      }
    });

    it('rate-limits a flood: one WARN per reason, the rest counted', async () => {
      const feed = runFeed((options) => binanceTicks(testConfig(server.url, ['BTC/USDT']), options));
      await waitUntil(() => server.openConnections === 1, 'the connection');
      for (let i = 0; i < 500; i++) server.push(`garbage ${i}`);
      server.pushTicker('BTC/USDT', 100);
      await waitUntil(() => feed.ticks.length === 1, 'the good tick after the flood');
      expect(feed.events.filter((e) => e.type === 'rejected')).to.have.length(500);
      expect(feed.logLines.filter((line) => line.includes('[WARN]'))).to.have.length(1);
      feed.subscription.unsubscribe();
      expect(feed.logLines.filter((line) => line.includes('[WARN]')).at(-1)).to.match(/dropped 499 more frames \(not_json\); last: garbage 499$/);
    });

    it('drops a gigantic frame as too_large and reconnects', async () => {
      const feed = runFeed((options) => binanceTicks(testConfig(server.url, ['BTC/USDT']), {
        ...options, limits: { minConnectIntervalMs: 0, maxFrameBytes: 64 * 1024 },
      }));
      try {
        await waitUntil(() => server.openConnections === 1, 'the connection');
        server.push(`{"stream":"btcusdt@ticker","data":"${'x'.repeat(100_000)}"}`);
        await waitUntil(() => server.connectionAttempts === 2 && server.openConnections === 1, 'the reconnection');
        expect(feed.events.flatMap((e) => (e.type === 'rejected' ? [e.rejection.reason] : []))).to.deep.equal(['too_large']);
        expect(feed.logLines.some((line) => line.includes('[WARN] test.binance: dropped frame (too_large)'))).to.equal(true);
        server.pushTicker('BTC/USDT', 100);
        await waitUntil(() => feed.ticks.length === 1, 'a tick on the new connection');
      } finally {
        feed.subscription.unsubscribe();
      }
    });
  });
});
