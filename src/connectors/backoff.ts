/** The reconnect schedule of one connection, in milliseconds. */
export interface BackoffConfig {
  /** Nominal delay before the first retry (`reconnect_delay`), ms. */
  readonly initialMs: number;
  /** Cap of the doubling (`reconnect_max_delay`), ms. */
  readonly maxMs: number;
}

/**
 * The wait before the next reconnect attempt after `failures` failed attempts
 * in a row (0 for the first retry): the nominal delay `initialMs × 2^failures`
 * capped at `maxMs`, shortened by jitter to somewhere in [nominal / 2, nominal]
 * so that many clients dropped at once do not come back in step, while no wait
 * is ever less than half its nominal value.
 *
 * @example
 * backoffDelay(0, { initialMs: 5000, maxMs: 60_000 }, () => 1); // 5000
 * backoffDelay(3, { initialMs: 5000, maxMs: 60_000 }, () => 0); // 20000 (nominal 40000, halved)
 * backoffDelay(9, { initialMs: 5000, maxMs: 60_000 }, () => 1); // 60000 (capped)
 */
export function backoffDelay(failures: number, config: BackoffConfig, random: () => number = Math.random): number {
  const nominal = Math.min(config.initialMs * 2 ** Math.max(0, failures), config.maxMs);
  const jitter = Math.min(1, Math.max(0, random()));
  return nominal / 2 + (nominal / 2) * jitter;
}
