import { expect } from 'chai';
import { filter, from, map } from 'rxjs';
import { DEFAULT_THRESHOLDS } from '../../src/domain/config-types.js';
import type { Tick } from '../../src/domain/tick.js';
import { type AlertCandidate, priceRules } from '../../src/operators/price-rules.js';
import { type TickMetrics, tickMetrics } from '../../src/operators/tick-metrics.js';
import { createTestScheduler } from '../helpers/test-scheduler.js';

/** Metrics with a 24 h change against 100 and a short window between `low` and `high`. */
function metrics(price: number, low: number, high: number, overrides: Partial<TickMetrics> = {}): TickMetrics {
  return {
    ts: 7, exchange: 'binance', symbol: 'BTC/USDT', price,
    change24h: price / 100 - 1, reference24h: 100, reference24hTs: 1, reference24hSource: 'window', coverage24h: 0.5, window24hMs: 86_400_000,
    changeShort: 0, shortLow: low, shortLowTs: 2, shortHigh: high, shortHighTs: 3,
    shortUp: price / low - 1, shortDown: price / high - 1, coverageShort: 0.9, windowShortMs: 3_600_000,
    ...overrides,
  };
}

const brief = map((c: AlertCandidate) => `${c.rule} ${c.direction} ${c.magnitude.toFixed(4)} ${c.hit ? 'hit' : '-'}`);

describe('priceRules', () => {
  it('reads four keys per tick: pct_24h up and down, pct_short up and down, in that order', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const source = hot('a', { a: metrics(106, 103, 108) });
      expectObservable(source.pipe(priceRules(DEFAULT_THRESHOLDS), brief)).toBe('(abcd)', {
        a: 'pct_24h up 0.0600 hit',
        b: 'pct_24h down 0.0000 -',
        c: 'pct_short up 0.0291 hit',
        d: 'pct_short down 0.0185 -',
      });
    });
  });

  it('measures a fall as pct_24h down and from the short window high', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const source = hot('a', { a: metrics(94, 94, 97) });
      expectObservable(source.pipe(priceRules(DEFAULT_THRESHOLDS), brief)).toBe('(abcd)', {
        a: 'pct_24h up 0.0000 -',
        b: 'pct_24h down 0.0600 hit',
        c: 'pct_short up 0.0000 -',
        d: 'pct_short down 0.0309 hit',
      });
    });
  });

  it('counts a 2 % rise from the short window low even when the window started higher', () => {
    // 100, down to 95, back to 97: -3 % over the window, but +2.1 % from its low.
    const ticks: Tick[] = [100, 95, 97].map((price, i) => ({ exchange: 'binance', symbol: 'BTC/USDT', price, ts: i * 60_000 }));
    const hits: string[] = [];
    from(ticks)
      .pipe(tickMetrics(DEFAULT_THRESHOLDS), priceRules(DEFAULT_THRESHOLDS), filter((c) => c.hit), brief)
      .subscribe((line) => hits.push(line));
    expect(hits).to.deep.equal(['pct_24h down 0.0500 hit', 'pct_short down 0.0500 hit', 'pct_short up 0.0211 hit', 'pct_short down 0.0300 hit']);
  });

  it('matches its @example: a 3 % rise is a pct_short up hit', () => {
    const ticks: Tick[] = [{ exchange: 'binance', symbol: 'BTC/USDT', price: 100, ts: 0 }, { exchange: 'binance', symbol: 'BTC/USDT', price: 103, ts: 60_000 }];
    const hits: string[] = [];
    from(ticks)
      .pipe(tickMetrics(DEFAULT_THRESHOLDS), priceRules(DEFAULT_THRESHOLDS), filter((c) => c.hit))
      .subscribe((c) => hits.push(`${c.rule} ${c.direction}`));
    expect(hits).to.deep.equal(['pct_short up']);
  });

  it('carries the reference, its time, the window, the coverage of each rule and the tick\'s receivedAt', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const m = metrics(106, 103, 108, { receivedAt: 9 });
      const source = hot('a', { a: m });
      const base = { ts: 7, exchange: 'binance', symbol: 'BTC/USDT', price: 106, receivedAt: 9 };
      expectObservable(source.pipe(priceRules(DEFAULT_THRESHOLDS))).toBe('(abcd)', {
        a: { ...base, rule: 'pct_24h', direction: 'up', magnitude: m.change24h, hit: true, change: m.change24h, reference: 100, referenceTs: 1, windowMs: 86_400_000, coverage: 0.5, threshold: 0.05 },
        b: { ...base, rule: 'pct_24h', direction: 'down', magnitude: 0, hit: false, change: m.change24h, reference: 100, referenceTs: 1, windowMs: 86_400_000, coverage: 0.5, threshold: 0.05 },
        c: { ...base, rule: 'pct_short', direction: 'up', magnitude: m.shortUp, hit: true, change: m.shortUp, reference: 103, referenceTs: 2, windowMs: 3_600_000, coverage: 0.9, threshold: 0.02 },
        d: { ...base, rule: 'pct_short', direction: 'down', magnitude: -m.shortDown, hit: false, change: m.shortDown, reference: 108, referenceTs: 3, windowMs: 3_600_000, coverage: 0.9, threshold: 0.02 },
      });
    });
  });

  it('completes and errors with the source, and unsubscribes from it', () => {
    createTestScheduler().run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const values = { a: metrics(100, 100, 100) };
      const rules = () => [priceRules(DEFAULT_THRESHOLDS), map((c: AlertCandidate) => c.rule)] as const;
      // a group of four takes six frames of marble, so the completion is placed by time
      expectObservable(cold('a 9ms |', values).pipe(...rules())).toBe('(abcd) 4ms |', { a: 'pct_24h', b: 'pct_24h', c: 'pct_short', d: 'pct_short' });
      expectObservable(cold('--#', values, new Error('broke')).pipe(...rules())).toBe('--#', undefined, new Error('broke'));
      const endless = hot('-a--a', values);
      const sub = '        ^--!';
      expectObservable(endless.pipe(...rules()), sub).toBe('-(abcd)', { a: 'pct_24h', b: 'pct_24h', c: 'pct_short', d: 'pct_short' });
      expectSubscriptions(endless.subscriptions).toBe(sub);
    });
  });
});
