import { Subject } from 'rxjs';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../src/domain/config-types.js';
import type { Tick } from '../src/domain/tick.js';
import { detectAlerts } from '../src/operators/detect-alerts.js';
import { collectGarbage, timeNs } from './measure.js';
import { SyntheticTicks } from './synthetic-ticks.js';

/** Options of {@link measureSymbolScale}. */
export interface SymbolScaleOptions {
  /** Symbol counts to compare, smallest first. Default [10, 1000, 10000]. */
  readonly counts?: readonly number[];
  /** Timed ticks per run. Default 600 000. */
  readonly ticks?: number;
  /** Runs per count; the best one counts. Default 2. */
  readonly rounds?: number;
  /** Each symbol ticks this often, ms, whatever the count (as in the generated day). Default 86 400. */
  readonly everyMs?: number;
  readonly thresholds?: Thresholds;
}

/** What {@link measureSymbolScale} measured. */
export interface SymbolScaleResult {
  /** Nanoseconds per tick through `detectAlerts`, by symbol count (best of the rounds). */
  readonly nsPerTick: Readonly<Record<string, number>>;
  /** Cost per tick at the largest count over the smallest. */
  readonly ratio: number;
}

/**
 * Measurement 3: `detectAlerts`'s cost per tick at 10, 1000 and 10 000 symbols,
 * each symbol ticking at the same rate in every run, so only the number of
 * symbols (the state's size) changes. Each run starts from fresh state and first
 * feeds every symbol untimed for one short window and two ticks more: its
 * windows are allocated then, and full, so every count is timed in the steady
 * state a running service is in, each tick also expiring the oldest (with only
 * a few ticks each, the 10 000 symbols' windows were still filling in the timed
 * part while the 10 symbols' were full). The timed ticks are made on the fly, as a connector makes
 * them, and die young; making them alone is timed too and subtracted. The
 * rounds alternate the order of the counts; the best run of each count counts.
 *
 * @example
 * measureSymbolScale().ratio; // e.g. 3.4: a tick costs 3.4x as much at 10 000 symbols as at 10
 */
export function measureSymbolScale(options: SymbolScaleOptions = {}): SymbolScaleResult {
  const counts = options.counts ?? [10, 1000, 10_000];
  const ticks = options.ticks ?? 600_000;
  const rounds = options.rounds ?? 2;
  const everyMs = options.everyMs ?? 86_400;
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const best = new Map<number, number>();
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? counts : [...counts].reverse();
    for (const symbols of order) {
      const source = new SyntheticTicks({ symbols, everyMs });
      const ticks$ = new Subject<Tick>();
      let alerts = 0;
      const subscription = ticks$.pipe(detectAlerts(thresholds)).subscribe(() => (alerts += 1));
      const ticksToFill = Math.ceil(thresholds.window_short_ms / everyMs) + 2;
      const warmUp = Math.max(ticksToFill * symbols, 100_000);
      for (let i = 0; i < warmUp; i++) ticks$.next(source.next());
      collectGarbage();
      const withPipeline = timeNs(() => {
        for (let i = 0; i < ticks; i++) ticks$.next(source.next());
      });
      let sink = 0;
      const makingAlone = timeNs(() => {
        for (let i = 0; i < ticks; i++) sink += source.next().price;
      });
      subscription.unsubscribe();
      if (alerts > 0 || !(sink > 0)) throw new Error(`synthetic ticks raised ${alerts} alerts; expected none`);
      const perTick = (withPipeline - makingAlone) / ticks;
      best.set(symbols, Math.min(best.get(symbols) ?? Infinity, perTick));
    }
  }
  const nsPerTick = Object.fromEntries(counts.map((count) => [String(count), best.get(count)!]));
  return { nsPerTick, ratio: best.get(counts[counts.length - 1]!)! / best.get(counts[0]!)! };
}
