import { expect } from 'chai';
import { map, of } from 'rxjs';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../../src/domain/config-types.js';
import type { Tick } from '../../src/domain/tick.js';
import { type TickMetrics, tickMetrics } from '../../src/operators/tick-metrics.js';
import { createTestScheduler } from '../helpers/test-scheduler.js';

/** A 100 ms short window in 10 buckets, so marbles can show it sliding. */
const SHORT: Thresholds = { ...DEFAULT_THRESHOLDS, window_short_ms: 100 };

const btc = (price: number, ts: number, extra: Partial<Tick> = {}): Tick => ({ exchange: 'binance', symbol: 'BTC/USDT', price, ts, ...extra });

function pick<K extends keyof TickMetrics>(...keys: K[]) {
  return map((m: TickMetrics) => Object.fromEntries(keys.map((k) => [k, m[k]])) as Pick<TickMetrics, K>);
}

describe('tickMetrics', () => {
  it('matches its @example: 0.00 then 0.03', () => {
    const seen: string[] = [];
    of(btc(100, 0), btc(103, 60_000))
      .pipe(tickMetrics(DEFAULT_THRESHOLDS), map((m) => m.shortUp.toFixed(2)))
      .subscribe((s) => seen.push(s));
    expect(seen).to.deep.equal(['0.00', '0.03']);
  });

  it('takes the exchange open as the 24 h reference when the window is exactly 24 h', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const HALF_DAY = 43_200_000;
      const ticks = { a: btc(105, 0, { open24h: 100 }), b: btc(106, HALF_DAY) };
      const metrics = hot('a b', ticks).pipe(tickMetrics(DEFAULT_THRESHOLDS), pick('change24h', 'reference24h', 'reference24hTs', 'reference24hSource', 'coverage24h'));
      expectObservable(metrics).toBe('a b', {
        a: { change24h: 105 / 100 - 1, reference24h: 100, reference24hTs: undefined, reference24hSource: 'open24h', coverage24h: 1 },
        // without open24h: our own window, which was not kept while the exchange's open served,
        // so it starts now: no history yet, and its coverage says so
        b: { change24h: 0, reference24h: 106, reference24hTs: HALF_DAY, reference24hSource: 'window', coverage24h: 0 },
      });
    });
  });

  it('keeps no 24 h window while the exchange open serves, and one from the first tick without it', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const HOUR = 3_600_000;
      const ticks = { a: btc(100, 0, { open24h: 100 }), b: btc(101, HOUR), c: btc(103, 2 * HOUR, { open24h: 100 }), d: btc(102, 3 * HOUR) };
      const metrics = hot('a b c d', ticks).pipe(tickMetrics(DEFAULT_THRESHOLDS), pick('reference24h', 'reference24hTs', 'reference24hSource'));
      expectObservable(metrics).toBe('a b c d', {
        a: { reference24h: 100, reference24hTs: undefined, reference24hSource: 'open24h' },
        b: { reference24h: 101, reference24hTs: HOUR, reference24hSource: 'window' },
        c: { reference24h: 100, reference24hTs: undefined, reference24hSource: 'open24h' },
        // once created, the window is fed every tick, also while the open serves
        d: { reference24h: 101, reference24hTs: HOUR, reference24hSource: 'window' },
      });
    });
  });

  it('uses its own window for any other 24 h window length, even with open24h', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const twoHours: Thresholds = { ...DEFAULT_THRESHOLDS, window_24h_ms: 100 };
      const ticks = { a: btc(100, 0, { open24h: 90 }), b: btc(104, 50, { open24h: 90 }), c: btc(103, 150, { open24h: 90 }) };
      const metrics = hot('a 49ms b 99ms c', ticks).pipe(tickMetrics(twoHours, { buckets: 10 }), pick('change24h', 'reference24h', 'reference24hSource'));
      expectObservable(metrics).toBe('a 49ms b 99ms c', {
        a: { change24h: 0, reference24h: 100, reference24hSource: 'window' },
        b: { change24h: 104 / 100 - 1, reference24h: 100, reference24hSource: 'window' },
        c: { change24h: 103 / 104 - 1, reference24h: 104, reference24hSource: 'window' }, // 104 held at the start (60 ms)
      });
    });
  });

  it('measures the short move from the window low and high, and lets old prices slide out', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const ticks = { a: btc(100, 0), b: btc(98, 20), c: btc(101, 40), d: btc(101, 130), e: btc(101, 200) };
      const metrics = hot('a 19ms b 19ms c 89ms d 69ms e', ticks).pipe(tickMetrics(SHORT, { buckets: 10 }), pick('shortLow', 'shortHigh', 'shortUp', 'shortDown'));
      expectObservable(metrics).toBe('a 19ms b 19ms c 89ms d 69ms e', {
        a: { shortLow: 100, shortHigh: 100, shortUp: 0, shortDown: 0 },
        b: { shortLow: 98, shortHigh: 100, shortUp: 0, shortDown: 98 / 100 - 1 },
        c: { shortLow: 98, shortHigh: 101, shortUp: 101 / 98 - 1, shortDown: 0 },
        d: { shortLow: 98, shortHigh: 101, shortUp: 101 / 98 - 1, shortDown: 0 }, // start 40 ms: 98 held until then
        e: { shortLow: 101, shortHigh: 101, shortUp: 0, shortDown: 0 }, // start 110 ms
      });
    });
  });

  it('reports partial coverage: from 0 at startup, lowered by a blind interval', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const ticks = { a: btc(100, 0), b: btc(100, 50), c: btc(100, 109), d: btc(100, 159, { blindFrom: 129 }) };
      const metrics = hot('a 49ms b 58ms c 49ms d', ticks).pipe(tickMetrics(SHORT, { buckets: 10 }), pick('coverageShort'));
      expectObservable(metrics).toBe('a 49ms b 58ms c 49ms d', {
        a: { coverageShort: 0 }, // window [-90, 0]
        b: { coverageShort: 50 / 90 }, // window [-40, 50]
        c: { coverageShort: 1 }, // window [10, 109]
        d: { coverageShort: (99 - 30) / 99 }, // window [60, 159], blind 129..159
      });
    });
  });

  it('keeps each (exchange, symbol) apart', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const ticks = { a: btc(100, 0), k: btc(200, 1, { exchange: 'kraken' }), e: btc(10, 2, { symbol: 'ETH/USDT' }), b: btc(102, 3) };
      const metrics = hot('a k e b', ticks).pipe(tickMetrics(SHORT, { buckets: 10 }), pick('exchange', 'symbol', 'shortLow'));
      expectObservable(metrics).toBe('a k e b', {
        a: { exchange: 'binance', symbol: 'BTC/USDT', shortLow: 100 },
        k: { exchange: 'kraken', symbol: 'BTC/USDT', shortLow: 200 },
        e: { exchange: 'binance', symbol: 'ETH/USDT', shortLow: 10 },
        b: { exchange: 'binance', symbol: 'BTC/USDT', shortLow: 100 },
      });
    });
  });

  it('drops ticks without a positive finite price or a finite time', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const ticks = { a: btc(100, 0), x: btc(0, 1), y: btc(Number.NaN, 2), z: btc(Number.POSITIVE_INFINITY, 3), w: btc(101, Number.NaN), b: btc(101, 5) };
      const metrics = hot('a x y z w b', ticks).pipe(tickMetrics(SHORT), pick('price'));
      expectObservable(metrics).toBe('a - - - - b', { a: { price: 100 }, b: { price: 101 } });
    });
  });

  it('emits a complete record per tick', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const metrics = hot('a', { a: { ...btc(100, 1_000), receivedAt: 1_005 } }).pipe(tickMetrics(SHORT, { buckets: 10 }));
      expectObservable(metrics).toBe('a', {
        a: {
          ts: 1_000, exchange: 'binance', symbol: 'BTC/USDT', price: 100, receivedAt: 1_005,
          change24h: 0, reference24h: 100, reference24hTs: 1_000, reference24hSource: 'window', coverage24h: 0, window24hMs: 86_400_000,
          changeShort: 0, shortLow: 100, shortLowTs: 1_000, shortHigh: 100, shortHighTs: 1_000, shortUp: 0, shortDown: 0,
          coverageShort: 0, windowShortMs: 100,
        },
      });
    });
  });

  it('keeps its state per subscription', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const metrics = cold('a b|', { a: btc(100, 0), b: btc(104, 1) }).pipe(tickMetrics(SHORT), pick('shortUp'));
      expectObservable(metrics).toBe('a b|', { a: { shortUp: 0 }, b: { shortUp: 104 / 100 - 1 } });
      expectObservable(metrics).toBe('a b|', { a: { shortUp: 0 }, b: { shortUp: 104 / 100 - 1 } });
    });
  });

  it('completes and errors with the source, and unsubscribes from it', () => {
    createTestScheduler().run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const ticks = { a: btc(100, 0) };
      const values = { a: { price: 100 } };
      expectObservable(cold('a--|', ticks).pipe(tickMetrics(SHORT), pick('price'))).toBe('a--|', values);
      expectObservable(cold('-a-#', ticks, new Error('feed broke')).pipe(tickMetrics(SHORT), pick('price'))).toBe('-a-#', values, new Error('feed broke'));
      const endless = hot('-a---a', ticks);
      const sub = '        ^--!';
      expectObservable(endless.pipe(tickMetrics(SHORT), pick('price')), sub).toBe('-a--', values);
      expectSubscriptions(endless.subscriptions).toBe(sub);
    });
  });

  it('refuses a bad window or bucket count when the operator is made', () => {
    expect(() => tickMetrics({ ...DEFAULT_THRESHOLDS, window_short_ms: 0 })).to.throw(RangeError, /window/);
    expect(() => tickMetrics(DEFAULT_THRESHOLDS, { buckets: 1 })).to.throw(RangeError, /buckets/);
  });

  it('takes new rules while running (updates$): windows kept, a short window of a new length starts empty, a removed symbol starts afresh', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const eth = (price: number, ts: number): Tick => ({ exchange: 'binance', symbol: 'ETH/USDT', price, ts });
      const ticks = { a: btc(100, 0), b: eth(10, 0), c: btc(101, 50), d: eth(11, 60), e: btc(102, 70), f: eth(12, 80) };
      const updates = {
        // pct_short changes only: both windows are kept.
        u: { thresholds: { ...SHORT, pct_short: 0.01 } },
        // ETH/USDT gets its own 200 ms window (a new, empty one); BTC/USDT is removed (its state dropped).
        v: { thresholds: SHORT, overrides: { binance: { symbol_rules: { 'ETH/USDT': { window_short_ms: 200 } } } }, removed: [{ exchange: 'binance', symbol: 'BTC/USDT' }] },
      };
      const metrics = hot('ab-c-d-e-f', ticks).pipe(
        tickMetrics(SHORT, { buckets: 10, updates$: hot('--u---v', updates) }),
        map((m) => `${m.symbol} ${m.windowShortMs} ${m.shortLow}`),
      );
      expectObservable(metrics).toBe('ab-c-d-e-f', {
        a: 'BTC/USDT 100 100', b: 'ETH/USDT 100 10',
        c: 'BTC/USDT 100 100', d: 'ETH/USDT 100 10', // kept across u
        e: 'BTC/USDT 100 102', //                       dropped at v: a fresh window
        f: 'ETH/USDT 200 12', //                        a new 200 ms window: empty before this tick
      });
    });
  });
});
