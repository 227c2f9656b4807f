import { expect } from 'chai';
import type { MoveRearmed, PriceAlert } from '../../src/domain/alert.js';
import { DEFAULT_THRESHOLDS } from '../../src/domain/config-types.js';
import type { DedupeLevel } from '../../src/domain/dedupe-level.js';
import { dedupeMoves } from '../../src/operators/dedupe-moves.js';
import type { AlertCandidate } from '../../src/operators/price-rules.js';
import { createTestScheduler } from '../helpers/test-scheduler.js';

/** A pct_24h up reading on binance BTC/USDT with reference 100, at `ts`. */
function reading(change: number, ts = 0, overrides: Partial<AlertCandidate> = {}): AlertCandidate {
  const magnitude = Math.max(change, 0);
  return {
    ts, exchange: 'binance', symbol: 'BTC/USDT', price: 100 * (1 + change), rule: 'pct_24h', direction: 'up',
    magnitude, hit: magnitude >= 0.05, change, reference: 100, referenceTs: 0, windowMs: 86_400_000, coverage: 1,
    ...overrides,
  };
}

/** The alert for `c` at `level`; `fromLevel` for an escalation of a move that had alerted at that level. */
function alertFor(c: AlertCandidate, level: number, fromLevel?: number): PriceAlert {
  const { ts, exchange, symbol, rule, direction, change, price, reference, referenceTs, windowMs, coverage } = c;
  return {
    kind: 'price', ts, exchange, symbol, rule, direction, change, price, reference, referenceTs: referenceTs!, windowMs, level, coverage, threshold: DEFAULT_THRESHOLDS[rule as 'pct_24h' | 'pct_short'],
    ...(fromLevel === undefined ? {} : { fromLevel }),
  };
}

function rearmFor(c: AlertCandidate, level: number): MoveRearmed {
  return { kind: 'rearm', ts: c.ts, exchange: c.exchange, symbol: c.symbol, rule: c.rule, direction: c.direction, level };
}

const restoredUp = (level: number, ts: number): DedupeLevel => ({
  exchange: 'binance', symbol: 'BTC/USDT', rule: 'pct_24h', direction: 'up', level, ts,
});

describe('dedupeMoves', () => {
  it('matches its @example: 5.1 %, 4.5 %, 5.2 %, 10.3 %, 3 %, 5 % give alerts 1, 2, a re-arm from 2, then 1', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const r = { a: reading(0.051), b: reading(0.045), c: reading(0.052), d: reading(0.103), e: reading(0.03), f: reading(0.05) };
      const source = hot('  a b c d e f', r);
      const expected = '    a - - d e f';
      expectObservable(source.pipe(dedupeMoves(DEFAULT_THRESHOLDS))).toBe(expected, {
        a: alertFor(r.a, 1),
        d: alertFor(r.d, 2, 1),
        e: rearmFor(r.e, 2),
        f: alertFor(r.f, 1),
      });
    });
  });

  it('marks an escalation with the level it escalates from, and a first alert past 2 x the threshold not at all', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const r = { a: reading(0.11), b: reading(0.16) };
      expectObservable(hot('a b', r).pipe(dedupeMoves(DEFAULT_THRESHOLDS))).toBe('a b', {
        a: alertFor(r.a, 2),
        b: alertFor(r.b, 3, 2),
      });
    });
  });

  it('re-arms once per move, only below threshold x (1 - hysteresis)', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const r = { a: reading(0.06), b: reading(0.041), c: reading(0.039), d: reading(0.01), e: reading(0) };
      const source = hot('  a b c d e', r);
      const expected = '    a - c - -';
      expectObservable(source.pipe(dedupeMoves(DEFAULT_THRESHOLDS, { hysteresis: 0.2 }))).toBe(expected, {
        a: alertFor(r.a, 1),
        c: rearmFor(r.c, 1),
      });
    });
  });

  it('starts a key at its restored level on its first reading, unless the level is stale', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const held = { a: reading(0.055, 1_000), b: reading(0.1, 2_000) };
      expectObservable(hot('a b', held).pipe(dedupeMoves(DEFAULT_THRESHOLDS, { restored: [restoredUp(1, 0)] }))).toBe('- b', {
        b: alertFor(held.b, 2, 1),
      });
      const faded = { a: reading(0.02, 1_000) };
      expectObservable(hot('a', faded).pipe(dedupeMoves(DEFAULT_THRESHOLDS, { restored: [restoredUp(1, 0)] }))).toBe('a', {
        a: rearmFor(faded.a, 1),
      });
      const late = { a: reading(0.055, 86_400_001) };
      expectObservable(hot('a', late).pipe(dedupeMoves(DEFAULT_THRESHOLDS, { restored: [restoredUp(1, 0)] }))).toBe('a', {
        a: alertFor(late.a, 1),
      });
    });
  });

  it('completes and errors with the source, and unsubscribes from it', () => {
    createTestScheduler().run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const r = { a: reading(0.06) };
      const endless = hot('      -a---a', r);
      const endlessSub = '       ^--!';
      expectObservable(cold('a--|', r).pipe(dedupeMoves(DEFAULT_THRESHOLDS))).toBe('a--|', { a: alertFor(r.a, 1) });
      expectObservable(cold('-a-#', r, new Error('feed broke')).pipe(dedupeMoves(DEFAULT_THRESHOLDS))).toBe('-a-#', { a: alertFor(r.a, 1) }, new Error('feed broke'));
      expectObservable(endless.pipe(dedupeMoves(DEFAULT_THRESHOLDS)), endlessSub).toBe('-a--', { a: alertFor(r.a, 1) });
      expectSubscriptions(endless.subscriptions).toBe(endlessSub);
    });
  });

  it('refuses bad settings and bad restored levels when the operator is made', () => {
    expect(() => dedupeMoves(DEFAULT_THRESHOLDS, { hysteresis: 1 })).to.throw(RangeError, /hysteresis/);
    expect(() => dedupeMoves(DEFAULT_THRESHOLDS, { restored: [restoredUp(-1, 0)] })).to.throw(RangeError, /restored dedupe level/);
  });
});
