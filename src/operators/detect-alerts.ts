import { filter, type OperatorFunction, pipe } from 'rxjs';
import type { PriceAlert } from '../domain/alert.js';
import type { Thresholds } from '../domain/config-types.js';
import type { Tick } from '../domain/tick.js';
import { detectMoves, type DetectMovesOptions } from './detect-moves.js';
import { isPriceAlert } from './price-move.js';

/** Options of {@link detectAlerts}: those of `detectMoves` (hysteresis, buckets, restored levels). */
export type DetectAlertsOptions = DetectMovesOptions;

/**
 * Ticks in, deduplicated price alerts out: the same alerts as
 * `pipe(tickMetrics(thresholds), priceRules(thresholds), dedupeAlerts(thresholds, hysteresis))`,
 * in one pass. The alerts of `detectMoves`, without its re-arms.
 *
 * Pure and clock-free: time comes from each tick's `ts`, so the same ticks give
 * the same alerts live, in a replay and in a marble test. O(1) per tick; memory
 * O(symbols x buckets).
 *
 * 1. Emits a {@link PriceAlert} synchronously on the tick that crosses a threshold
 *    (level 1) or a further multiple of it (level n), per (exchange, symbol, rule,
 *    direction); see `dedupeAlerts` for re-arming.
 * 2. Drops a tick without a positive finite price or a finite `ts`.
 * 3. Completes and errors with the source; state lives per subscription.
 *
 * @param thresholds `alerts.thresholds` as in the YAML (fractions, ms)
 * @throws RangeError for a bad window, bucket count, threshold, hysteresis or restored level
 *
 * @example
 * ticks$.pipe(detectAlerts(DEFAULT_THRESHOLDS)).subscribe((a) => console.log(a.rule, a.direction, a.level));
 * // Logs: pct_short up 1
 *
 * @see replayTicks to run it over a recorded tick file; detectMoves for the re-arms too.
 */
export function detectAlerts(thresholds: Thresholds, options: DetectAlertsOptions = {}): OperatorFunction<Tick, PriceAlert> {
  return pipe(detectMoves(thresholds, options), filter(isPriceAlert));
}
