import type { Direction, PriceRule } from './alert.js';

/**
 * One key's dedupe level, as kept across a restart: the (exchange, symbol, rule,
 * direction) reached `level` (1 = alerted once, n = escalated to n x threshold)
 * at `ts` and had not re-armed since. Keys at level 0 (armed) are not listed.
 */
export interface DedupeLevel {
  readonly exchange: string;
  /** Canonical `BASE/QUOTE`. */
  readonly symbol: string;
  readonly rule: PriceRule;
  readonly direction: Direction;
  /** The level reached, an integer >= 1. */
  readonly level: number;
  /** When the level was set: the `ts` of the alert that raised it (exchange event time, ms). */
  readonly ts: number;
}
