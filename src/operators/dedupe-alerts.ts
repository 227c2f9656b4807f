import { filter, type OperatorFunction, pipe } from 'rxjs';
import type { PriceAlert } from '../domain/alert.js';
import type { Thresholds } from '../domain/config-types.js';
import { dedupeMoves } from './dedupe-moves.js';
import { isPriceAlert } from './price-move.js';
import type { AlertCandidate } from './price-rules.js';

/**
 * One move = one alert: turns rule readings into deduplicated {@link PriceAlert}s.
 * The alerts of `dedupeMoves`, without its re-arms.
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
 * @see priceRules, which produces the readings; dedupeMoves, which also says when a move re-armed.
 */
export function dedupeAlerts(thresholds: Thresholds, hysteresis = 0.2): OperatorFunction<AlertCandidate, PriceAlert> {
  return pipe(dedupeMoves(thresholds, { hysteresis }), filter(isPriceAlert));
}
