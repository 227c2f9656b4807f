import { expect } from 'chai';
import { map, VirtualTimeScheduler } from 'rxjs';
import type { PriceAlert } from '../../src/domain/alert.js';
import { DEFAULT_THRESHOLDS } from '../../src/domain/config-types.js';
import { detectAlerts } from '../../src/operators/detect-alerts.js';
import { replayTicks } from '../../src/replay/replay-ticks.js';
import { createTestScheduler } from '../helpers/test-scheduler.js';
import { captureLogger } from './capture-logger.js';

/**
 * The recorded fixtures, replayed through detectAlerts with the seed's thresholds
 * (24 h: 5 %, 1 h: 2 %, hysteresis 0.2). Both start at 2024-06-01 00:00 UTC, an
 * hour boundary, so the windows' 3.6 s and 86.4 s buckets line up with it.
 */
const T0 = 1_717_200_000_000;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** One alert per line: rule, direction, level, price, reference (and when), change and coverage to 4 places. */
const summary = map((a: PriceAlert) => {
  const when = a.referenceTs === undefined ? '' : `@${(a.referenceTs - T0) / MINUTE}m`;
  return `${a.rule} ${a.direction} L${a.level} ${a.price} from ${a.reference}${when} ${a.change.toFixed(4)} cov ${a.coverage.toFixed(4)}`;
});

describe('recorded fixtures', () => {
  it('btc-rally.jsonl: a short spike that hovers, a re-arm, then the 24 h move against open24h escalating', () => {
    createTestScheduler().run(({ expectObservable }) => {
      const alerts = replayTicks('test/fixtures/btc-rally.jsonl').pipe(detectAlerts(DEFAULT_THRESHOLDS), summary);
      // 20 min: +2.10 % from the 62000 low. 25-40 min: 1.77 %, 2.18 %, 1.69 %, 2.26 %: hovering, no alert.
      // 50 min: 1.45 % re-arms (under 1.6 %). 60 min: +2.42 %: a new move. 90 min: 24 h +5.08 % (open 61000).
      // 150 min: 24 h +10.16 % (level 2) and 1 h +4.84 % from 64100 (level 2 of the move raised at 60 min).
      const expected = '20m a 39m 59.999s b 29m 59.999s c 59m 59.999s (de) 29m 59.996s |';
      expectObservable(alerts).toBe(expected, {
        a: 'pct_short up L1 63300 from 62000@0m 0.0210 cov 0.3336',
        b: 'pct_short up L1 63500 from 62000@0m 0.0242 cov 1.0000',
        c: 'pct_24h up L1 64100 from 61000 0.0508 cov 1.0000',
        d: 'pct_24h up L2 67200 from 61000 0.1016 cov 1.0000',
        e: 'pct_short up L2 67200 from 64100@90m 0.0484 cov 1.0000',
      });
    });
  });

  it('eth-crash-with-gap.jsonl: a crash escalating, a feed gap that re-arms, and the move seen again after it', () => {
    const { lines, logger } = captureLogger();
    createTestScheduler().run(({ expectObservable }) => {
      const alerts = replayTicks('test/fixtures/eth-crash-with-gap.jsonl', { logger }).pipe(detectAlerts(DEFAULT_THRESHOLDS), summary);
      // No open24h: the 24 h reference is our own oldest price, on the coverage we have.
      // 20, 30, 45 min: 1 h down 2.29 %, 4.86 %, 6.00 % from 3500: levels 1, 2, 3. 40 min: 24 h down 5.14 %.
      // Blind from 45 min to 3 h: the 3 h tick (3400) sees no 1 h history, and -2.86 % re-arms 24 h down.
      // 3 h 10 min: 1 h down 2.06 % from 3400, on 10 minutes of data. 3 h 20 min: 24 h down 5.14 % again.
      const expected = '20m a 9m 59.999s b 9m 59.999s c 4m 59.999s d 144m 59.999s e 9m 59.999s (f|)';
      expectObservable(alerts).toBe(expected, {
        a: 'pct_short down L1 3420 from 3500@0m -0.0229 cov 0.3336',
        b: 'pct_short down L2 3330 from 3500@0m -0.0486 cov 0.5005',
        c: 'pct_24h down L1 3320 from 3500@0m -0.0514 cov 0.0278',
        d: 'pct_short down L3 3290 from 3500@0m -0.0600 cov 0.7508',
        e: 'pct_short down L1 3330 from 3400@180m -0.0206 cov 0.1667',
        f: 'pct_24h down L1 3320 from 3500@0m -0.0514 cov 0.0451',
      });
    });
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/^\[WARN\] replay: test\/fixtures\/eth-crash-with-gap\.jsonl:7: not JSON/);
  });

  it('matches replayTicks\' @example: the rally on a VirtualTimeScheduler, flushed at once', () => {
    const scheduler = new VirtualTimeScheduler();
    const logged: string[] = [];
    replayTicks('test/fixtures/btc-rally.jsonl', { scheduler })
      .pipe(detectAlerts(DEFAULT_THRESHOLDS))
      .subscribe((alert) => logged.push(`${alert.rule} ${alert.direction} ${alert.level}`));
    scheduler.flush();
    expect(logged).to.deep.equal(['pct_short up 1', 'pct_short up 1', 'pct_24h up 1', 'pct_24h up 2', 'pct_short up 2']);
  });

  it('gives the whole first alert of each fixture, field by field', () => {
    const first = (path: string): PriceAlert[] => {
      const scheduler = new VirtualTimeScheduler();
      const alerts: PriceAlert[] = [];
      replayTicks(path, { scheduler }).pipe(detectAlerts(DEFAULT_THRESHOLDS)).subscribe((a) => alerts.push(a));
      scheduler.flush();
      return alerts.slice(0, 1);
    };
    // 20 minutes of data; the 1 h window starts 999 buckets of 3.6 s before the tick's bucket (333 after T0)
    const start = T0 + 333 * 3_600 - 999 * 3_600;
    const coverage = (20 * MINUTE) / (T0 + 20 * MINUTE - start);
    expect(first('test/fixtures/btc-rally.jsonl')).to.deep.equal([{
      kind: 'price', ts: T0 + 20 * MINUTE, exchange: 'binance', symbol: 'BTC/USDT', rule: 'pct_short', direction: 'up',
      change: 63300 / 62000 - 1, price: 63300, reference: 62000, referenceTs: T0, windowMs: HOUR, level: 1, coverage, threshold: 0.02,
    }]);
    expect(first('test/fixtures/eth-crash-with-gap.jsonl')).to.deep.equal([{
      kind: 'price', ts: T0 + 20 * MINUTE, exchange: 'coinbase', symbol: 'ETH/USD', rule: 'pct_short', direction: 'down',
      change: 3420 / 3500 - 1, price: 3420, reference: 3500, referenceTs: T0, windowMs: HOUR, level: 1, coverage, threshold: 0.02,
    }]);
  });
});
