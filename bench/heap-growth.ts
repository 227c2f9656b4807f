import { Subject } from 'rxjs';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../src/domain/config-types.js';
import type { Tick } from '../src/domain/tick.js';
import { detectAlerts } from '../src/operators/detect-alerts.js';
import { RULE_TABLE } from '../src/operators/rule-table.js';
import { TickMeter } from '../src/operators/tick-meter.js';
import { SyntheticTicks } from './synthetic-ticks.js';

/** Options of {@link measureHeapGrowth}. */
export interface HeapGrowthOptions {
  /** Default 1000. */
  readonly symbols?: number;
  /** Ticks at the first reading. Default 1 000 000. */
  readonly first?: number;
  /** Ticks at the second reading. Default 10 000 000. */
  readonly total?: number;
  /**
   * Each symbol ticks this often, ms. Default 100 000: 1 M ticks over 1000 symbols span
   * 28 h (both windows full), 10 M span 11.6 days.
   */
  readonly everyMs?: number;
  readonly thresholds?: Thresholds;
}

/** Memory in use after a full GC, bytes. */
export interface HeapReading {
  /** V8's `heapUsed`: the JavaScript objects. */
  readonly heapUsed: number;
  /** `arrayBuffers`: typed-array storage, outside `heapUsed`, where the windows keep their numbers. */
  readonly arrayBuffers: number;
  /** Both: what the pipeline's state really costs. */
  readonly total: number;
}

/** What {@link measureHeapGrowth} measured. */
export interface HeapGrowthResult {
  readonly symbols: number;
  readonly before: HeapReading;
  readonly afterFirst: HeapReading;
  readonly afterTotal: HeapReading;
  /** Total memory after `total` ticks over total memory after `first` ticks. */
  readonly ratio: number;
  /** The same for the pipeline's state alone (growth since before the first tick). */
  readonly stateRatio: number;
  /** State after `first` ticks / (symbols x 2 windows), bytes. */
  readonly bytesPerSymbolWindow: number;
  /**
   * The most a (symbol, window) can take, bytes: windows only grow as their
   * buckets see prices, so this is measured apart, with every bucket of both
   * windows seen and one queue full (see `measureFullWindows`).
   */
  readonly bytesPerFullSymbolWindow: number;
}

type Gc = () => void;

/**
 * Measurement 4: memory after 1 M and after 10 M ticks over 1000 symbols through
 * `detectAlerts` (ticks made on the fly, never stored), each reading after a
 * forced full GC. Memory is `heapUsed` plus `arrayBuffers`: the windows keep
 * their numbers in typed arrays, whose storage V8 does not count in `heapUsed`.
 *
 * @throws Error when node was started without `--expose-gc` (`npm run bench` passes it)
 *
 * @example
 * const result = measureHeapGrowth();
 * [result.ratio, result.bytesPerSymbolWindow, result.bytesPerFullSymbolWindow]; // e.g. [1.0, 7000, 24300]
 */
export function measureHeapGrowth(options: HeapGrowthOptions = {}): HeapGrowthResult {
  const gc = (globalThis as { gc?: Gc }).gc;
  if (typeof gc !== 'function') throw new Error('memory needs a forced GC: run node with --expose-gc (npm run bench does)');
  const symbols = options.symbols ?? 1000;
  const first = options.first ?? 1_000_000;
  const total = options.total ?? 10_000_000;
  const read = (): HeapReading => {
    gc();
    gc();
    const { heapUsed, arrayBuffers } = process.memoryUsage();
    return { heapUsed, arrayBuffers, total: heapUsed + arrayBuffers };
  };

  // No open24h: both windows of every symbol are kept. (Each as big as this tick rate needs: the
  // most a window can take is measured apart, by `measureFullWindows`.)
  const source = new SyntheticTicks({ symbols, everyMs: options.everyMs ?? 100_000, open24h: false });
  const ticks$ = new Subject<Tick>();
  let alerts = 0;
  const subscription = ticks$.pipe(detectAlerts(options.thresholds ?? DEFAULT_THRESHOLDS)).subscribe(() => (alerts += 1));
  const before = read();
  for (let i = 0; i < first; i++) ticks$.next(source.next());
  const afterFirst = read();
  for (let i = first; i < total; i++) ticks$.next(source.next());
  const afterTotal = read();
  subscription.unsubscribe();
  if (alerts > 0) throw new Error(`synthetic ticks raised ${alerts} alerts; expected none`);
  const bytesPerFullSymbolWindow = measureFullWindows(read, options.thresholds ?? DEFAULT_THRESHOLDS);
  return {
    symbols,
    before,
    afterFirst,
    afterTotal,
    ratio: afterTotal.total / afterFirst.total,
    stateRatio: (afterTotal.total - before.total) / (afterFirst.total - before.total),
    bytesPerSymbolWindow: (afterFirst.total - before.total) / (symbols * 2),
    bytesPerFullSymbolWindow,
  };
}

/**
 * Memory per (symbol, window) when every window is as big as it gets: 100
 * symbols, each ticking once per short bucket for a day (every bucket of both
 * windows sees a price), its price rising all the time (its lows queue holds a
 * price per bucket). Through the `TickMeter` with the dedupe levels' slots, as
 * `detectAlerts` keeps them, but no rules: so steady a rise would alert.
 */
function measureFullWindows(read: () => HeapReading, thresholds: Thresholds, symbols = 100): number {
  const meter = new TickMeter(thresholds, { stateSlots: RULE_TABLE.length });
  const names = Array.from({ length: symbols }, (_, i) => `FULL${i}/USD`);
  const everyMs = thresholds.window_short_ms / 1000;
  const steps = Math.ceil(thresholds.window_24h_ms / everyMs) + 1;
  const before = read();
  for (let step = 0; step <= steps; step++) {
    for (const symbol of names) meter.observe({ exchange: 'kraken', symbol, price: 100 + step / 1000, ts: Math.round(step * everyMs) });
  }
  const after = read();
  // Still in use at the reading: the lowest price of the last window, seen a full window ago.
  const track = meter.observe({ exchange: 'kraken', symbol: names[0]!, price: 200, ts: Math.round((steps + 1) * everyMs) })!;
  if (!(track.min < 200)) throw new Error('full windows: the meter lost its windows before the reading');
  return (after.total - before.total) / (symbols * 2);
}
