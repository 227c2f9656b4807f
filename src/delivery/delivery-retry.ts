/** The backoff between delivery attempts of one batch of any channel. */
export interface DeliveryRetryConfig {
  /** Ceiling of the first delay, ms; the first retry waits between half of it and all of it. Default 2000. */
  readonly baseMs: number;
  /** Largest ceiling, ms: the delay stops doubling here. Default 300000 (5 min). */
  readonly maxMs: number;
}

/** First retry within 2 s, then doubling up to 5 min. */
export const DEFAULT_DELIVERY_RETRY: DeliveryRetryConfig = { baseMs: 2000, maxMs: 300_000 };

/**
 * How long to wait after failed attempt number `attempt` (1-based) before the
 * next one: exponential (`baseMs`, 2x, 4x, … capped at `maxMs`), with "equal
 * jitter" (a random point in the upper half) so that many supervisors behind
 * one relay do not retry in lockstep.
 *
 * 1. `random` is a source like `Math.random` (values in [0, 1)); inject a
 *    constant to make the schedule predictable.
 * 2. Always at least half the ceiling and below the ceiling; never above `maxMs`.
 *
 * @example
 * [1, 2, 3, 50].map((attempt) => deliveryRetryDelay(attempt, DEFAULT_DELIVERY_RETRY, () => 0));
 * // Logs: [ 1000, 2000, 4000, 150000 ]
 * @see deliverChannel, which waits this long (or longer, when the receiver asks) on its scheduler.
 */
export function deliveryRetryDelay(attempt: number, config: DeliveryRetryConfig, random: () => number): number {
  const ceiling = Math.min(config.maxMs, config.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * Math.min(Math.max(random(), 0), 1));
}
