import { Observable, type OperatorFunction } from 'rxjs';
import type { Thresholds } from '../domain/config-types.js';
import type { DedupeLevel } from '../domain/dedupe-level.js';
import type { Tick } from '../domain/tick.js';
import { nextAlertLevel } from './alert-level.js';
import { checkAlertSettings } from './check-alert-settings.js';
import { moveRearmedOf, priceAlertOf, type PriceMove } from './price-move.js';
import { ruleCandidate, slotMagnitude, thresholdsBySlot } from './price-rules.js';
import { RestoredLevels } from './restored-levels.js';
import { TickMeter } from './tick-meter.js';
import { readTickMetrics, type TickMetrics } from './tick-metrics.js';

/** Options of {@link detectMoves} (and `detectAlerts`). */
export interface DetectMovesOptions {
  /** A key re-arms when its move falls below threshold x (1 - hysteresis). Fraction 0..1, default 0.2. */
  readonly hysteresis?: number;
  /** Buckets per window: memory per (symbol, window), and a window's start is exact to one bucket. Default 1000. */
  readonly buckets?: number;
  /**
   * Dedupe levels to start from, e.g. rebuilt from the journal after a restart
   * (see `rebuildDedupeLevels`). A key starts at its restored level on its
   * (exchange, symbol)'s first tick, unless the level was set more than its
   * rule's window before that tick (stale: the key starts armed). Default: none.
   */
  readonly restored?: readonly DedupeLevel[];
}

/**
 * Ticks in, price alerts and re-arms out: the same {@link PriceMove}s as
 * `pipe(tickMetrics(thresholds), priceRules(thresholds), dedupeMoves(thresholds, options))`,
 * in one pass.
 *
 * Pure and clock-free: time comes from each tick's `ts`, so the same ticks give
 * the same moves live, in a replay and in a marble test. O(1) per tick; memory
 * O(symbols x buckets).
 *
 * What a restored level means (option `restored`): the key is where it was when
 * the process stopped, so its first tick is judged against that level. If the
 * magnitude is below the re-arm line (threshold x (1 - hysteresis)) the key
 * re-arms (a `MoveRearmed`); if it reaches a higher multiple of the threshold it
 * alerts at that level (an escalation); in between it stays silent. The windows
 * themselves start empty: a `pct_short` move, or a `pct_24h` move measured on our
 * own window, is measured again from the first tick after the restart (its
 * magnitude starts at 0, so such a key re-arms on that tick), while a `pct_24h`
 * move against the exchange's rolling open is seen at once.
 *
 * 1. Emits a `PriceAlert` synchronously on the tick that crosses a threshold
 *    (level 1) or a further multiple of it (level n), per (exchange, symbol, rule,
 *    direction); see `dedupeMoves` for re-arming.
 * 2. Emits a `MoveRearmed` synchronously on the tick whose move falls below the
 *    re-arm line of a key that had alerted, with the level it had reached.
 * 3. Drops a tick without a positive finite price or a finite `ts`.
 * 4. Completes and errors with the source; state lives per subscription, and each
 *    subscription starts from the restored levels.
 *
 * Hand-written (see DESIGN.md): this is the measured hot path. It uses the same
 * functions as the three operators, but keeps the alert levels next to the
 * windows (one key lookup per tick) and builds no object unless a level changes.
 *
 * @param thresholds `alerts.thresholds` as in the YAML (fractions, ms)
 * @throws RangeError for a bad window, bucket count, threshold, hysteresis or restored level
 *
 * @example
 * // BTC/USDT up 3 % within the hour, then back to where it started:
 * ticks$.pipe(detectMoves(DEFAULT_THRESHOLDS)).subscribe((m) => console.log(m.kind, m.rule, m.direction, m.level));
 * // Logs: price pct_short up 1, rearm pct_short up 1
 *
 * @see detectAlerts for the alerts alone; rebuildDedupeLevels for the restored levels.
 */
export function detectMoves(thresholds: Thresholds, options: DetectMovesOptions = {}): OperatorFunction<Tick, PriceMove> {
  const hysteresis = options.hysteresis ?? 0.2;
  checkAlertSettings(thresholds, hysteresis);
  new TickMeter(thresholds, options.buckets); // a bad window throws here, not on the first tick
  const restored = new RestoredLevels(options.restored ?? [], thresholds);
  const seed = restored.empty ? undefined : (track: { alertLevels: Float64Array }, tick: Tick) => restored.seed(tick.exchange, tick.symbol, tick.ts, track.alertLevels);
  const bySlot = thresholdsBySlot(thresholds);
  return (ticks) =>
    new Observable<PriceMove>((subscriber) => {
      const meter = new TickMeter(thresholds, options.buckets, seed);
      const subscription = ticks.subscribe({
        next(tick) {
          const track = meter.observe(tick);
          if (track === undefined) return;
          // The rules read three numbers; the full metrics object is built only when a level rises.
          const price = tick.price;
          const change24h = price / meter.reference24h - 1;
          const shortUp = price / track.short.min - 1;
          const shortDown = price / track.short.max - 1;
          const levels = track.alertLevels;
          let metrics: TickMetrics | undefined;
          for (let slot = 0; slot < bySlot.length; slot++) {
            const level = levels[slot]!;
            const next = nextAlertLevel(level, slotMagnitude(slot, change24h, shortUp, shortDown), bySlot[slot]!, hysteresis);
            // State first: the emission below may re-enter.
            levels[slot] = next;
            if (next > level) {
              metrics ??= readTickMetrics(meter, track, tick);
              subscriber.next(priceAlertOf(ruleCandidate(metrics, slot, bySlot[slot]!), next, level));
            } else if (next < level) {
              subscriber.next(moveRearmedOf(tick.exchange, tick.symbol, slot, tick.ts, level));
            }
          }
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => subscription.unsubscribe();
    });
}
