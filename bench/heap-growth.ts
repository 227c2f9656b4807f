import { Subject } from 'rxjs';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../src/domain/config-types.js';
import type { Tick } from '../src/domain/tick.js';
import { detectAlerts } from '../src/operators/detect-alerts.js';
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
 * [result.ratio, result.bytesPerSymbolWindow]; // e.g. [1.0, 53500]
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

  // No open24h: both windows of every symbol are kept, the most memory a symbol can take.
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
  return {
    symbols,
    before,
    afterFirst,
    afterTotal,
    ratio: afterTotal.total / afterFirst.total,
    stateRatio: (afterTotal.total - before.total) / (afterFirst.total - before.total),
    bytesPerSymbolWindow: (afterFirst.total - before.total) / (symbols * 2),
  };
}
