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
  return connectGates().gate('', minIntervalMs, scheduler);
}

/** The connect gates of several exchanges: one per (exchange, clock). */
export interface ConnectGates {
  /**
   * The gate of `exchange` on `scheduler`'s clock. Every caller of one
   * exchange shares its booked slots; each spaces its own attempts by the
   * `minIntervalMs` it passes (the exchange's limit).
   */
  gate(exchange: string, minIntervalMs: number, scheduler: SchedulerLike): ConnectGate;
}

/**
 * A registry of connect gates keyed by exchange id (and clock, so that
 * virtual-time tests never share slots with the real clock): every feed of
 * one exchange that takes its gate from the same registry shares one
 * connection-rate budget.
 *
 * @example
 * const gates = connectGates();
 * const a = gates.gate('binance', 1000, asyncScheduler);
 * const b = gates.gate('binance', 1000, asyncScheduler); // another consumer, same budget
 * [a.reserve(), b.reserve()]; // [0, 1000]
 */
export function connectGates(): ConnectGates {
  const byClock = new WeakMap<SchedulerLike, Map<string, { lastSlot: number }>>();
  return {
    gate(exchange, minIntervalMs, scheduler) {
      let books = byClock.get(scheduler);
      if (!books) byClock.set(scheduler, (books = new Map()));
      let book = books.get(exchange);
      if (!book) books.set(exchange, (book = { lastSlot: -Infinity }));
      const booked = book;
      return {
        reserve() {
          const now = scheduler.now();
          const slot = Math.max(now, booked.lastSlot + minIntervalMs);
          booked.lastSlot = slot;
          return slot - now;
        },
      };
    },
  };
}

/**
 * The process-wide registry every feed uses unless `FeedOptions.connectGates`
 * says otherwise: two consumers, or two supervisors, in one process share each
 * exchange's connection-rate budget (Binance's 300 attempts per 5 minutes is
 * per IP, not per subscriber).
 */
export const processConnectGates: ConnectGates = connectGates();
