import type { Tick } from '../src/domain/tick.js';
import { seededRandom } from './seeded-random.js';

/** Options of {@link SyntheticTicks}. */
export interface SyntheticTicksOptions {
  /** How many symbols the ticks cycle through. */
  readonly symbols: number;
  /** Each symbol ticks this often, ms. */
  readonly everyMs: number;
  /** Time of the first tick, epoch ms. Default 2024-06-01T00:00:00Z. */
  readonly startMs?: number;
  readonly seed?: number;
  /**
   * Whether ticks carry `open24h` (Binance, Coinbase: the 24 h rule needs no window of
   * its own) or not (Kraken: both windows are kept, the most memory). Default true.
   */
  readonly open24h?: boolean;
}

/**
 * An endless stream of Binance-like ticks made on the fly (nothing stored), for
 * the measurements that need more ticks than a day holds: `symbols` symbols in a
 * fixed round-robin, each ticking every `everyMs`, its price within 0.2 % of a
 * seeded level and its `open24h` at that level, so no rule ever fires.
 *
 * @example
 * const source = new SyntheticTicks({ symbols: 1000, everyMs: 86_400 });
 * const first = source.next(); // { exchange: 'binance', symbol: 'SYN00001/USDT', price: ..., ts: 1717200000000, open24h: ... }
 */
export class SyntheticTicks {
  private readonly names: string[];
  private readonly levels: Float64Array;
  private readonly random;
  private readonly stepMs: number;
  private readonly startMs: number;
  private count = 0;
  private readonly withOpen: boolean;

  constructor(options: SyntheticTicksOptions) {
    this.random = seededRandom(options.seed ?? 7);
    this.names = Array.from({ length: options.symbols }, (_, i) => `SYN${String(i + 1).padStart(5, '0')}/USDT`);
    this.levels = Float64Array.from(this.names, () => Math.exp(this.random.between(Math.log(0.05), Math.log(60_000))));
    this.stepMs = options.everyMs / options.symbols;
    this.startMs = options.startMs ?? Date.UTC(2024, 5, 1);
    this.withOpen = options.open24h ?? true;
  }

  /** The next tick, in time order. */
  next(): Tick {
    const n = this.count++;
    const index = n % this.names.length;
    const level = this.levels[index]!;
    const symbol = this.names[index]!;
    const price = level * (1 + 0.004 * (this.random.next() - 0.5));
    const ts = this.startMs + Math.floor(n * this.stepMs);
    // Object literals, not a spread: a spread copy is slower to make and to read, which
    // would be charged to the pipeline.
    return this.withOpen ? { exchange: 'binance', symbol, price, ts, open24h: level } : { exchange: 'binance', symbol, price, ts };
  }

  /** The next `n` ticks. */
  take(n: number): Tick[] {
    const ticks = new Array<Tick>(n);
    for (let i = 0; i < n; i++) ticks[i] = this.next();
    return ticks;
  }
}
