import { Subject } from 'rxjs';
import type { PriceAlert } from '../src/domain/alert.js';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../src/domain/config-types.js';
import type { Tick } from '../src/domain/tick.js';
import { detectAlerts } from '../src/operators/detect-alerts.js';
import { type AlertComparison, compareAlerts } from './compare-alerts.js';
import type { GeneratedMarket } from './generate-day.js';
import { Throughput, timeNs } from './measure.js';
import { naiveDetectAlerts } from './naive-reference.js';

/** What {@link measureTicksToAlerts} measured. */
export interface TicksToAlertsResult {
  /** Ticks of the measured day. */
  readonly ticks: number;
  /** `detectAlerts`, ticks per second. */
  readonly pipelinePerSecond: number;
  /** The naive reference, ticks per second. */
  readonly naivePerSecond: number;
  /** `pipelinePerSecond / naivePerSecond`. */
  readonly speedup: number;
  /** Ticks in one (exchange, symbol)'s 24 h window, as the naive reference holds them. */
  readonly ticksPerDayWindow: number;
  readonly pipelineAlerts: readonly PriceAlert[];
  /** The naive reference against the pipeline: same (exchange, symbol, rule, direction, level, ts) sequence. */
  readonly agreement: AlertComparison;
}

/** Periods per timed section: 50 000 ticks at 1000 symbols, so each side runs long enough to warm its caches. */
const PERIODS_PER_CHUNK = 25;

/**
 * Measurement 2: already-normalized ticks to alerts, `detectAlerts` against the
 * naive reference (`naiveDetectAlerts`: arrays of every tick per window), on the
 * generated day's ticks, with 24 h windows full from the start: the pipeline
 * first runs the day before (untimed), the naive reference gets it as history.
 * Each chunk of the day is timed on both, alternating which goes first.
 *
 * @example
 * const result = measureTicksToAlerts(generateDay());
 * [result.speedup, result.agreement.agree]; // e.g. [20.5, true]
 */
export function measureTicksToAlerts(market: GeneratedMarket, thresholds: Thresholds = DEFAULT_THRESHOLDS): TicksToAlertsResult {
  const { dayStartMs, dayMs } = market;
  const dayBefore = function* () {
    for (const chunk of market.ticks(dayStartMs - dayMs, dayStartMs, PERIODS_PER_CHUNK)) yield* chunk;
  };
  const pipelineAlerts: PriceAlert[] = [];
  const naiveAlerts: PriceAlert[] = [];
  const pipelineTicks$ = new Subject<Tick>();
  const naiveTicks$ = new Subject<Tick>();
  const subscriptions = [
    pipelineTicks$.pipe(detectAlerts(thresholds)).subscribe((alert) => pipelineAlerts.push(alert)),
    naiveTicks$.pipe(naiveDetectAlerts(thresholds, { history: dayBefore() })).subscribe((alert) => naiveAlerts.push(alert)),
  ];
  for (const tick of dayBefore()) pipelineTicks$.next(tick);
  if (pipelineAlerts.length > 0) throw new Error(`the day before the measured one raised ${pipelineAlerts.length} alerts; expected none`);

  const pipeline = new Throughput();
  const naive = new Throughput();
  let chunkIndex = 0;
  for (const chunk of market.ticks(dayStartMs, dayStartMs + dayMs, PERIODS_PER_CHUNK)) {
    const runPipeline = () => pipeline.add(chunk.length, timeNs(() => {
      for (let i = 0; i < chunk.length; i++) pipelineTicks$.next(chunk[i]!);
    }));
    const runNaive = () => naive.add(chunk.length, timeNs(() => {
      for (let i = 0; i < chunk.length; i++) naiveTicks$.next(chunk[i]!);
    }));
    if (chunkIndex++ % 2 === 0) {
      runPipeline();
      runNaive();
    } else {
      runNaive();
      runPipeline();
    }
  }
  for (const subscription of subscriptions) subscription.unsubscribe();
  return {
    ticks: pipeline.items,
    pipelinePerSecond: pipeline.perSecond,
    naivePerSecond: naive.perSecond,
    speedup: pipeline.perSecond / naive.perSecond,
    ticksPerDayWindow: Math.round(dayMs / market.tickEveryMs),
    pipelineAlerts,
    agreement: compareAlerts(pipelineAlerts, naiveAlerts),
  };
}
