import { Observable, type OperatorFunction } from 'rxjs';
import type { PriceAlert } from '../domain/alert.js';
import type { Thresholds } from '../domain/config-types.js';
import type { Tick } from '../domain/tick.js';
import { nextAlertLevel } from './alert-level.js';
import { checkAlertSettings, priceAlertOf } from './dedupe-alerts.js';
import { ruleCandidate, slotMagnitude, thresholdsBySlot } from './price-rules.js';
import { TickMeter } from './tick-meter.js';
import { readTickMetrics, type TickMetrics } from './tick-metrics.js';

/** Options of {@link detectAlerts}. */
export interface DetectAlertsOptions {
  /** A key re-arms when its move falls below threshold x (1 - hysteresis). Fraction 0..1, default 0.2. */
  readonly hysteresis?: number;
  /** Buckets per window: memory per (symbol, window), and a window's start is exact to one bucket. Default 1000. */
  readonly buckets?: number;
}

/**
 * Ticks in, deduplicated price alerts out: the same alerts as
 * `pipe(tickMetrics(thresholds), priceRules(thresholds), dedupeAlerts(thresholds, hysteresis))`,
 * in one pass.
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
 * Hand-written (see DESIGN.md): this is the measured hot path. It uses the same
 * functions as the three operators, but keeps the alert levels next to the
 * windows (one key lookup per tick) and builds no reading object unless a level rises.
 *
 * @param thresholds `alerts.thresholds` as in the YAML (fractions, ms)
 * @throws RangeError for a bad window, bucket count, threshold or hysteresis
 *
 * @example
 * ticks$.pipe(detectAlerts(DEFAULT_THRESHOLDS)).subscribe((a) => console.log(a.rule, a.direction, a.level));
 * // Logs: pct_short up 1
 *
 * @see replayTicks to run it over a recorded tick file.
 */
export function detectAlerts(thresholds: Thresholds, options: DetectAlertsOptions = {}): OperatorFunction<Tick, PriceAlert> {
  const hysteresis = options.hysteresis ?? 0.2;
  checkAlertSettings(thresholds, hysteresis);
  new TickMeter(thresholds, options.buckets); // a bad window throws here, not on the first tick
  const bySlot = thresholdsBySlot(thresholds);
  return (ticks) =>
    new Observable<PriceAlert>((subscriber) => {
      const meter = new TickMeter(thresholds, options.buckets);
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
              subscriber.next(priceAlertOf(ruleCandidate(metrics, slot, bySlot[slot]!), next));
            }
          }
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => subscription.unsubscribe();
    });
}
