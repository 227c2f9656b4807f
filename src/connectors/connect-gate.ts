import { asyncScheduler, type SchedulerLike } from 'rxjs';

/** Spaces connection attempts to one exchange, across all its connections. */
export interface ConnectGate {
  /** Books the next attempt slot and returns how long to wait for it, ms. */
  reserve(): number;
}

/**
 * A gate letting at most one connection attempt through per `minIntervalMs`,
 * so that a multi-connection start-up or several connections dropped at once
 * stay under the exchange's connection-rate limit (Binance: 300 per 5 minutes).
 *
 * @example
 * const gate = connectGate(1000);
 * [gate.reserve(), gate.reserve(), gate.reserve()]; // [0, 1000, 2000] when called at once
 */
export function connectGate(minIntervalMs: number, scheduler: SchedulerLike = asyncScheduler): ConnectGate {
  let nextSlot = -Infinity;
  return {
    reserve() {
      const now = scheduler.now();
      const slot = Math.max(now, nextSlot);
      nextSlot = slot + minIntervalMs;
      return slot - now;
    },
  };
}
