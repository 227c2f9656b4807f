import { Subject } from 'rxjs';
import type { PriceAlert } from '../src/domain/alert.js';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../src/domain/config-types.js';
import type { Tick } from '../src/domain/tick.js';
import { detectAlerts } from '../src/operators/detect-alerts.js';
import { frameReader, tradeReader } from './frame-reader.js';
import type { ExpectedAlert, GeneratedMarket } from './generate-day.js';
import { Throughput, timeNs } from './measure.js';

/** What {@link measureFramesToAlerts} measured. */
export interface FramesToAlertsResult {
  /** Frames of the measured day. */
  readonly frames: number;
  /** Frames a connector rejected (0 for the generated day). */
  readonly rejected: number;
  /** Raw frames to alerts, frames per second. */
  readonly pipelinePerSecond: number;
  /** `JSON.parse` alone over the same frames, frames per second. */
  readonly jsonParsePerSecond: number;
  /** `pipelinePerSecond / jsonParsePerSecond`. */
  readonly ratio: number;
  /** The alerts of the measured day. */
  readonly alerts: readonly PriceAlert[];
  /** The same day's Coinbase tickers as Bitstamp trade events: one tick per frame, 24 h rule on our own windows. */
  readonly bitstamp: TradesToAlertsResult;
}

/** The Bitstamp part of {@link FramesToAlertsResult}. */
export interface TradesToAlertsResult {
  readonly frames: number;
  readonly rejected: number;
  /** Bitstamp trade frames to alerts, frames per second. */
  readonly pipelinePerSecond: number;
  /** `JSON.parse` alone over the same frames, frames per second. */
  readonly jsonParsePerSecond: number;
  readonly ratio: number;
  readonly alerts: readonly PriceAlert[];
}

/** The alerts the Bitstamp frames must raise: Coinbase's planned ones (same prices and times), on `bitstamp`. */
export function bitstampExpected(expected: readonly ExpectedAlert[]): ExpectedAlert[] {
  return expected.filter((alert) => alert.exchange === 'coinbase').map((alert) => ({ ...alert, exchange: 'bitstamp' }));
}

/** Periods (one ticker per symbol and exchange each) per timed section: 20 000 frames at 1000 symbols. */
const PERIODS_PER_CHUNK = 10;

/**
 * Measurement 1: the generated day's raw frames to alerts (connector `parse`:
 * JSON, validation, normalization; then `detectAlerts`: state, both windows,
 * both rules, dedupe), against `JSON.parse` alone over the same frames.
 *
 * The pipeline first sees the day before as ticks (untimed), so the measured day
 * runs on full 24 h windows, and the last periods of that day as frames, so the
 * parsers are compiled before the clock starts. Then each chunk of the day is
 * timed twice, `JSON.parse` alone and the pipeline, alternating which goes
 * first, and the rates are totals over all chunks.
 *
 * @example
 * const result = measureFramesToAlerts(generateDay());
 * result.ratio; // e.g. 0.45: the pipeline handles 0.45 frames per JSON.parse
 */
export function measureFramesToAlerts(market: GeneratedMarket, thresholds: Thresholds = DEFAULT_THRESHOLDS): FramesToAlertsResult {
  const { dayStartMs, dayMs, tickEveryMs } = market;
  const alerts: PriceAlert[] = [];
  const ticks$ = new Subject<Tick>();
  const subscription = ticks$.pipe(detectAlerts(thresholds)).subscribe((alert) => alerts.push(alert));
  const read = frameReader(market.symbols);
  const emit = (tick: Tick) => ticks$.next(tick);

  const warmFrames = PERIODS_PER_CHUNK * tickEveryMs;
  for (const chunk of market.ticks(dayStartMs - dayMs, dayStartMs - warmFrames, 25)) for (const tick of chunk) ticks$.next(tick);
  let sink = 0;
  for (const chunk of market.frames(dayStartMs - warmFrames, dayStartMs, PERIODS_PER_CHUNK)) {
    read(chunk, emit);
    for (const frame of chunk.frames) if (JSON.parse(frame) === null) sink += 1;
  }
  if (alerts.length > 0) throw new Error(`the day before the measured one raised ${alerts.length} alerts; expected none`);

  const pipeline = new Throughput();
  const json = new Throughput();
  let rejected = 0;
  let chunkIndex = 0;
  for (const chunk of market.frames(dayStartMs, dayStartMs + dayMs, PERIODS_PER_CHUNK)) {
    const { frames } = chunk;
    const parseAlone = () => json.add(frames.length, timeNs(() => {
      for (let i = 0; i < frames.length; i++) if (JSON.parse(frames[i]!) === null) sink += 1;
    }));
    const parseAndDetect = () => pipeline.add(frames.length, timeNs(() => {
      rejected += read(chunk, emit);
    }));
    if (chunkIndex++ % 2 === 0) {
      parseAlone();
      parseAndDetect();
    } else {
      parseAndDetect();
      parseAlone();
    }
  }
  subscription.unsubscribe();
  if (sink !== 0) throw new Error('a frame parsed to null');
  return {
    frames: pipeline.items,
    rejected,
    pipelinePerSecond: pipeline.perSecond,
    jsonParsePerSecond: json.perSecond,
    ratio: pipeline.perSecond / json.perSecond,
    alerts,
    bitstamp: measureTradesToAlerts(market, thresholds),
  };
}

/**
 * The same measure on Bitstamp-shaped frames (`trade` events, one tick each,
 * no 24 h open: both rules run on our own windows, as they do for Bitstamp
 * and Kraken). The day before fills the windows as ticks, untimed; then each
 * chunk of the day's trade frames is timed against `JSON.parse` alone, the
 * order alternating.
 */
function measureTradesToAlerts(market: GeneratedMarket, thresholds: Thresholds): TradesToAlertsResult {
  const { dayStartMs, dayMs, tickEveryMs } = market;
  const alerts: PriceAlert[] = [];
  const ticks$ = new Subject<Tick>();
  const subscription = ticks$.pipe(detectAlerts(thresholds)).subscribe((alert) => alerts.push(alert));
  const read = tradeReader(market.symbols[1]);
  const emit = (tick: Tick) => ticks$.next(tick);

  const warmFrames = PERIODS_PER_CHUNK * tickEveryMs;
  for (const chunk of market.ticks(dayStartMs - dayMs, dayStartMs - warmFrames, 25)) {
    for (const tick of chunk) if (tick.exchange === 'coinbase') ticks$.next({ exchange: 'bitstamp', symbol: tick.symbol, price: tick.price, ts: tick.ts });
  }
  let sink = 0;
  for (const frames of market.trades(dayStartMs - warmFrames, dayStartMs, PERIODS_PER_CHUNK)) {
    read(frames, emit);
    for (const frame of frames) if (JSON.parse(frame) === null) sink += 1;
  }
  if (alerts.length > 0) throw new Error(`the day before the measured one raised ${alerts.length} Bitstamp alerts; expected none`);

  const pipeline = new Throughput();
  const json = new Throughput();
  let rejected = 0;
  let chunkIndex = 0;
  for (const frames of market.trades(dayStartMs, dayStartMs + dayMs, PERIODS_PER_CHUNK)) {
    const parseAlone = () => json.add(frames.length, timeNs(() => {
      for (let i = 0; i < frames.length; i++) if (JSON.parse(frames[i]!) === null) sink += 1;
    }));
    const parseAndDetect = () => pipeline.add(frames.length, timeNs(() => {
      rejected += read(frames, emit);
    }));
    if (chunkIndex++ % 2 === 0) {
      parseAlone();
      parseAndDetect();
    } else {
      parseAndDetect();
      parseAlone();
    }
  }
  subscription.unsubscribe();
  if (sink !== 0) throw new Error('a frame parsed to null');
  return {
    frames: pipeline.items,
    rejected,
    pipelinePerSecond: pipeline.perSecond,
    jsonParsePerSecond: json.perSecond,
    ratio: pipeline.perSecond / json.perSecond,
    alerts,
  };
}
