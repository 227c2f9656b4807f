import { type Observable, Subscription } from 'rxjs';
import type { RuleOverrides, Thresholds } from '../domain/config-types.js';

/** One (exchange, symbol). */
export interface SymbolKey {
  readonly exchange: string;
  /** Canonical `BASE/QUOTE`. */
  readonly symbol: string;
}

/**
 * New rules for a running detection (a config reload), as the `updates$`
 * option of `detectMoves`, `tickMetrics`, `priceRules` and `dedupeMoves` takes
 * them. Applied from the next tick: every (exchange, symbol) keeps its windows
 * and dedupe levels, its thresholds are resolved again.
 *
 * - A symbol whose own `window_short_ms` changed starts a new short window (and
 *   a changed `window_24h_ms` new 24 h windows): a window of another length
 *   cannot be carried over.
 * - A symbol whose price levels (`above`, `below`) changed starts its level
 *   rules afresh: the next tick notes which levels the price is past, silently.
 * - A move rule keeps its dedupe level under a new threshold: the next tick
 *   re-arms it, escalates it, or leaves it, judged against the new threshold.
 */
export interface RulesUpdate {
  readonly thresholds: Thresholds;
  readonly overrides?: RuleOverrides;
  /** Default: unchanged. */
  readonly hysteresis?: number;
  /** Default: unchanged. */
  readonly levelHysteresis?: number;
  /** (exchange, symbol)s no longer watched: their windows and dedupe levels are dropped. */
  readonly removed?: readonly SymbolKey[];
}

/** True when two resolved level lists differ (a level rule then starts afresh). */
export function levelsDiffer(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return true;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return true;
  return false;
}

/**
 * Subscribes an operator's `updates$` for one subscription: `apply` runs on
 * each update; when it throws (a bad update) or `updates$` errors, the
 * operator's output errors. Its completion means nothing (the last rules stay).
 */
export function subscribeUpdates(
  updates$: Observable<RulesUpdate> | undefined,
  output: { error(error: unknown): void },
  apply: (update: RulesUpdate) => void,
): Subscription {
  if (updates$ === undefined) return new Subscription();
  return updates$.subscribe({
    next(update) {
      try {
        apply(update);
      } catch (error) {
        output.error(error);
      }
    },
    error: (error: unknown) => output.error(error),
  });
}
