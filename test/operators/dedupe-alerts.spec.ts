import { expect } from 'chai';
import type { PriceAlert } from '../../src/domain/alert.js';
import { DEFAULT_THRESHOLDS } from '../../src/domain/config-types.js';
import { dedupeAlerts } from '../../src/operators/dedupe-alerts.js';
import type { AlertCandidate } from '../../src/operators/price-rules.js';
import { createTestScheduler } from '../helpers/test-scheduler.js';

/** A pct_24h reading on binance BTC/USDT with reference 100. */
function reading(change: number, overrides: Partial<AlertCandidate> = {}): AlertCandidate {
  const direction = overrides.direction ?? (change >= 0 ? 'up' : 'down');
  const magnitude = direction === 'up' ? Math.max(change, 0) : Math.max(-change, 0);
  return {
    ts: 0,
    exchange: 'binance',
    symbol: 'BTC/USDT',
    price: 100 * (1 + change),
    rule: 'pct_24h',
    direction,
    magnitude,
    hit: magnitude >= 0.05,
    change,
    reference: 100,
    referenceTs: 0,
    windowMs: 86_400_000,
    coverage: 1,
    ...overrides,
  };
}

/** The alert for `candidate` at `level`; `fromLevel` for an escalation of a move that had alerted at that level. */
function alertFor(candidate: AlertCandidate, level: number, fromLevel?: number): PriceAlert {
  const { ts, exchange, symbol, rule, direction, change, price, reference, referenceTs, windowMs, coverage } = candidate;
  return {
    kind: 'price', ts, exchange, symbol, rule, direction, change, price, reference, referenceTs: referenceTs!, windowMs, level, coverage, threshold: DEFAULT_THRESHOLDS[rule as 'pct_24h' | 'pct_short'],
    ...(fromLevel === undefined ? {} : { fromLevel }),
  };
}

describe('dedupeAlerts', () => {
  const dedupe = () => dedupeAlerts(DEFAULT_THRESHOLDS, 0.2);

  it('fires once while the move hovers around the threshold', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const r = { a: reading(0.051), b: reading(0.049), c: reading(0.052), d: reading(0.0499), e: reading(0.0501) };
      const source = hot('  a b c d e', r);
      const expected = '    a';
      expectObservable(source.pipe(dedupe())).toBe(expected, { a: alertFor(r.a, 1) });
    });
  });

  it('matches its @example: 5.1 %, 4.5 %, 5.2 %, 10.3 %, 3 %, 5 % give levels 1, 2, 1', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const r = { a: reading(0.051), b: reading(0.045), c: reading(0.052), d: reading(0.103), e: reading(0.03), f: reading(0.05) };
      const source = hot('  a b c d e f', r);
      const expected = '    a - - d - f';
      expectObservable(source.pipe(dedupe())).toBe(expected, { a: alertFor(r.a, 1), d: alertFor(r.d, 2, 1), f: alertFor(r.f, 1) });
    });
  });

  it('escalates once per further multiple of the threshold, and not again on the way back', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const r = { a: reading(0.05), b: reading(0.1), c: reading(0.149), d: reading(0.16), e: reading(0.08), f: reading(0.155), g: reading(0.2) };
      const source = hot('  a b c d e f g', r);
      const expected = '    a b - d - - g';
      expectObservable(source.pipe(dedupe())).toBe(expected, {
        a: alertFor(r.a, 1),
        b: alertFor(r.b, 2, 1),
        d: alertFor(r.d, 3, 2),
        g: alertFor(r.g, 4, 3),
      });
    });
  });

  it('re-arms only below threshold x (1 - hysteresis)', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      // 4.1 % is inside the band (re-arm line 4 %); 3.9 % re-arms.
      const r = { a: reading(0.06), b: reading(0.041), c: reading(0.06), d: reading(0.039), e: reading(0.06) };
      const source = hot('  a b c d e', r);
      const expected = '    a - - - e';
      expectObservable(source.pipe(dedupe())).toBe(expected, { a: alertFor(r.a, 1), e: alertFor(r.e, 1) });
    });
  });

  it('keeps up and down apart, and each (exchange, symbol) apart', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const r = {
        u: reading(0.06),
        d: reading(-0.06),
        U: reading(0, { direction: 'up' }), // the up key sees the fall as 0: it re-arms
        k: reading(0.06, { exchange: 'kraken' }),
        e: reading(0.06, { symbol: 'ETH/USDT' }),
        s: reading(0.021, { rule: 'pct_short', windowMs: 3_600_000 }),
      };
      const source = hot('  u d U u k e s', r);
      const expected = '    u d - u k e s';
      expectObservable(source.pipe(dedupe())).toBe(expected, {
        u: alertFor(r.u, 1),
        d: alertFor(r.d, 1),
        k: alertFor(r.k, 1),
        e: alertFor(r.e, 1),
        s: alertFor(r.s, 1),
      });
    });
  });

  it('leaves referenceTs out when the reading has none', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const r = { a: reading(0.06, { referenceTs: undefined }) };
      const { referenceTs: _, ...alert } = alertFor(r.a, 1);
      expectObservable(hot('a', r).pipe(dedupe())).toBe('a', { a: alert });
    });
  });

  it('keeps its levels per subscription', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const r = { a: reading(0.06) };
      const alerts = cold('a a|', r).pipe(dedupe());
      expectObservable(alerts).toBe('a -|', { a: alertFor(r.a, 1) });
      expectObservable(alerts).toBe('a -|', { a: alertFor(r.a, 1) });
    });
  });

  it('completes and errors with the source, and unsubscribes from it', () => {
    createTestScheduler().run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const r = { a: reading(0.06) };
      const completing = cold('  a--|', r);
      const failing = cold('     -a-#', r, new Error('feed broke'));
      const endless = hot('      -a---a', r);
      const endlessSub = '       ^--!';
      expectObservable(completing.pipe(dedupe())).toBe('a--|', { a: alertFor(r.a, 1) });
      expectObservable(failing.pipe(dedupe())).toBe('-a-#', { a: alertFor(r.a, 1) }, new Error('feed broke'));
      expectObservable(endless.pipe(dedupe()), endlessSub).toBe('-a--', { a: alertFor(r.a, 1) });
      expectSubscriptions(endless.subscriptions).toBe(endlessSub);
    });
  });

  it('refuses a hysteresis outside [0, 1) and thresholds that are not positive', () => {
    expect(() => dedupeAlerts(DEFAULT_THRESHOLDS, 1)).to.throw(RangeError, /hysteresis/);
    expect(() => dedupeAlerts(DEFAULT_THRESHOLDS, -0.1)).to.throw(RangeError, /hysteresis/);
    expect(() => dedupeAlerts({ ...DEFAULT_THRESHOLDS, pct_short: 0 }, 0.2)).to.throw(RangeError, /positive/);
  });
});
