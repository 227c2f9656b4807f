import { Subject } from 'rxjs';
import type { PriceAlert } from '../src/domain/alert.js';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../src/domain/config-types.js';
import type { Tick } from '../src/domain/tick.js';
import { detectAlerts } from '../src/operators/detect-alerts.js';
import { type AlertComparison, compareAlerts } from './compare-alerts.js';
import type { GeneratedMarket } from './generate-day.js';
import { collectGarbage, Throughput, timeNs } from './measure.js';
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
  /**
   * `detectAlerts` on the same ticks without `open24h`, ticks per second: the
   * pipeline then keeps and reads its own 24 h window, as for Kraken. The naive
   * reference scans its 24 h array either way, so its rate is the same.
   */
  readonly ownWindowPerSecond: number;
  /** `ownWindowPerSecond / naivePerSecond`: the speed-up over the 24 h window itself (the target). */
  readonly ownWindowSpeedup: number;
  /** Ticks in one (exchange, symbol)'s 24 h window, as the naive reference holds them. */
  readonly ticksPerDayWindow: number;
  readonly pipelineAlerts: readonly PriceAlert[];
  /** The naive reference against the pipeline: same (exchange, symbol, rule, direction, level, ts) sequence. */
  readonly agreement: AlertComparison;
}

/** Timed blocks per implementation: each runs a quarter of the day at a stretch, in turn with the other. */
const BLOCKS = 4;

/**
 * Measurement 2: already-normalized ticks to alerts, `detectAlerts` against the
 * naive reference (`naiveDetectAlerts`: arrays of every tick per window), on the
 * generated day's ticks, with 24 h windows full from the start: the pipeline
 * first runs the day before (untimed), the naive reference gets it as history.
 *
 * The day's ticks are made before the clock starts (so neither side pays for
 * making them, and nothing else runs between two ticks), then each quarter of
 * the day runs through one implementation at a stretch and then through the
 * other, alternating which goes first; the rates are totals over the day.
 *
 * @example
 * const result = measureTicksToAlerts(generateDay());
 * [result.speedup, result.agreement.agree]; // e.g. [15.2, true]
 */
export function measureTicksToAlerts(market: GeneratedMarket, thresholds: Thresholds = DEFAULT_THRESHOLDS): TicksToAlertsResult {
  const { dayStartMs, dayMs } = market;
  const dayBefore = function* () {
    for (const chunk of market.ticks(dayStartMs - dayMs, dayStartMs, 25)) yield* chunk;
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

  const day: Tick[] = [];
  for (const chunk of market.ticks(dayStartMs, dayStartMs + dayMs, 25)) for (const tick of chunk) day.push(tick);
  collectGarbage();
  const pipeline = new Throughput();
  const naive = new Throughput();
  const through = (ticks$: Subject<Tick>, from: number, to: number, ticks: readonly Tick[] = day) => () => {
    for (let i = from; i < to; i++) ticks$.next(ticks[i]!);
  };
  for (let block = 0; block < BLOCKS; block++) {
    const from = Math.floor((block * day.length) / BLOCKS);
    const to = Math.floor(((block + 1) * day.length) / BLOCKS);
    const runPipeline = () => pipeline.add(to - from, timeNs(through(pipelineTicks$, from, to)));
    const runNaive = () => naive.add(to - from, timeNs(through(naiveTicks$, from, to)));
    if (block % 2 === 0) {
      runPipeline();
      runNaive();
    } else {
      runNaive();
      runPipeline();
    }
  }
  for (const subscription of subscriptions) subscription.unsubscribe();

  // The same day through our own 24 h windows: strip open24h, warm up on the day before (untimed).
  const withoutOpen = (tick: Tick): Tick => {
    const { open24h: _open, ...rest } = tick;
    return rest;
  };
  const ownTicks$ = new Subject<Tick>();
  const ownSubscription = ownTicks$.pipe(detectAlerts(thresholds)).subscribe();
  for (const tick of dayBefore()) ownTicks$.next(withoutOpen(tick));
  const ownDay = day.map(withoutOpen);
  day.length = 0;
  collectGarbage();
  const ownWindow = new Throughput();
  ownWindow.add(ownDay.length, timeNs(through(ownTicks$, 0, ownDay.length, ownDay)));
  ownSubscription.unsubscribe();
  return {
    ticks: pipeline.items,
    pipelinePerSecond: pipeline.perSecond,
    naivePerSecond: naive.perSecond,
    speedup: pipeline.perSecond / naive.perSecond,
    ownWindowPerSecond: ownWindow.perSecond,
    ownWindowSpeedup: ownWindow.perSecond / naive.perSecond,
    ticksPerDayWindow: Math.round(dayMs / market.tickEveryMs),
    pipelineAlerts,
    agreement: compareAlerts(pipelineAlerts, naiveAlerts),
  };
}
