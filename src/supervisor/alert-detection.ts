import { merge, type Observable, type SchedulerLike, tap } from 'rxjs';
import type { Alert } from '../domain/alert.js';
import type { Config } from '../domain/config-types.js';
import type { FeedStatus } from '../domain/feed-status.js';
import type { Tick } from '../domain/tick.js';
import { dedupeAlerts } from '../operators/dedupe-alerts.js';
import { detectAlerts } from '../operators/detect-alerts.js';
import { feedDownAlerts } from '../operators/feed-down-alerts.js';
import { priceRules } from '../operators/price-rules.js';
import { type TickMetrics, tickMetrics } from '../operators/tick-metrics.js';

/** Options of {@link detectSupervisorAlerts}. */
export interface AlertDetectionOptions {
  /** Timers of the feed-down alerts. */
  readonly scheduler: SchedulerLike;
  /**
   * Receives every tick's metrics (the status page shows them). When given, the
   * rules run on these shared metrics (`tickMetrics`, `priceRules`,
   * `dedupeAlerts`); without it, the fused `detectAlerts` does one pass per tick.
   */
  readonly onMetrics?: (metrics: TickMetrics) => void;
}

/**
 * The supervisor's alert pipeline, the one place it is built (for `alerts$`,
 * `run()` and `replay()`): price rules and dedupe on the ticks, feed-down and
 * recovered alerts on the feed statuses, merged.
 *
 * 1. Emits each deduplicated price alert synchronously on the tick that raised
 *    it (carrying that tick's `receivedAt`), and each feed alert when its timer fires.
 * 2. Statuses are subscribed first: feeds report `connecting` as soon as their
 *    ticks are subscribed.
 * 3. Completes when both inputs completed; errors with either.
 *
 * @example
 * detectSupervisorAlerts(config, ticks$, statuses$, { scheduler: asyncScheduler }).subscribe((a) => console.log(a.rule));
 * // Logs: pct_24h
 */
export function detectSupervisorAlerts(
  config: Config,
  ticks: Observable<Tick>,
  statuses: Observable<FeedStatus>,
  options: AlertDetectionOptions,
): Observable<Alert> {
  const { thresholds, hysteresis } = config.alerts;
  const { onMetrics } = options;
  const priceAlerts = onMetrics
    ? ticks.pipe(tickMetrics(thresholds), tap(onMetrics), priceRules(thresholds), dedupeAlerts(thresholds, hysteresis))
    : ticks.pipe(detectAlerts(thresholds, { hysteresis }));
  return merge(statuses.pipe(feedDownAlerts(config.alerts.feed_down_after_ms, options.scheduler)), priceAlerts);
}
