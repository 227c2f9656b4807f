import { defer, type OperatorFunction, scan } from 'rxjs';
import type { Tick } from '../domain/tick.js';

/**
 * The latest tick per (exchange, symbol): a small store updated in place, O(1)
 * per tick (no copy of the whole state per tick).
 */
export interface PriceState {
  /**
   * Records a tick as its (exchange, symbol)'s latest, unless the store already
   * holds a later one (an out-of-order tick never replaces a newer price; on equal
   * `ts` the later arrival wins).
   */
  update(tick: Tick): void;
  /** The latest tick of one (exchange, symbol), if any. */
  getLatest(exchange: string, symbol: string): Tick | undefined;
  /** A snapshot: a fresh array of every latest tick, by exchange then symbol in first-seen order. O(symbols). */
  getAll(): Tick[];
  /** How many (exchange, symbol) pairs have a price. */
  readonly size: number;
}

/**
 * Creates an empty {@link PriceState}.
 *
 * @example
 * const state = createPriceState();
 * state.update({ exchange: 'binance', symbol: 'BTC/USDT', price: 64000, ts: 2 });
 * state.update({ exchange: 'binance', symbol: 'BTC/USDT', price: 63000, ts: 1 }); // late: ignored
 * state.getLatest('binance', 'BTC/USDT')?.price;
 * // Logs: 64000
 */
export function createPriceState(): PriceState {
  const byExchange = new Map<string, Map<string, Tick>>();
  let size = 0;
  return {
    update(tick) {
      let bySymbol = byExchange.get(tick.exchange);
      if (bySymbol === undefined) {
        bySymbol = new Map();
        byExchange.set(tick.exchange, bySymbol);
      }
      const latest = bySymbol.get(tick.symbol);
      if (latest === undefined) size += 1;
      else if (tick.ts < latest.ts) return;
      bySymbol.set(tick.symbol, tick);
    },
    getLatest: (exchange, symbol) => byExchange.get(exchange)?.get(symbol),
    getAll() {
      const all: Tick[] = [];
      for (const bySymbol of byExchange.values()) for (const tick of bySymbol.values()) all.push(tick);
      return all;
    },
    get size() {
      return size;
    },
  };
}

/**
 * Folds the merged tick stream with `scan` into a {@link PriceState}.
 *
 * 1. Emits the store after each tick, synchronously. It is the same object every
 *    time, updated in place: do not hold on to it expecting a frozen snapshot; call
 *    `getAll()` for one (sample first, e.g. `auditTime(1000)`, as that is O(symbols)).
 * 2. Completes and errors with the source. Each subscription gets its own store.
 *
 * @example
 * ticks$.pipe(priceState(), auditTime(1000), map((state) => state.getAll()))
 *   .subscribe((latest) => render(latest));
 * // Logs: one array of latest ticks per second
 */
export function priceState(): OperatorFunction<Tick, PriceState> {
  return (ticks) =>
    defer(() =>
      ticks.pipe(
        scan((state, tick) => {
          state.update(tick);
          return state;
        }, createPriceState()),
      ),
    );
}
