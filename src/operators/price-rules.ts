import { Observable, type OperatorFunction } from 'rxjs';
import type { Direction, PriceRule } from '../domain/alert.js';
import type { RuleOverrides, Thresholds } from '../domain/config-types.js';
import { reachesThreshold } from './alert-level.js';
import { nextPriceLevel } from './price-level.js';
import { RULE_TABLE } from './rule-table.js';
import { type RulesUpdate, subscribeUpdates } from './rules-update.js';
import { resolveSymbolRules, type SymbolRuleSet } from './symbol-rule-set.js';
import type { TickMetrics } from './tick-metrics.js';

/**
 * One rule's reading on one tick, in one direction: how far the price has moved
 * that way. Readings below the threshold are emitted too, because re-arming a
 * key (see `dedupeAlerts`) needs to see the move fade.
 */
export interface AlertCandidate {
  /** Exchange event time of the tick (ms). */
  readonly ts: number;
  readonly exchange: string;
  readonly symbol: string;
  readonly price: number;
  /** Local receive time of the tick, when known. */
  readonly receivedAt?: number;
  readonly rule: PriceRule;
  readonly direction: Direction;
  /** Size of the move in `direction`, a fraction >= 0 (0 when the price moved the other way). */
  readonly magnitude: number;
  /** True when `magnitude` reaches the rule's threshold. */
  readonly hit: boolean;
  /** Signed fraction: price / reference - 1. */
  readonly change: number;
  /** The price the move is measured from: the 24 h reference, or the short window's low (up) or high (down). */
  readonly reference: number;
  /** When the reference was seen, when known. */
  readonly referenceTs: number | undefined;
  /** Length of the rule's window (ms). */
  readonly windowMs: number;
  /** Fraction (0..1) of the window the reading is based on (1 for a level rule). */
  readonly coverage: number;
  /**
   * The threshold this reading is judged against, resolved for its exchange and
   * symbol: a fraction for `pct_24h` / `pct_short`, the level named by
   * `reference` for a level rule. When absent (a hand-made reading), `dedupeMoves`
   * uses its own `thresholds`.
   */
  readonly threshold?: number;
  /** A level rule's levels, in the order the price crosses them (ascending for above, descending for below). */
  readonly levels?: ArrayLike<number>;
}

/**
 * The full reading of row `row` of {@link RULE_TABLE} for a tick, given the
 * symbol's resolved rules. A level row's reading names the furthest level the
 * price has reached (`magnitude` counts them), or the nearest level when none.
 */
export function ruleCandidate(m: TickMetrics, row: number, rules: SymbolRuleSet): AlertCandidate {
  const spec = RULE_TABLE[row]!;
  const { ts, exchange, symbol, price, receivedAt } = m;
  if (spec.kind === 'level') {
    const levels = spec.threshold === 'above' ? rules.above : rules.below;
    const reached = nextPriceLevel(Number.NaN, price, levels, 0, spec.direction === 'up');
    const reference = levels[reached > 0 ? reached - 1 : 0] ?? Number.NaN;
    return {
      ts, exchange, symbol, price, receivedAt, rule: spec.rule, direction: spec.direction,
      magnitude: reached, hit: reached > 0, change: price / reference - 1, reference, referenceTs: undefined,
      windowMs: 0, coverage: 1, threshold: reference, levels,
    };
  }
  const reading = spec.change === 'change24h' ? m.change24h : spec.change === 'shortUp' ? m.shortUp : m.shortDown;
  const signed = spec.sign * reading;
  const magnitude = signed > 0 ? signed : 0;
  const threshold = rules.thresholds[row]!;
  const day = spec.window === 'day';
  return {
    ts, exchange, symbol, price, receivedAt, rule: spec.rule, direction: spec.direction,
    magnitude,
    hit: reachesThreshold(magnitude, threshold),
    change: reading,
    reference: m[spec.reference as 'reference24h'],
    referenceTs: m[spec.referenceTs as 'reference24hTs'],
    windowMs: day ? m.window24hMs : m.windowShortMs,
    coverage: day ? m.coverage24h : m.coverageShort,
    threshold,
  };
}

/** Options of {@link priceRules}. */
export interface PriceRulesOptions {
  /** Per-exchange and per-symbol thresholds and levels (default none). */
  readonly overrides?: RuleOverrides;
  /** New rules while running (a config reload): each symbol's rules are resolved again at its next tick. */
  readonly updates$?: Observable<RulesUpdate>;
}

/**
 * Applies the price rules to each tick's metrics.
 *
 * - `pct_24h`: change = price / reference - 1; up when positive, down when negative.
 * - `pct_short`: up = price / the window's low - 1, down = price / the window's high - 1,
 *   so a 2 % rise from the low counts even when the window started higher.
 * - `level_above` / `level_below` (only for a symbol with levels): how many levels the price is past.
 *
 * Thresholds are resolved once per (exchange, symbol): its own, else its
 * exchange's, else `thresholds` (option `overrides`).
 *
 * 1. Emits one {@link AlertCandidate} per row of the rules table that applies to
 *    the symbol, synchronously, in table order: `pct_24h` up, `pct_24h` down,
 *    `pct_short` up, `pct_short` down, then `level_above` and `level_below` when the
 *    symbol has levels; `hit` says whether the magnitude reaches the rule's threshold.
 * 2. Completes and errors with the source.
 *
 * Hand-written rather than `mergeMap` to an array: an inner subscription per
 * tick would cost more than the rules themselves.
 *
 * @example
 * ticks$.pipe(tickMetrics(DEFAULT_THRESHOLDS), priceRules(DEFAULT_THRESHOLDS), filter((c) => c.hit))
 *   .subscribe((c) => console.log(c.rule, c.direction));
 * // Logs: pct_short up
 *
 * @see dedupeAlerts, which turns the readings into one alert per move.
 */
export function priceRules(thresholds: Thresholds, options: PriceRulesOptions = {}): OperatorFunction<TickMetrics, AlertCandidate> {
  return (source) =>
    new Observable<AlertCandidate>((subscriber) => {
      let { overrides } = options;
      let current = thresholds;
      const bySymbolByExchange = new Map<string, Map<string, SymbolRuleSet>>();
      // A cache of resolved rules, nothing more: a reload empties it.
      const subscription = subscribeUpdates(options.updates$, subscriber, (update) => {
        current = update.thresholds;
        overrides = update.overrides;
        bySymbolByExchange.clear();
      });
      subscription.add(source.subscribe({
        next(metrics) {
          let bySymbol = bySymbolByExchange.get(metrics.exchange);
          if (bySymbol === undefined) {
            bySymbol = new Map();
            bySymbolByExchange.set(metrics.exchange, bySymbol);
          }
          let rules = bySymbol.get(metrics.symbol);
          if (rules === undefined) {
            rules = resolveSymbolRules(current, overrides, metrics.exchange, metrics.symbol);
            bySymbol.set(metrics.symbol, rules);
          }
          for (let row = 0; row < rules.rowCount; row++) subscriber.next(ruleCandidate(metrics, row, rules));
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }));
      return () => subscription.unsubscribe();
    });
}
