import type { Direction, PriceRule } from '../src/domain/alert.js';

/** What two alert lists are compared on: the alert's identity, not its measured numbers. */
export interface AlertIdentity {
  readonly exchange: string;
  readonly symbol: string;
  readonly rule: PriceRule;
  readonly direction: Direction;
  readonly level: number;
  /** Time of the tick that raised it; compared unless `ignoreTime`. */
  readonly ts?: number;
}

/** The outcome of {@link compareAlerts}. */
export interface AlertComparison {
  readonly agree: boolean;
  /** Alerts on each side. */
  readonly expected: number;
  readonly actual: number;
  /** The first difference, in words, when they do not agree. */
  readonly difference?: string;
}

/** Options of {@link compareAlerts}. */
export interface CompareOptions {
  /**
   * Compare as multisets of (exchange, symbol, rule, direction, level), ignoring
   * `ts` and order: for a plan of expected alerts, which knows no tick times.
   */
  readonly ignoreTime?: boolean;
}

/**
 * Whether two implementations raised the same alerts. "Agree" means the same
 * sequence of (exchange, symbol, rule, direction, level, ts): the same alert on the
 * same tick, in the same order. The measured numbers (`change`, `reference`,
 * `coverage`) are not compared: the naive reference's windows start exactly at
 * `t - window`, the pipeline's within one bucket of it with the price held at the start,
 * so a reference may differ by the noise of a tick while the alert is the same.
 *
 * @example
 * compareAlerts([{ exchange: 'binance', symbol: 'A/USDT', rule: 'pct_short', direction: 'up', level: 1, ts: 5 }], []);
 * // Logs: { agree: false, expected: 1, actual: 0, difference: 'alert 1: expected 5 binance A/USDT pct_short up 1, got nothing' }
 */
export function compareAlerts(expected: readonly AlertIdentity[], actual: readonly AlertIdentity[], options: CompareOptions = {}): AlertComparison {
  const key = (alert: AlertIdentity) =>
    `${options.ignoreTime ? '' : `${alert.ts} `}${alert.exchange} ${alert.symbol} ${alert.rule} ${alert.direction} ${alert.level}`;
  const left = expected.map(key);
  const right = actual.map(key);
  if (options.ignoreTime) {
    left.sort();
    right.sort();
  }
  const counts = { expected: left.length, actual: right.length };
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    if (left[i] !== right[i]) {
      return { agree: false, ...counts, difference: `alert ${i + 1}: expected ${left[i] ?? 'nothing'}, got ${right[i] ?? 'nothing'}` };
    }
  }
  return { agree: true, ...counts };
}
