import { filter, map, Observable, type OperatorFunction } from 'rxjs';
import type { RuleOverrides, Thresholds } from '../domain/config-types.js';
import type { Tick } from '../domain/tick.js';
import { type RulesUpdate, subscribeUpdates } from './rules-update.js';
import { type SymbolTrack, TickMeter } from './tick-meter.js';

/**
 * What one tick means over both windows: the 24 h change and the short-window
 * move of its (exchange, symbol), each with the coverage it was measured on.
 * This is also what the status page shows per (exchange, symbol).
 */
export interface TickMetrics {
  /** Exchange event time of the tick (ms). */
  readonly ts: number;
  readonly exchange: string;
  /** Canonical `BASE/QUOTE`. */
  readonly symbol: string;
  readonly price: number;
  /** Local receive time of the tick (ms), when the connector stamped it. */
  readonly receivedAt?: number;

  /** Signed fraction: price / reference24h - 1. */
  readonly change24h: number;
  /** The exchange's rolling 24 h open, or the oldest price in our own 24 h window. */
  readonly reference24h: number;
  /** When the reference was seen; undefined for the exchange's open. */
  readonly reference24hTs: number | undefined;
  readonly reference24hSource: 'open24h' | 'window';
  /** Fraction (0..1) of the 24 h window we had data for; 1 when the exchange's open is the reference. */
  readonly coverage24h: number;
  /** `window_24h_ms`. */
  readonly window24hMs: number;

  /** Signed fraction: price / the oldest price in the short window - 1 (for display). */
  readonly changeShort: number;
  /** Lowest price in the short window. */
  readonly shortLow: number;
  /** When the lowest price was seen (the latest time, on a tie). */
  readonly shortLowTs: number;
  /** Highest price in the short window. */
  readonly shortHigh: number;
  /** When the highest price was seen (the latest time, on a tie). */
  readonly shortHighTs: number;
  /** The rise from the window's low: price / shortLow - 1 (>= 0). */
  readonly shortUp: number;
  /** The fall from the window's high: price / shortHigh - 1 (<= 0). */
  readonly shortDown: number;
  /** Fraction (0..1) of the short window we had data for. */
  readonly coverageShort: number;
  /** `window_short_ms`. */
  readonly windowShortMs: number;
}

/** Options of {@link tickMetrics}. */
export interface TickMetricsOptions {
  /** Buckets per window: memory per (symbol, window), and a window's start is exact to one bucket. Default 1000. */
  readonly buckets?: number;
  /** Per-exchange and per-symbol overrides: a symbol's own `window_short_ms` sizes its short window. Default none. */
  readonly overrides?: RuleOverrides;
  /** New rules while running (a config reload): windows are kept, except one whose length changed (see {@link RulesUpdate}). */
  readonly updates$?: Observable<RulesUpdate>;
}

/** Reads the metrics of a tick `meter` has just observed into `track`. */
export function readTickMetrics(meter: TickMeter, track: SymbolTrack, tick: Tick): TickMetrics {
  const { short } = track;
  const price = tick.price;
  return {
    ts: tick.ts,
    exchange: tick.exchange,
    symbol: tick.symbol,
    price,
    receivedAt: tick.receivedAt,
    change24h: price / meter.reference24h - 1,
    reference24h: meter.reference24h,
    reference24hTs: meter.reference24hTs,
    reference24hSource: meter.reference24hSource,
    coverage24h: meter.coverage24h,
    window24hMs: meter.dayMs,
    changeShort: price / short.oldest - 1,
    shortLow: short.min,
    shortLowTs: short.minTs,
    shortHigh: short.max,
    shortHighTs: short.maxTs,
    shortUp: price / short.min - 1,
    shortDown: price / short.max - 1,
    coverageShort: short.coverage,
    windowShortMs: short.windowMs,
  };
}

/**
 * Measures every tick over the 24 h and the short window of its (exchange, symbol).
 *
 * Time comes from each tick's own `ts`, never from a clock, so a replay gives the
 * same metrics as the live run did. State is per subscription and updated in
 * place: O(1) per tick, memory O(symbols x buckets).
 *
 * 1. Emits one {@link TickMetrics} per tick, synchronously.
 * 2. Drops, without a word, a tick whose price is not a positive finite number or whose
 *    `ts` is not a whole number of ms (connectors and the tick-file reader reject those with a WARN).
 * 3. Completes and errors with the source.
 *
 * `change24h`'s reference is the tick's `open24h` when `window_24h_ms` is exactly
 * 86 400 000 and the tick carries it; otherwise the oldest price in our own window.
 *
 * @example
 * of({ exchange: 'binance', symbol: 'BTC/USDT', price: 100, ts: 0 },
 *    { exchange: 'binance', symbol: 'BTC/USDT', price: 103, ts: 60_000 })
 *   .pipe(tickMetrics(DEFAULT_THRESHOLDS), map((m) => m.shortUp.toFixed(2)))
 *   .subscribe(console.log);
 * // Logs: 0.00, 0.03
 *
 * @see PriceWindow for what the windows assume between ticks.
 */
export function tickMetrics(thresholds: Thresholds, options: TickMetricsOptions = {}): OperatorFunction<Tick, TickMetrics> {
  const meterOptions = { buckets: options.buckets, overrides: options.overrides };
  new TickMeter(thresholds, meterOptions); // a bad window throws here, not on the first tick
  return (source) =>
    new Observable<TickMetrics>((subscriber) => {
      const meter = new TickMeter(thresholds, meterOptions);
      const subscription = subscribeUpdates(options.updates$, subscriber, (update) => meter.reconfigure(update.thresholds, update.overrides, update.removed));
      subscription.add(
        source
          .pipe(
            map((tick) => {
              const track = meter.observe(tick);
              return track === undefined ? undefined : readTickMetrics(meter, track, tick);
            }),
            filter((metrics): metrics is TickMetrics => metrics !== undefined),
          )
          .subscribe(subscriber),
      );
      return subscription;
    });
}
