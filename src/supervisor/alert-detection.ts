import { EMPTY, identity, map, merge, type MonoTypeOperatorFunction, type Observable, of, pairwise, type SchedulerLike, tap, withLatestFrom } from 'rxjs';
import { configDiff } from '../config/config-diff.js';
import type { DivergenceAlert, JournalEntry } from '../domain/alert.js';
import type { Config } from '../domain/config-types.js';
import type { DedupeLevel } from '../domain/dedupe-level.js';
import type { FeedStatus } from '../domain/feed-status.js';
import type { Silence } from '../domain/silence.js';
import type { Tick } from '../domain/tick.js';
import { dedupeMoves } from '../operators/dedupe-moves.js';
import { detectMoves } from '../operators/detect-moves.js';
import { divergenceAlerts } from '../operators/divergence-alerts.js';
import { divergenceGroups } from '../operators/divergence-groups.js';
import { feedDownAlerts } from '../operators/feed-down-alerts.js';
import { priceRules } from '../operators/price-rules.js';
import { quietHoursDrop, quietHoursDrops } from '../operators/quiet-hours-drops.js';
import type { RulesUpdate } from '../operators/rules-update.js';
import { silenceAlerts } from '../operators/silence-alerts.js';
import { type TickMetrics, tickMetrics } from '../operators/tick-metrics.js';

/** Options of {@link detectSupervisorMoves}. */
export interface AlertDetectionOptions {
  /** Timers of the feed-down alerts. */
  readonly scheduler: SchedulerLike;
  /**
   * Receives every tick's metrics (the status page shows them). When given, the
   * rules run on these shared metrics (`tickMetrics`, `priceRules`,
   * `dedupeMoves`); without it, the fused `detectMoves` does one pass per tick.
   */
  readonly onMetrics?: (metrics: TickMetrics) => void;
  /** Dedupe levels to resume from (see `restoredDedupeLevels`). Default: every key armed. */
  readonly restored?: readonly DedupeLevel[];
  /** Divergence episodes to resume from (see `restoredFromJournal`). Default: none in force. */
  readonly restoredDivergences?: readonly DivergenceAlert[];
  /** The silences in force, the whole set per emission (the runtime store's). Default: `alerts.silences`. */
  readonly silences$?: Observable<readonly Silence[]>;
  /**
   * The running config, `config` first, then each reloaded one: thresholds,
   * hysteresis, per-exchange and per-symbol rules and quiet hours (`deliver: drop`) apply from the next tick,
   * keeping every window and dedupe level; a removed symbol's state is dropped.
   * Default: `config`, fixed.
   */
  readonly config$?: Observable<Config>;
}

/** `quietHoursDrops` with the quiet hours of the latest config (`deliver: drop` only). */
function followQuietHours(config$: Observable<Config>): MonoTypeOperatorFunction<JournalEntry> {
  return (entries$) =>
    entries$.pipe(
      withLatestFrom(config$),
      map(([entry, latest]) => {
        const quiet = latest.alerts.quiet_hours;
        return quiet?.deliver === 'drop' ? quietHoursDrop(entry, quiet) : entry;
      }),
    );
}

/** The rule changes of a running config: one {@link RulesUpdate} per reload (the first config is the operators' own). */
export function rulesUpdates(config$: Observable<Config>): Observable<RulesUpdate> {
  return config$.pipe(
    pairwise(),
    map(([before, after]) => {
      const removed = configDiff(before, after).exchanges.flatMap(({ exchange, removed: symbols }) => symbols.map((symbol) => ({ exchange, symbol })));
      const { thresholds, hysteresis, level_hysteresis: levelHysteresis } = after.alerts;
      return { thresholds, overrides: after.exchanges, hysteresis, ...(levelHysteresis !== undefined ? { levelHysteresis } : {}), removed };
    }),
  );
}

/**
 * The supervisor's alert pipeline, the one place it is built (for `alerts$`,
 * `run()` and `replay()`): price rules and dedupe on the ticks, feed-down and
 * recovered alerts on the feed statuses, and (with `alerts.divergence`) the
 * cross-exchange divergences of the ticks and statuses, merged. Its output is what the
 * journal records: alerts, and the re-arms that let a restart resume the dedupe.
 *
 * 1. Emits each deduplicated price alert synchronously on the tick that raised
 *    it (carrying that tick's `receivedAt`), each re-arm (`kind: 'rearm'`) on the
 *    tick whose move fell below its re-arm line, and each feed alert when its timer fires;
 *    each divergence alert when its `min_duration_ms` timer fires, and its re-arm
 *    (see `divergenceAlerts`).
 * 2. Statuses are subscribed first: feeds report `connecting` as soon as their
 *    ticks are subscribed.
 * 3. An alert a silence holds carries `silencedBy` (see `silenceAlerts`), and so
 *    does a price alert in quiet hours with `deliver: drop`: journaled, never delivered.
 * 4. Completes when both inputs completed; errors with either.
 *
 * @example
 * detectSupervisorMoves(config, ticks$, statuses$, { scheduler: asyncScheduler }).subscribe((e) => console.log(e.kind, e.rule));
 * // Logs: price pct_24h
 */
export function detectSupervisorMoves(
  config: Config,
  ticks: Observable<Tick>,
  statuses: Observable<FeedStatus>,
  options: AlertDetectionOptions,
): Observable<JournalEntry> {
  const { thresholds, hysteresis, level_hysteresis: levelHysteresis } = config.alerts;
  // Per-exchange thresholds and per-symbol rules live in the exchanges' blocks.
  const overrides = config.exchanges;
  const { onMetrics } = options;
  const updates = options.config$ ? { updates$: rulesUpdates(options.config$) } : {};
  const dedupe = { hysteresis, levelHysteresis, overrides, ...(options.restored ? { restored: options.restored } : {}), ...updates };
  const moves = onMetrics
    ? ticks.pipe(tickMetrics(thresholds, { overrides, ...updates }), tap(onMetrics), priceRules(thresholds, { overrides, ...updates }), dedupeMoves(thresholds, dedupe))
    : ticks.pipe(detectMoves(thresholds, dedupe));
  const divergence = config.alerts.divergence;
  const divergences = divergence
    ? ticks.pipe(
        divergenceAlerts({
          groups: divergenceGroups(config.exchanges, divergence.pairs),
          pct: divergence.pct,
          minDurationMs: divergence.min_duration_ms,
          maxAgeMs: divergence.max_age_ms,
          hysteresis,
          statuses,
          scheduler: options.scheduler,
          ...(options.restoredDivergences ? { restored: options.restoredDivergences } : {}),
        }),
      )
    : EMPTY;
  return merge(statuses.pipe(feedDownAlerts(config.alerts.feed_down_after_ms, options.scheduler)), moves, divergences).pipe(
    silenceAlerts(options.silences$ ?? of(config.alerts.silences)),
    options.config$ ? followQuietHours(options.config$) : config.alerts.quiet_hours?.deliver === 'drop' ? quietHoursDrops(config.alerts.quiet_hours) : identity,
  );
}
