import { Observable, type OperatorFunction } from 'rxjs';
import type { PriceAlert } from '../domain/alert.js';
import type { Thresholds } from '../domain/config-types.js';
import { nextAlertLevel } from './alert-level.js';
import { alertSlot } from './alert-slot.js';
import { type AlertCandidate, thresholdsBySlot } from './price-rules.js';

/** Checks `alerts.hysteresis` and the thresholds the way the config codec does, for library callers. */
export function checkAlertSettings(thresholds: Thresholds, hysteresis: number): void {
  if (!(hysteresis >= 0 && hysteresis < 1)) {
    throw new RangeError(`hysteresis must be a fraction from 0 (inclusive) to 1 (exclusive), got ${hysteresis}`);
  }
  if (!(thresholds.pct_24h > 0) || !(thresholds.pct_short > 0)) {
    throw new RangeError(`thresholds must be positive fractions, got pct_24h ${thresholds.pct_24h}, pct_short ${thresholds.pct_short}`);
  }
}

/** The alert for a reading that raised its key to `level`. */
export function priceAlertOf(candidate: AlertCandidate, level: number): PriceAlert {
  const { ts, exchange, symbol, rule, direction, change, price, reference, referenceTs, windowMs, coverage } = candidate;
  if (referenceTs === undefined) {
    return { kind: 'price', ts, exchange, symbol, rule, direction, change, price, reference, windowMs, level, coverage };
  }
  return { kind: 'price', ts, exchange, symbol, rule, direction, change, price, reference, referenceTs, windowMs, level, coverage };
}

/**
 * One move = one alert: turns rule readings into deduplicated {@link PriceAlert}s.
 *
 * Works like a `distinctUntilChanged` keyed by (exchange, symbol, rule, direction)
 * over the key's alert level (see `nextAlertLevel`): the level rises to 1 when the
 * move first reaches the threshold, to n when it reaches n x threshold, and falls
 * back to 0 (re-arms) only below threshold x (1 - hysteresis). Each rise of the
 * level is one alert; nothing else is.
 *
 * 1. Emits a {@link PriceAlert} synchronously when a key's level rises: level 1 on the
 *    first crossing, level n on each further multiple (escalation). A first crossing
 *    that is already past 2x is one alert at its level, not one per level skipped.
 * 2. Emits nothing while a price hovers between the re-arm line and the threshold.
 * 3. Completes and errors with the source. Levels live per subscription.
 *
 * @param thresholds the rules' thresholds (fractions)
 * @param hysteresis fraction of the threshold a move must fall by to re-arm, 0 <= h < 1 (default 0.2)
 * @throws RangeError for a hysteresis outside [0, 1) or a threshold that is not positive
 *
 * @example
 * // pct_24h up readings of 5.1 %, 4.5 %, 5.2 %, 10.3 %, 3 %, 5 % with a 5 % threshold:
 * candidates$.pipe(dedupeAlerts(DEFAULT_THRESHOLDS, 0.2)).subscribe((a) => console.log(a.level));
 * // Logs: 1, 2, 1
 *
 * @see priceRules, which produces the readings.
 */
export function dedupeAlerts(thresholds: Thresholds, hysteresis = 0.2): OperatorFunction<AlertCandidate, PriceAlert> {
  checkAlertSettings(thresholds, hysteresis);
  const bySlot = thresholdsBySlot(thresholds);
  return (source) =>
    new Observable<PriceAlert>((subscriber) => {
      // exchange -> symbol -> level per (rule, direction) slot; updated in place.
      const levels = new Map<string, Map<string, Float64Array>>();
      const subscription = source.subscribe({
        next(candidate) {
          let bySymbol = levels.get(candidate.exchange);
          if (bySymbol === undefined) {
            bySymbol = new Map();
            levels.set(candidate.exchange, bySymbol);
          }
          let slots = bySymbol.get(candidate.symbol);
          if (slots === undefined) {
            slots = new Float64Array(bySlot.length);
            bySymbol.set(candidate.symbol, slots);
          }
          const slot = alertSlot(candidate.rule, candidate.direction);
          const level = slots[slot]!;
          const next = nextAlertLevel(level, candidate.magnitude, bySlot[slot]!, hysteresis);
          // State first: the emission below may re-enter.
          slots[slot] = next;
          if (next > level) subscriber.next(priceAlertOf(candidate, next));
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => subscription.unsubscribe();
    });
}
