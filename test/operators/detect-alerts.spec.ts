import { expect } from 'chai';
import fc from 'fast-check';
import { from, map, toArray } from 'rxjs';
import type { PriceAlert } from '../../src/domain/alert.js';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../../src/domain/config-types.js';
import type { Tick } from '../../src/domain/tick.js';
import { dedupeAlerts } from '../../src/operators/dedupe-alerts.js';
import { detectAlerts } from '../../src/operators/detect-alerts.js';
import { priceRules } from '../../src/operators/price-rules.js';
import { tickMetrics } from '../../src/operators/tick-metrics.js';
import { createTestScheduler } from '../helpers/test-scheduler.js';
import { randomTicks } from './random-ticks.js';

/** A 100 ms short window (10 buckets of 10 ms), so marbles can show it slide; pct_24h out of the way at 50 %. */
const SHORT: Thresholds = { ...DEFAULT_THRESHOLDS, pct_24h: 0.5, window_short_ms: 100 };
const BUCKETS = 10;

/** The seed's thresholds with pct_short out of the way at 50 %. */
const DAY: Thresholds = { ...DEFAULT_THRESHOLDS, pct_short: 0.5 };

const btc = (price: number, ts: number, extra: Partial<Tick> = {}): Tick => ({ exchange: 'binance', symbol: 'BTC/USDT', price, ts, ...extra });

/** A pct_24h alert against the exchange's open. */
/** `fromLevel`: the level an escalation escalates from (absent on a move's first alert). */
function dayAlert(tick: Tick, level: number, fromLevel?: number): PriceAlert {
  const change = tick.price / tick.open24h! - 1;
  return {
    kind: 'price', ts: tick.ts, exchange: tick.exchange, symbol: tick.symbol, rule: 'pct_24h', direction: change > 0 ? 'up' : 'down',
    change, price: tick.price, reference: tick.open24h!, windowMs: 86_400_000, level, coverage: 1, threshold: DAY.pct_24h,
    ...(fromLevel === undefined ? {} : { fromLevel }),
  };
}

/** The fields of a pct_short alert that do not depend on coverage arithmetic. */
const shortFields = map((a: PriceAlert) => `${a.rule} ${a.direction} L${a.level} ${a.price} from ${a.reference}@${a.referenceTs}`);

describe('detectAlerts', () => {
  it('matches its @example: a 3 % rise within the hour is pct_short up, level 1', () => {
    const logged: string[] = [];
    from([btc(100, 0), btc(103, 60_000)])
      .pipe(detectAlerts(DEFAULT_THRESHOLDS))
      .subscribe((a) => logged.push(`${a.rule} ${a.direction} ${a.level}`));
    expect(logged).to.deep.equal(['pct_short up 1']);
  });

  it('raises pct_24h once per move against the exchange open: hover, escalation, re-arm', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const day = (price: number, ts: number) => btc(price, ts, { open24h: 100 });
      const ticks = {
        a: day(104, 0),
        b: day(105, 1), // 5 %: level 1
        c: day(104.5, 2), // hovers in the band
        d: day(105.2, 3),
        e: day(110, 4), // 10 %: level 2
        f: day(103.9, 5), // under 4 %: re-arms
        g: day(105, 6), // a new move
      };
      const source = hot('  a b c d e f g', ticks);
      const expected = '    - b - - e - g';
      expectObservable(source.pipe(detectAlerts(DAY))).toBe(expected, {
        b: dayAlert(ticks.b, 1),
        e: dayAlert(ticks.e, 2, 1),
        g: dayAlert(ticks.g, 1),
      });
    });
  });

  it('raises pct_24h down the same way', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const day = (price: number, ts: number) => btc(price, ts, { open24h: 100 });
      const ticks = { a: day(95, 0), b: day(96, 1), c: day(94.9, 2), d: day(89.9, 3) };
      const source = hot('  a b c d', ticks);
      const expected = '    a - - d';
      expectObservable(source.pipe(detectAlerts(DAY))).toBe(expected, { a: dayAlert(ticks.a, 1), d: dayAlert(ticks.d, 2, 1) });
    });
  });

  it('raises pct_short up from the window low, once while the price hovers', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      // +2.03 % from the low of 98.5, then 1.93 %, 2.13 %, 1.73 %: all above the re-arm line of 1.6 %
      const ticks = { a: btc(100, 0), b: btc(98.5, 10), c: btc(100.5, 20), d: btc(100.4, 30), e: btc(100.6, 40), f: btc(100.2, 50) };
      const source = hot('  a 9ms b 9ms c 9ms d 9ms e 9ms f', ticks);
      const expected = '    10ms - 9ms c';
      expectObservable(source.pipe(detectAlerts(SHORT, { buckets: BUCKETS }), shortFields)).toBe(expected, {
        c: 'pct_short up L1 100.5 from 98.5@10',
      });
    });
  });

  it('re-arms when the low slides out of the window, then fires on a new move', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      // 98 at 10 ms leaves the window (start 20 ms) when the tick at 119 ms arrives... held until 20 ms.
      const ticks = { a: btc(98, 10), b: btc(100, 20), c: btc(100, 130), d: btc(102, 140) };
      const source = hot('  10ms a 9ms b 109ms c 9ms d', ticks);
      const expected = '    10ms - 9ms b 109ms - 9ms d';
      expectObservable(source.pipe(detectAlerts(SHORT, { buckets: BUCKETS }), shortFields)).toBe(expected, {
        b: 'pct_short up L1 100 from 98@10',
        d: 'pct_short up L1 102 from 100@130',
      });
    });
  });

  it('raises pct_short down from the window high and escalates', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const ticks = { a: btc(100, 0), b: btc(98, 10), c: btc(96, 20), d: btc(95, 30) };
      const source = hot('  a 9ms b 9ms c 9ms d', ticks);
      const expected = '    - 9ms b 9ms c';
      expectObservable(source.pipe(detectAlerts(SHORT, { buckets: BUCKETS }), shortFields)).toBe(expected, {
        b: 'pct_short down L1 98 from 100@0',
        c: 'pct_short down L2 96 from 100@0',
      });
    });
  });

  it('reports the coverage the move was seen on: partial at startup', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const ticks = { a: btc(100, 0), b: btc(102, 45) };
      const source = hot('  a 44ms b', ticks);
      const expected = '    - 44ms b';
      // window [-50, 45] in 10 ms buckets; we had prices from 0 on
      const alert: PriceAlert = {
        kind: 'price', ts: 45, exchange: 'binance', symbol: 'BTC/USDT', rule: 'pct_short', direction: 'up',
        change: 102 / 100 - 1, price: 102, reference: 100, referenceTs: 0, windowMs: 100, level: 1, coverage: 45 / 95, threshold: SHORT.pct_short,
      };
      expectObservable(source.pipe(detectAlerts(SHORT, { buckets: BUCKETS }))).toBe(expected, { b: alert });
    });
  });

  it('does not bridge a blind interval: the price before it is not a reference after it', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      // 100 held until the feed went blind at 15 ms; after the gap the low is 101, not 100.
      const ticks = { a: btc(100, 0), b: btc(102, 160, { blindFrom: 15 }), c: btc(104.1, 170) };
      const source = hot('  a 159ms b 9ms c', ticks);
      const expected = '    - 159ms - 9ms c';
      expectObservable(source.pipe(detectAlerts(SHORT, { buckets: BUCKETS }), shortFields)).toBe(expected, {
        c: 'pct_short up L1 104.1 from 102@160',
      });
    });
  });

  it('gives the same alerts as tickMetrics, priceRules and dedupeAlerts in a row', () => {
    fc.assert(
      fc.property(randomTicks, fc.constantFrom(0, 0.2, 0.5), (ticks, hysteresis) => {
        let fused: PriceAlert[] = [];
        let piped: PriceAlert[] = [];
        from(ticks).pipe(detectAlerts(SHORT, { buckets: BUCKETS, hysteresis }), toArray()).subscribe((a) => (fused = a));
        from(ticks)
          .pipe(tickMetrics(SHORT, { buckets: BUCKETS }), priceRules(SHORT), dedupeAlerts(SHORT, hysteresis), toArray())
          .subscribe((a) => (piped = a));
        expect(fused).to.deep.equal(piped);
      }),
      { numRuns: 200 },
    );
  });

  it('completes and errors with the source, and unsubscribes from it', () => {
    createTestScheduler().run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const ticks = { a: btc(105, 0, { open24h: 100 }) };
      const alerts = { a: dayAlert(ticks.a, 1) };
      expectObservable(cold('a--|', ticks).pipe(detectAlerts(DEFAULT_THRESHOLDS))).toBe('a--|', alerts);
      expectObservable(cold('-a-#', ticks, new Error('feed broke')).pipe(detectAlerts(DEFAULT_THRESHOLDS))).toBe('-a-#', alerts, new Error('feed broke'));
      const endless = hot('-a---a', ticks);
      const sub = '        ^--!';
      expectObservable(endless.pipe(detectAlerts(DEFAULT_THRESHOLDS)), sub).toBe('-a--', alerts);
      expectSubscriptions(endless.subscriptions).toBe(sub);
    });
  });

  it('refuses bad settings when the operator is made', () => {
    expect(() => detectAlerts(DEFAULT_THRESHOLDS, { hysteresis: 1 })).to.throw(RangeError, /hysteresis/);
    expect(() => detectAlerts(DEFAULT_THRESHOLDS, { buckets: 0 })).to.throw(RangeError, /buckets/);
    expect(() => detectAlerts({ ...DEFAULT_THRESHOLDS, window_24h_ms: -1 })).to.throw(RangeError, /window/);
  });
});
