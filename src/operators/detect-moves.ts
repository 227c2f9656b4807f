import { Observable, type OperatorFunction } from 'rxjs';
import { DEFAULT_LEVEL_HYSTERESIS, type RuleOverrides, type Thresholds } from '../domain/config-types.js';
import type { DedupeLevel } from '../domain/dedupe-level.js';
import type { Tick } from '../domain/tick.js';
import { nextAlertLevel } from './alert-level.js';
import { checkAlertSettings } from './check-alert-settings.js';
import { nextPriceLevel } from './price-level.js';
import { moveRearmedOf, priceAlertOf, type PriceMove } from './price-move.js';
import { ruleCandidate } from './price-rules.js';
import { RestoredLevels } from './restored-levels.js';
import { initialLevels, MOVE_ROWS, READING, RULE_TABLE } from './rule-table.js';
import { levelsDiffer, type RulesUpdate, subscribeUpdates } from './rules-update.js';
import { type SymbolTrack, TickMeter } from './tick-meter.js';
import { readTickMetrics, type TickMetrics } from './tick-metrics.js';

/** Options of {@link detectMoves} (and `detectAlerts`). */
export interface DetectMovesOptions {
  /** A key re-arms when its move falls below threshold x (1 - hysteresis). Fraction 0..1, default 0.2. */
  readonly hysteresis?: number;
  /**
   * A crossed price level re-arms once the price is back past it by this
   * fraction of the level (`alerts.level_hysteresis`). Fraction 0..1, default 0.005.
   */
  readonly levelHysteresis?: number;
  /**
   * Per-exchange and per-symbol thresholds and price levels (`Config.exchanges`
   * is one): a symbol's own keys, else its exchange's `thresholds`, else
   * `thresholds`; resolved once per (exchange, symbol). Default: none.
   */
  readonly overrides?: RuleOverrides;
  /** Buckets per window: memory per (symbol, window), and a window's start is exact to one bucket. Default 1000. */
  readonly buckets?: number;
  /**
   * Dedupe levels to start from, e.g. rebuilt from the journal after a restart
   * (see `rebuildDedupeLevels`). A key starts at its restored level on its
   * (exchange, symbol)'s first tick, unless the level was set more than its
   * rule's window before that tick (stale: the key starts armed). Default: none.
   */
  readonly restored?: readonly DedupeLevel[];
  /**
   * New rules while running (a config reload), applied from the next tick
   * without clearing windows or dedupe levels (see {@link RulesUpdate}).
   * Subscribed before the ticks; a bad update errors the output with a RangeError.
   */
  readonly updates$?: Observable<RulesUpdate>;
}

/**
 * Ticks in, price alerts and re-arms out: the same {@link PriceMove}s as
 * `pipe(tickMetrics(thresholds), priceRules(thresholds), dedupeMoves(thresholds, options))`,
 * in one pass, for every row of the rules table (`RULE_TABLE`: `pct_24h` and
 * `pct_short` up and down, and `level_above` / `level_below` for a symbol with
 * price levels), each with the thresholds of its (exchange, symbol).
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
 * Price levels: a tick that takes the price up through one or more `above`
 * levels (down through `below` levels) raises one `level_above` (`level_below`)
 * alert naming the furthest level crossed; a level re-arms once the price is
 * back past it by `levelHysteresis` x the level. The first tick of a symbol only
 * notes which levels the price is already past: it did not cross them while we watched.
 *
 * 1. Emits a `PriceAlert` synchronously on the tick that crosses a threshold
 *    (level 1) or a further multiple of it (level n), or one or more price levels,
 *    per (exchange, symbol, rule, direction), carrying the `threshold` that fired;
 *    see `dedupeMoves` for re-arming.
 * 2. Emits a `MoveRearmed` synchronously on the tick whose move falls below the
 *    re-arm line of a key that had alerted, with the level it had reached (and
 *    `rearmedTo` when a level rule falls back part way).
 * 3. Drops a tick without a positive finite price or a finite `ts`.
 * 4. Completes and errors with the source; state lives per subscription, and each
 *    subscription starts from the restored levels.
 *
 * Hand-written (see DESIGN.md): this is the measured hot path. It uses the same
 * functions as the three operators, but keeps the alert levels next to the
 * windows (one key lookup per tick; the meter holds them as opaque consumer
 * state) and builds no object unless a level changes.
 *
 * @param thresholds `alerts.thresholds` as in the YAML (fractions, ms)
 * @throws RangeError for a bad window, bucket count, threshold, hysteresis, override or restored level
 *
 * @example
 * // BTC/USDT up 3 % within the hour, then back to where it started:
 * ticks$.pipe(detectMoves(DEFAULT_THRESHOLDS)).subscribe((m) => console.log(m.kind, m.rule, m.direction, m.level));
 * // Logs: price pct_short up 1, rearm pct_short up 1
 *
 * @see detectAlerts for the alerts alone; rebuildDedupeLevels for the restored levels.
 */
export function detectMoves(thresholds: Thresholds, options: DetectMovesOptions = {}): OperatorFunction<Tick, PriceMove> {
  const initialHysteresis = options.hysteresis ?? 0.2;
  const initialLevelHysteresis = options.levelHysteresis ?? DEFAULT_LEVEL_HYSTERESIS;
  const { overrides, buckets } = options;
  checkAlertSettings(thresholds, initialHysteresis, initialLevelHysteresis, overrides);
  new TickMeter(thresholds, { buckets, overrides }); // a bad window throws here, not on the first tick
  const restored = new RestoredLevels(options.restored ?? []);
  // The dedupe levels of a new (exchange, symbol), seeded from the restored ones: once per symbol, not per tick.
  // They live in the track (one state slot per row of the rules table), next to its windows.
  const initState = (track: SymbolTrack, tick: Tick): void => {
    const levels = initialLevels();
    if (!restored.empty) restored.seed(tick.exchange, tick.symbol, tick.ts, levels, track.rules.windows);
    for (let row = 0; row < levels.length; row++) track.setExtra(row, levels[row]!);
  };
  return (ticks) =>
    new Observable<PriceMove>((subscriber) => {
      const meter = new TickMeter(thresholds, { buckets, overrides, stateSlots: RULE_TABLE.length, initState });
      // The move rules' readings of the current tick, by READING index: written in place, never allocated per tick.
      const readings = new Float64Array(3);
      let hysteresis = initialHysteresis;
      let levelHysteresis = initialLevelHysteresis;
      const subscription = subscribeUpdates(options.updates$, subscriber, (update) => {
        const nextHysteresis = update.hysteresis ?? hysteresis;
        const nextLevelHysteresis = update.levelHysteresis ?? levelHysteresis;
        checkAlertSettings(update.thresholds, nextHysteresis, nextLevelHysteresis, update.overrides);
        meter.reconfigure(update.thresholds, update.overrides, update.removed, (track, before) => {
          // New price levels: the level rules start afresh (their next tick is silent).
          if (levelsDiffer(before.above, track.rules.above) || levelsDiffer(before.below, track.rules.below)) {
            const fresh = initialLevels();
            for (let row = MOVE_ROWS; row < fresh.length; row++) track.setExtra(row, fresh[row]!);
          }
        });
        hysteresis = nextHysteresis;
        levelHysteresis = nextLevelHysteresis;
      });
      subscription.add(ticks.subscribe({
        next(tick) {
          const track = meter.observe(tick);
          if (track === undefined) return;
          // The rules read three numbers; the full metrics object is built only when a level rises.
          const price = tick.price;
          readings[READING.change24h] = price / meter.reference24h - 1;
          readings[READING.shortUp] = price / track.min - 1;
          readings[READING.shortDown] = price / track.max - 1;
          const rules = track.rules;
          let metrics: TickMetrics | undefined;
          for (let row = 0; row < rules.rowCount; row++) {
            const spec = RULE_TABLE[row]!;
            const level = track.extra(row);
            let next: number;
            if (spec.kind === 'move') {
              const signed = spec.sign * readings[spec.reading]!;
              next = nextAlertLevel(level, signed > 0 ? signed : 0, rules.thresholds[row]!, hysteresis);
            } else {
              const up = spec.direction === 'up';
              next = nextPriceLevel(level, price, up ? rules.above : rules.below, levelHysteresis, up);
            }
            // State first: the emission below may re-enter.
            track.setExtra(row, next);
            if (next > level) {
              metrics ??= readTickMetrics(meter, track, tick);
              subscriber.next(priceAlertOf(ruleCandidate(metrics, row, rules), next, level));
            } else if (next < level) {
              subscriber.next(moveRearmedOf(tick.exchange, tick.symbol, row, tick.ts, level, next));
            }
          }
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }));
      return () => subscription.unsubscribe();
    });
}
