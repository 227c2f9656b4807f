import { expect } from 'chai';
import fc from 'fast-check';
import { from, map, toArray } from 'rxjs';
import type { Direction, MoveRearmed, PriceAlert, PriceRule } from '../../src/domain/alert.js';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../../src/domain/config-types.js';
import type { DedupeLevel } from '../../src/domain/dedupe-level.js';
import type { Tick } from '../../src/domain/tick.js';
import { dedupeMoves } from '../../src/operators/dedupe-moves.js';
import { detectMoves } from '../../src/operators/detect-moves.js';
import type { PriceMove } from '../../src/operators/price-move.js';
import { priceRules } from '../../src/operators/price-rules.js';
import { tickMetrics } from '../../src/operators/tick-metrics.js';
import { createTestScheduler } from '../helpers/test-scheduler.js';
import { randomTicks } from './random-ticks.js';

/** The seed's thresholds with pct_short out of the way at 50 %: pct_24h against the exchange's open. */
const DAY: Thresholds = { ...DEFAULT_THRESHOLDS, pct_short: 0.5 };
/** A 100 ms short window (10 buckets of 10 ms); pct_24h out of the way at 50 %. */
const SHORT: Thresholds = { ...DEFAULT_THRESHOLDS, pct_24h: 0.5, window_short_ms: 100 };
const BUCKETS = 10;
const DAY_MS = DAY.window_24h_ms;

const day = (price: number, ts: number, extra: Partial<Tick> = {}): Tick => ({
  exchange: 'binance', symbol: 'BTC/USDT', price, ts, open24h: 100, ...extra,
});
const btc = (price: number, ts: number): Tick => ({ exchange: 'binance', symbol: 'BTC/USDT', price, ts });

/** A pct_24h alert against the exchange's open of 100. */
/** `fromLevel`: the level an escalation escalates from (absent on a move's first alert). */
function dayAlert(tick: Tick, level: number, fromLevel?: number): PriceAlert {
  const change = tick.price / tick.open24h! - 1;
  return {
    kind: 'price', ts: tick.ts, exchange: tick.exchange, symbol: tick.symbol, rule: 'pct_24h', direction: change > 0 ? 'up' : 'down',
    change, price: tick.price, reference: tick.open24h!, windowMs: 86_400_000, level, coverage: 1, threshold: DAY.pct_24h,
    ...(fromLevel === undefined ? {} : { fromLevel }),
  };
}

function rearm(tick: Tick, rule: PriceRule, direction: Direction, level: number): MoveRearmed {
  return { kind: 'rearm', ts: tick.ts, exchange: tick.exchange, symbol: tick.symbol, rule, direction, level };
}

/** A restored pct_24h up level of binance BTC/USDT, set at `ts`. */
function restored(level: number, ts: number, extra: Partial<DedupeLevel> = {}): DedupeLevel {
  return { exchange: 'binance', symbol: 'BTC/USDT', rule: 'pct_24h', direction: 'up', level, ts, ...extra };
}

/** What a pct_short move says, without the coverage arithmetic. */
const brief = map((m: PriceMove) => (m.kind === 'rearm' ? `rearm ${m.rule} ${m.direction} L${m.level}` : `${m.rule} ${m.direction} L${m.level} from ${m.reference}`));

describe('detectMoves', () => {
  it('matches its @example: up 3 % within the hour, then back to 1.5 %: an alert, then a re-arm', () => {
    const logged: string[] = [];
    from([btc(100, 0), btc(103, 60_000), btc(101.5, 120_000)])
      .pipe(detectMoves(DEFAULT_THRESHOLDS))
      .subscribe((m) => logged.push(`${m.kind} ${m.rule} ${m.direction} ${m.level}`));
    expect(logged).to.deep.equal(['price pct_short up 1', 'rearm pct_short up 1']);
  });

  it('emits a re-arm, with the level reached, when the move falls below the re-arm line', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const ticks = {
        a: day(105, 0), // 5 %: level 1
        b: day(110, 1), // 10 %: level 2
        c: day(104.1, 2), // above the re-arm line of 4 %: the level holds
        d: day(103.9, 3), // under 4 %: re-arms from level 2
        e: day(103, 4), // already armed: nothing
        f: day(105, 5), // a new move
      };
      const source = hot('  a b c d e f', ticks);
      const expected = '    a b - d - f';
      expectObservable(source.pipe(detectMoves(DAY))).toBe(expected, {
        a: dayAlert(ticks.a, 1),
        b: dayAlert(ticks.b, 2, 1),
        d: rearm(ticks.d, 'pct_24h', 'up', 2),
        f: dayAlert(ticks.f, 1),
      });
    });
  });

  it('re-arms a pct_short move when its low slides out of the window', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const ticks = { a: btc(98, 10), b: btc(100, 20), c: btc(100, 130) };
      const source = hot('  a b c', ticks);
      const expected = '    - b c';
      expectObservable(source.pipe(detectMoves(SHORT, { buckets: BUCKETS }), brief)).toBe(expected, {
        b: 'pct_short up L1 from 98',
        c: 'rearm pct_short up L1',
      });
    });
  });

  describe('from restored levels (after a restart)', () => {
    it('stays silent while the restored move holds, and alerts its escalation', () => {
      createTestScheduler().run(({ hot, expectObservable }) => {
        const ticks = { a: day(105.5, 1_000), b: day(106, 2_000), c: day(110, 3_000), d: day(103, 4_000) };
        const source = hot('  a b c d', ticks);
        const expected = '    - - c d';
        expectObservable(source.pipe(detectMoves(DAY, { restored: [restored(1, 0)] }))).toBe(expected, {
          c: dayAlert(ticks.c, 2, 1),
          d: rearm(ticks.d, 'pct_24h', 'up', 2),
        });
      });
    });

    it('re-arms on the first tick when the move is already below the re-arm line', () => {
      createTestScheduler().run(({ hot, expectObservable }) => {
        const ticks = { a: day(103, 1_000), b: day(105, 2_000) };
        const source = hot('  a b', ticks);
        const expected = '    a b';
        expectObservable(source.pipe(detectMoves(DAY, { restored: [restored(2, 0)] }))).toBe(expected, {
          a: rearm(ticks.a, 'pct_24h', 'up', 2),
          b: dayAlert(ticks.b, 1),
        });
      });
    });

    it('alerts once at the level reached when the first tick is already several multiples higher', () => {
      createTestScheduler().run(({ hot, expectObservable }) => {
        const ticks = { a: day(115, 1_000), b: day(116, 2_000) };
        expectObservable(hot('a b', ticks).pipe(detectMoves(DAY, { restored: [restored(1, 0)] }))).toBe('a -', {
          a: dayAlert(ticks.a, 3, 1),
        });
      });
    });

    it('forgets a level set more than its rule window before the first tick (stale)', () => {
      createTestScheduler().run(({ hot, expectObservable }) => {
        const fresh = { a: day(105.5, DAY_MS) }; // exactly one window later: still held
        const stale = { a: day(105.5, DAY_MS + 1) };
        const options = { restored: [restored(1, 0)] };
        expectObservable(hot('a', fresh).pipe(detectMoves(DAY, options))).toBe('-');
        expectObservable(hot('a', stale).pipe(detectMoves(DAY, options))).toBe('a', { a: dayAlert(stale.a, 1) });
      });
    });

    it('restores each (exchange, symbol, rule, direction) apart', () => {
      createTestScheduler().run(({ hot, expectObservable }) => {
        const ticks = {
          a: day(105.5, 1_000), // up: restored at level 1, holds
          k: day(105.5, 1_000, { exchange: 'kraken' }), // another exchange: alerts
          e: day(105.5, 1_000, { symbol: 'ETH/USDT' }), // another symbol: alerts
        };
        const levels = [restored(1, 0), restored(1, 0, { direction: 'down' }), restored(1, 0, { rule: 'pct_short' })];
        // The restored down and pct_short keys see no move: they re-arm on the first tick.
        const source = hot('  a 3ms k e', ticks);
        const expected = '    (ds) k e';
        expectObservable(source.pipe(detectMoves(DAY, { restored: levels }))).toBe(expected, {
          d: rearm(ticks.a, 'pct_24h', 'down', 1),
          s: rearm(ticks.a, 'pct_short', 'up', 1),
          k: dayAlert(ticks.k, 1),
          e: dayAlert(ticks.e, 1),
        });
      });
    });

    it('re-arms a restored pct_short key on the first tick: its window starts empty', () => {
      createTestScheduler().run(({ hot, expectObservable }) => {
        const ticks = { a: btc(103, 1_000), b: btc(105.1, 1_010) };
        const levels = [restored(1, 990, { rule: 'pct_short' })];
        expectObservable(hot('a b', ticks).pipe(detectMoves(SHORT, { buckets: BUCKETS, restored: levels }), brief)).toBe('a b', {
          a: 'rearm pct_short up L1',
          b: 'pct_short up L1 from 103',
        });
      });
    });

    it('starts every subscription from the restored levels', () => {
      createTestScheduler().run(({ cold, expectObservable }) => {
        const ticks = { a: day(105.5, 1_000), b: day(110, 2_000) };
        const moves = cold('a b|', ticks).pipe(detectMoves(DAY, { restored: [restored(1, 0)] }));
        expectObservable(moves).toBe('- b|', { b: dayAlert(ticks.b, 2, 1) });
        expectObservable(moves).toBe('- b|', { b: dayAlert(ticks.b, 2, 1) });
      });
    });

    it('refuses a restored level that is not an integer >= 1 or has no finite ts', () => {
      expect(() => detectMoves(DAY, { restored: [restored(0, 0)] })).to.throw(RangeError, /restored dedupe level/);
      expect(() => detectMoves(DAY, { restored: [restored(1.5, 0)] })).to.throw(RangeError, /restored dedupe level/);
      expect(() => detectMoves(DAY, { restored: [restored(1, Number.NaN)] })).to.throw(RangeError, /restored dedupe level/);
    });
  });

  it('gives the same moves as tickMetrics, priceRules and dedupeMoves in a row, restored levels included', () => {
    const levelArb = fc.record({
      exchange: fc.constantFrom('binance', 'kraken'),
      symbol: fc.constantFrom('BTC/USDT', 'ETH/USDT'),
      rule: fc.constantFrom<PriceRule>('pct_24h', 'pct_short'),
      direction: fc.constantFrom<Direction>('up', 'down'),
      level: fc.integer({ min: 1, max: 4 }),
      ts: fc.integer({ min: -300, max: 100 }),
    });
    fc.assert(
      fc.property(randomTicks, fc.array(levelArb, { maxLength: 6 }), fc.constantFrom(0, 0.2, 0.5), (ticks, levels, hysteresis) => {
        let fused: PriceMove[] = [];
        let piped: PriceMove[] = [];
        const options = { hysteresis, restored: levels };
        from(ticks).pipe(detectMoves(SHORT, { buckets: BUCKETS, ...options }), toArray()).subscribe((m) => (fused = m));
        from(ticks)
          .pipe(tickMetrics(SHORT, { buckets: BUCKETS }), priceRules(SHORT), dedupeMoves(SHORT, options), toArray())
          .subscribe((m) => (piped = m));
        expect(fused).to.deep.equal(piped);
      }),
      { numRuns: 200 },
    );
  });

  it('completes and errors with the source, and unsubscribes from it', () => {
    createTestScheduler().run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const ticks = { a: day(105, 0) };
      const moves = { a: dayAlert(ticks.a, 1) };
      expectObservable(cold('a--|', ticks).pipe(detectMoves(DEFAULT_THRESHOLDS))).toBe('a--|', moves);
      expectObservable(cold('-a-#', ticks, new Error('feed broke')).pipe(detectMoves(DEFAULT_THRESHOLDS))).toBe('-a-#', moves, new Error('feed broke'));
      const endless = hot('-a---a', ticks);
      const sub = '        ^--!';
      expectObservable(endless.pipe(detectMoves(DEFAULT_THRESHOLDS)), sub).toBe('-a--', moves);
      expectSubscriptions(endless.subscriptions).toBe(sub);
    });
  });
});
