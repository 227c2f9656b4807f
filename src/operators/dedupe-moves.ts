import { Observable, type OperatorFunction } from 'rxjs';
import { DEFAULT_LEVEL_HYSTERESIS, type RuleOverrides, type Thresholds } from '../domain/config-types.js';
import type { DedupeLevel } from '../domain/dedupe-level.js';
import { nextAlertLevel } from './alert-level.js';
import { checkAlertSettings } from './check-alert-settings.js';
import { nextPriceLevel } from './price-level.js';
import { moveRearmedOf, priceAlertOf, type PriceMove } from './price-move.js';
import type { AlertCandidate } from './price-rules.js';
import { RestoredLevels } from './restored-levels.js';
import { initialLevels, MOVE_ROWS, RULE_TABLE, ruleRow } from './rule-table.js';
import { levelsDiffer, type RulesUpdate, subscribeUpdates } from './rules-update.js';
import { resolveSymbolRules, type SymbolRuleSet } from './symbol-rule-set.js';

/** Options of {@link dedupeMoves}. */
export interface DedupeMovesOptions {
  /** A key re-arms when its move falls below threshold x (1 - hysteresis). Fraction 0..1, default 0.2. */
  readonly hysteresis?: number;
  /** A crossed price level re-arms once the price is back past it by this fraction of the level. Default 0.005. */
  readonly levelHysteresis?: number;
  /**
   * Per-exchange and per-symbol thresholds (see `detectMoves`): used for a reading
   * without its own `threshold`, and for the windows that make a restored level stale.
   */
  readonly overrides?: RuleOverrides;
  /**
   * Dedupe levels to start from, e.g. rebuilt from the journal after a restart
   * (see `rebuildDedupeLevels`). A key starts at its restored level on its
   * first reading, unless the level was set more than its rule's window before
   * that reading (stale: the key starts armed). Default: none, every key armed.
   */
  readonly restored?: readonly DedupeLevel[];
  /**
   * New rules while running (a config reload), from the next reading: levels are
   * kept, thresholds resolved again, a removed (exchange, symbol) forgotten, and
   * a symbol whose price levels changed starts its level rules afresh (see {@link RulesUpdate}).
   */
  readonly updates$?: Observable<RulesUpdate>;
}

/**
 * One move = one alert, and one re-arm when the move is over: turns rule
 * readings into {@link PriceMove}s.
 *
 * Works like a `distinctUntilChanged` keyed by (exchange, symbol, rule, direction)
 * over the key's alert level (see `nextAlertLevel`): the level rises to 1 when the
 * move first reaches the threshold, to n when it reaches n x threshold, and falls
 * back to 0 (re-arms) only below threshold x (1 - hysteresis).
 *
 * A restored level (option `restored`) is the key's level before its first
 * reading, as if the process had never stopped: that reading re-arms the key if
 * its magnitude is already below the re-arm line, alerts if it reaches a higher
 * multiple of the threshold (an escalation), and is silent in between.
 *
 * 1. Emits a `PriceAlert` synchronously when a key's level rises: level 1 on the
 *    first crossing, level n on each further multiple (escalation). A first crossing
 *    that is already past 2x is one alert at its level, not one per level skipped.
 * 2. Emits a `MoveRearmed` synchronously when a key's level falls back to 0, with
 *    the level it had reached (a level rule may fall back part way: `rearmedTo`).
 *
 * Level rules (`level_above`, `level_below`) step with `nextPriceLevel` on the
 * reading's price and `levels` instead; their first reading per key is silent.
 * 3. Emits nothing while a price hovers between the re-arm line and the threshold.
 * 4. Completes and errors with the source. Levels live per subscription; each
 *    subscription starts from the restored levels.
 *
 * @param thresholds the rules' thresholds (fractions) and windows (ms)
 * @throws RangeError for a hysteresis outside [0, 1), a threshold that is not positive, or a bad restored level
 *
 * @example
 * // pct_24h up readings of 5.1 %, 4.5 %, 5.2 %, 10.3 %, 3 %, 5 % with a 5 % threshold:
 * candidates$.pipe(dedupeMoves(DEFAULT_THRESHOLDS)).subscribe((m) => console.log(m.kind, m.level));
 * // Logs: price 1, price 2, rearm 2, price 1
 *
 * @see dedupeAlerts for the alerts alone; detectMoves for the fused pipeline.
 */
export function dedupeMoves(thresholds: Thresholds, options: DedupeMovesOptions = {}): OperatorFunction<AlertCandidate, PriceMove> {
  const hysteresis = options.hysteresis ?? 0.2;
  const levelHysteresis = options.levelHysteresis ?? DEFAULT_LEVEL_HYSTERESIS;
  const { overrides } = options;
  checkAlertSettings(thresholds, hysteresis, levelHysteresis, overrides);
  const restored = new RestoredLevels(options.restored ?? []);
  return (source) =>
    new Observable<PriceMove>((subscriber) => {
      let current = thresholds;
      let currentOverrides = overrides;
      let currentHysteresis = hysteresis;
      let currentLevelHysteresis = levelHysteresis;
      // exchange -> symbol -> (level per row of RULE_TABLE, the symbol's rules); updated in place.
      const levels = new Map<string, Map<string, { readonly levels: Float64Array; rules: SymbolRuleSet }>>();
      const subscription = subscribeUpdates(options.updates$, subscriber, (update) => {
        const nextHysteresis = update.hysteresis ?? currentHysteresis;
        const nextLevelHysteresis = update.levelHysteresis ?? currentLevelHysteresis;
        checkAlertSettings(update.thresholds, nextHysteresis, nextLevelHysteresis, update.overrides);
        for (const { exchange, symbol } of update.removed ?? []) levels.get(exchange)?.delete(symbol);
        for (const [exchange, bySymbol] of levels) {
          for (const [symbol, state] of bySymbol) {
            const before = state.rules;
            state.rules = resolveSymbolRules(update.thresholds, update.overrides, exchange, symbol);
            if (levelsDiffer(before.above, state.rules.above) || levelsDiffer(before.below, state.rules.below)) {
              for (let row = MOVE_ROWS; row < RULE_TABLE.length; row++) state.levels[row] = Number.NaN;
            }
          }
        }
        current = update.thresholds;
        currentOverrides = update.overrides;
        currentHysteresis = nextHysteresis;
        currentLevelHysteresis = nextLevelHysteresis;
      });
      subscription.add(source.subscribe({
        next(candidate) {
          let bySymbol = levels.get(candidate.exchange);
          if (bySymbol === undefined) {
            bySymbol = new Map();
            levels.set(candidate.exchange, bySymbol);
          }
          let state = bySymbol.get(candidate.symbol);
          if (state === undefined) {
            const rules = resolveSymbolRules(current, currentOverrides, candidate.exchange, candidate.symbol);
            state = { levels: initialLevels(), rules };
            restored.seed(candidate.exchange, candidate.symbol, candidate.ts, state.levels, rules.windows);
            bySymbol.set(candidate.symbol, state);
          }
          const row = ruleRow(candidate.rule, candidate.direction);
          if (row < 0) return; // no such rule: nothing to dedupe
          const spec = RULE_TABLE[row]!;
          const level = state.levels[row]!;
          const threshold = candidate.threshold ?? state.rules.thresholds[row]!;
          const next =
            spec.kind === 'move'
              ? nextAlertLevel(level, candidate.magnitude, threshold, currentHysteresis)
              : nextPriceLevel(level, candidate.price, candidate.levels ?? [], currentLevelHysteresis, spec.direction === 'up');
          // State first: the emission below may re-enter.
          state.levels[row] = next;
          if (next > level) subscriber.next(priceAlertOf(candidate, next, level, threshold));
          else if (next < level) subscriber.next(moveRearmedOf(candidate.exchange, candidate.symbol, row, candidate.ts, level, next));
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }));
      return () => subscription.unsubscribe();
    });
}
