import { expect } from 'chai';
import fc from 'fast-check';
import { filter, from, map, toArray } from 'rxjs';
import type { MoveRearmed, PriceAlert } from '../../src/domain/alert.js';
import { DEFAULT_THRESHOLDS, type RuleOverrides, type Thresholds } from '../../src/domain/config-types.js';
import type { DedupeLevel } from '../../src/domain/dedupe-level.js';
import type { Tick } from '../../src/domain/tick.js';
import { dedupeMoves } from '../../src/operators/dedupe-moves.js';
import { detectMoves } from '../../src/operators/detect-moves.js';
import type { PriceMove } from '../../src/operators/price-move.js';
import { priceRules } from '../../src/operators/price-rules.js';
import { tickMetrics } from '../../src/operators/tick-metrics.js';
import { createTestScheduler } from '../helpers/test-scheduler.js';
import { randomTicks } from './random-ticks.js';

/** Percentage rules out of the way (50 %): only the price levels speak. */
const QUIET: Thresholds = { ...DEFAULT_THRESHOLDS, pct_24h: 0.5, pct_short: 0.5 };

const doge = (price: number, ts: number): Tick => ({ exchange: 'binance', symbol: 'DOGE/USDT', price, ts });
const btc = (price: number, ts: number, extra: Partial<Tick> = {}): Tick => ({ exchange: 'binance', symbol: 'BTC/USDT', price, ts, ...extra });

const levels = (above: number[], below: number[] = []): RuleOverrides => ({ binance: { symbol_rules: { 'DOGE/USDT': { above, below } } } });

function levelAlert(tick: Tick, rule: 'level_above' | 'level_below', level: number, crossed: number, fromLevel = 0): PriceAlert {
  return {
    kind: 'price', ts: tick.ts, exchange: tick.exchange, symbol: tick.symbol, rule, direction: rule === 'level_above' ? 'up' : 'down',
    change: tick.price / crossed - 1, price: tick.price, reference: crossed, windowMs: 0, level, coverage: 1, threshold: crossed,
    ...(fromLevel > 0 ? { fromLevel } : {}),
  };
}

function rearm(tick: Tick, rule: 'level_above' | 'level_below', level: number, to = 0): MoveRearmed {
  const base: MoveRearmed = { kind: 'rearm', ts: tick.ts, exchange: tick.exchange, symbol: tick.symbol, rule, direction: rule === 'level_above' ? 'up' : 'down', level };
  return to > 0 ? { ...base, rearmedTo: to } : base;
}

/** The level rules' moves: the big jumps these tests use move the percentage rules too. */
const onlyLevels = filter((m: PriceMove) => m.rule === 'level_above' || m.rule === 'level_below');

const brief = map((m: PriceMove) =>
  m.kind === 'rearm' ? `rearm ${m.rule} L${m.level}${m.rearmedTo ? `->${m.rearmedTo}` : ''}` : `${m.rule} ${m.direction} L${m.level} threshold ${m.threshold}`,
);

describe('detectMoves: price levels and per-symbol rules', () => {
  describe('level_above', () => {
    it('alerts once when the price rises through a level, and again only after it moved back past it by the hysteresis', () => {
      createTestScheduler().run(({ hot, expectObservable }) => {
        const ticks = {
          a: doge(0.45, 0), // below 0.5: noted, silent
          b: doge(0.51, 1), // through 0.5: one alert
          c: doge(0.499, 2), // back under 0.5, but within 0.5 % (0.4975): still crossed
          d: doge(0.502, 3), // up again: no second alert
          e: doge(0.497, 4), // under 0.4975: re-armed
          f: doge(0.5, 5), // at the level: a new crossing
        };
        const source = hot('  a b c d e f', ticks);
        const expected = '    - b - - e f';
        expectObservable(source.pipe(detectMoves(QUIET, { overrides: levels([0.5, 1.0]) }), onlyLevels)).toBe(expected, {
          b: levelAlert(ticks.b, 'level_above', 1, 0.5),
          e: rearm(ticks.e, 'level_above', 1),
          f: levelAlert(ticks.f, 'level_above', 1, 0.5),
        });
      });
    });

    it('raises one alert naming the highest level when a tick jumps over several', () => {
      createTestScheduler().run(({ hot, expectObservable }) => {
        const ticks = { a: doge(0.4, 0), b: doge(1.2, 1), c: doge(0.9, 2), d: doge(0.3, 3), e: doge(2.1, 4) };
        const source = hot('a b c d e', ticks);
        const options = { overrides: levels([0.5, 1.0, 0.75, 2.0]) }; // any order in the config
        expectObservable(source.pipe(detectMoves(QUIET, options), onlyLevels, brief), '^ 3ms !').toBe('- b c d', {
          b: 'level_above up L3 threshold 1', // 0.5, 0.75 and 1.0 crossed: one alert, naming 1.0
          c: 'rearm level_above L3->2', // back under 1.0 (and 0.995): 0.75 still crossed
          d: 'rearm level_above L2', // under 0.5 too: every level re-armed, one re-arm
        });
        expectObservable(source.pipe(detectMoves(QUIET, options), onlyLevels)).toBe('- b c d e', {
          b: levelAlert(ticks.b, 'level_above', 3, 1.0),
          c: rearm(ticks.c, 'level_above', 3, 2),
          d: rearm(ticks.d, 'level_above', 2),
          e: levelAlert(ticks.e, 'level_above', 4, 2.0),
        });
      });
    });

    it('does not alert for levels the price was already past on its first tick', () => {
      createTestScheduler().run(({ hot, expectObservable }) => {
        const ticks = { a: doge(0.8, 0), b: doge(0.9, 1), c: doge(1.1, 2) };
        expectObservable(hot('a b c', ticks).pipe(detectMoves(QUIET, { overrides: levels([0.5, 1.0]) }), onlyLevels)).toBe('- - c', {
          c: levelAlert(ticks.c, 'level_above', 2, 1.0, 1), // 0.5 was already past: 1.0 is the next level
        });
      });
    });
  });

  describe('level_below', () => {
    it('alerts when the price falls through a level, naming the lowest crossed, and re-arms above it by the hysteresis', () => {
      createTestScheduler().run(({ hot, expectObservable }) => {
        const ticks = {
          a: doge(0.3, 0),
          b: doge(0.09, 1), // through 0.2 and 0.1: one alert naming 0.1
          c: doge(0.1004, 2), // within 0.5 % above 0.1 (0.1005): still crossed
          d: doge(0.1006, 3), // past it: 0.1 re-arms, 0.2 stays crossed
          e: doge(0.0999, 4), // through 0.1 again
        };
        expectObservable(hot('a b c d e', ticks).pipe(detectMoves(QUIET, { overrides: levels([], [0.1, 0.2]) }), onlyLevels)).toBe('- b - d e', {
          b: levelAlert(ticks.b, 'level_below', 2, 0.1),
          d: rearm(ticks.d, 'level_below', 2, 1),
          e: levelAlert(ticks.e, 'level_below', 2, 0.1, 1),
        });
      });
    });
  });

  it('takes the level hysteresis from its option', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const ticks = { a: doge(0.4, 0), b: doge(0.51, 1), c: doge(0.497, 2), d: doge(0.489, 3) };
      const moves = hot('a b c d', ticks).pipe(detectMoves(QUIET, { overrides: levels([0.5]), levelHysteresis: 0.02 }), onlyLevels, brief);
      // 0.5 x (1 - 0.02) = 0.49: 0.497 holds the level, 0.489 re-arms it
      expectObservable(moves).toBe('- b - d', { b: 'level_above up L1 threshold 0.5', d: 'rearm level_above L1' });
    });
  });

  it('restores a crossed level after a restart, whatever its age: no second alert for the same crossing', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const restored: DedupeLevel[] = [{ exchange: 'binance', symbol: 'DOGE/USDT', rule: 'level_above', direction: 'up', level: 1, ts: -10 * DEFAULT_THRESHOLDS.window_24h_ms }];
      const ticks = { a: doge(0.6, 0), b: doge(1.1, 1), c: doge(0.4, 2) };
      const moves = hot('a b c', ticks).pipe(detectMoves(QUIET, { overrides: levels([0.5, 1.0]), restored }), onlyLevels, brief);
      expectObservable(moves).toBe('- b c', { b: 'level_above up L2 threshold 1', c: 'rearm level_above L2' });
    });
  });

  describe('thresholds per exchange and per symbol', () => {
    const overrides: RuleOverrides = {
      binance: { thresholds: { pct_24h: 0.08 }, symbol_rules: { 'DOGE/USDT': { pct_24h: 0.15 } } },
    };

    it("judges each symbol by its own threshold, else its exchange's, else the global one, and says which fired", () => {
      createTestScheduler().run(({ hot, expectObservable }) => {
        const ticks = {
          a: { ...doge(0.11, 0), open24h: 0.1 }, // +10 %: under DOGE's own 15 %
          b: btc(110, 0, { open24h: 100 }), // +10 %: over binance's 8 %
          c: { ...btc(106, 0, { open24h: 100 }), exchange: 'kraken' }, // +6 %: over the global 5 %
          d: { ...doge(0.116, 1), open24h: 0.1 }, // +16 %: over 15 %
        };
        const moves = hot('a b c d', ticks).pipe(detectMoves({ ...DEFAULT_THRESHOLDS, pct_short: 0.5 }, { overrides }), brief);
        expectObservable(moves).toBe('- b c d', {
          b: 'pct_24h up L1 threshold 0.08',
          c: 'pct_24h up L1 threshold 0.05',
          d: 'pct_24h up L1 threshold 0.15',
        });
      });
    });

    it("escalates in multiples of the symbol's own threshold", () => {
      createTestScheduler().run(({ hot, expectObservable }) => {
        const ticks = { a: btc(108, 0, { open24h: 100 }), b: btc(115, 1, { open24h: 100 }), c: btc(116.1, 2, { open24h: 100 }) };
        const moves = hot('a b c', ticks).pipe(detectMoves({ ...DEFAULT_THRESHOLDS, pct_short: 0.5 }, { overrides }), brief);
        expectObservable(moves).toBe('a - c', { a: 'pct_24h up L1 threshold 0.08', c: 'pct_24h up L2 threshold 0.08' });
      });
    });

    it("sizes a symbol's short window by its own window_short_ms", () => {
      createTestScheduler().run(({ hot, expectObservable }) => {
        const own: RuleOverrides = { binance: { symbol_rules: { 'DOGE/USDT': { window_short_ms: 100 } } } };
        // 100, 101.5, 103: the low of 100 is out of DOGE's 100 ms window at 300 (its low there is 101.5, held from 150), inside BTC's hour
        const ticks = { a: doge(100, 0), b: btc(100, 0), c: doge(101.5, 150), d: btc(101.5, 150), e: doge(103, 300), f: btc(103, 300) };
        const moves = hot('(ab) 146ms (cd) 146ms (ef)', ticks).pipe(detectMoves({ ...DEFAULT_THRESHOLDS, pct_24h: 0.5 }, { overrides: own, buckets: 10 }), map((m) => `${m.symbol} ${m.rule}`));
        expectObservable(moves).toBe('- 299ms f', { f: 'BTC/USDT pct_short' });
      });
    });

    it('refuses an override out of range, naming where it is', () => {
      expect(() => detectMoves(DEFAULT_THRESHOLDS, { overrides: { binance: { thresholds: { pct_short: 0 } } } })).to.throw(RangeError, /binance\.thresholds\.pct_short/);
      expect(() => detectMoves(DEFAULT_THRESHOLDS, { overrides: levels([-1]) })).to.throw(RangeError, /binance\.DOGE\/USDT\.above/);
      expect(() => detectMoves(DEFAULT_THRESHOLDS, { levelHysteresis: 1 })).to.throw(RangeError, /level_hysteresis/);
    });
  });

  it('gives the same moves as tickMetrics, priceRules and dedupeMoves in a row, with per-symbol rules, levels and restored levels', () => {
    const SHORT: Thresholds = { ...DEFAULT_THRESHOLDS, pct_24h: 0.06, window_short_ms: 100 };
    const levelsArb = fc.array(fc.double({ min: 80, max: 125, noNaN: true }), { maxLength: 4 });
    const overridesArb = fc.record({
      exchangeShort: fc.option(fc.constantFrom(0.01, 0.03), { nil: undefined }),
      ethDay: fc.option(fc.constantFrom(0.02, 0.1), { nil: undefined }),
      ethWindow: fc.option(fc.constantFrom(50, 300), { nil: undefined }),
      above: levelsArb,
      below: levelsArb,
    });
    const restoredArb = fc.record({
      exchange: fc.constant('binance'),
      symbol: fc.constantFrom('BTC/USDT', 'ETH/USDT'),
      rule: fc.constantFrom<'pct_short' | 'level_above' | 'level_below'>('pct_short', 'level_above', 'level_below'),
      level: fc.integer({ min: 1, max: 3 }),
      ts: fc.integer({ min: -300, max: 100 }),
    }).map((l): DedupeLevel => ({ ...l, direction: l.rule === 'level_below' ? 'down' : 'up' }));
    let levelMoves = 0;
    let partialRearms = 0;
    fc.assert(
      fc.property(randomTicks, overridesArb, fc.array(restoredArb, { maxLength: 4 }), fc.constantFrom(0, 0.005, 0.02), (ticks, o, restored, levelHysteresis) => {
        const overrides: RuleOverrides = {
          binance: {
            ...(o.exchangeShort === undefined ? {} : { thresholds: { pct_short: o.exchangeShort } }),
            symbol_rules: {
              'ETH/USDT': { ...(o.ethDay === undefined ? {} : { pct_24h: o.ethDay }), ...(o.ethWindow === undefined ? {} : { window_short_ms: o.ethWindow }), above: o.above, below: o.below },
              'BTC/USDT': { above: o.below },
            },
          },
        };
        const options = { hysteresis: 0.2, levelHysteresis, overrides, restored };
        let fused: PriceMove[] = [];
        let piped: PriceMove[] = [];
        from(ticks).pipe(detectMoves(SHORT, { buckets: 10, ...options }), toArray()).subscribe((m) => (fused = m));
        from(ticks)
          .pipe(tickMetrics(SHORT, { buckets: 10, overrides }), priceRules(SHORT, { overrides }), dedupeMoves(SHORT, options), toArray())
          .subscribe((m) => (piped = m));
        expect(fused).to.deep.equal(piped);
        levelMoves += fused.filter((m) => m.rule === 'level_above' || m.rule === 'level_below').length;
        partialRearms += fused.filter((m) => m.kind === 'rearm' && m.rearmedTo !== undefined).length;
      }),
      { numRuns: 300 },
    );
    // The runs did exercise the level rules, part-way re-arms included.
    expect(levelMoves).to.be.greaterThan(0);
    expect(partialRearms).to.be.greaterThan(0);
  });
});
