import type { Thresholds } from '../domain/config-types.js';
import type { Tick } from '../domain/tick.js';
import { PriceWindow } from './price-window.js';

/** The exchange's rolling 24 h open is only the right reference for a window of exactly 24 h. */
const EXCHANGE_OPEN_WINDOW_MS = 86_400_000;

/** Everything kept per (exchange, symbol). */
export interface SymbolTrack {
  /**
   * The `window_24h_ms` window, created by the symbol's first tick whose 24 h
   * reference is our own window. While the exchange's rolling open serves as the
   * reference (Binance, Coinbase) it is never needed: skipping it halves the work
   * and the memory per tick. Once created it is fed every tick; its coverage says
   * how much history it has.
   */
  day: PriceWindow | undefined;
  /** The `window_short_ms` window. */
  readonly short: PriceWindow;
  /**
   * Alert level per (rule, direction) slot (see `alertSlot`), for a consumer that
   * keeps its dedupe state here to save a second key lookup per tick.
   */
  readonly alertLevels: Float64Array;
}

/**
 * The state behind the metrics: both windows of every (exchange, symbol), found
 * by nested `Map`s (no string built per tick) and updated in place.
 *
 * After {@link TickMeter.observe} returned a track, the meter's `reference24h`,
 * `reference24hTs`, `reference24hSource` and `coverage24h` describe that tick's
 * 24 h reference: the exchange's rolling open when `window_24h_ms` is exactly
 * 86 400 000 and the tick carries `open24h` (coverage 1: the exchange saw the
 * whole day), else the oldest price in our own window.
 *
 * @example
 * const meter = new TickMeter(DEFAULT_THRESHOLDS);
 * meter.observe({ exchange: 'kraken', symbol: 'ETH/USD', price: 2000, ts: 0, open24h: 1900 });
 * [meter.reference24h, meter.reference24hSource];
 * // Logs: [1900, 'open24h']
 */
export class TickMeter {
  /** Reference of the last observed tick's 24 h change. */
  reference24h = Number.NaN;
  /** When that reference was seen; undefined for the exchange's open. */
  reference24hTs: number | undefined = undefined;
  /** Where that reference came from. */
  reference24hSource: 'open24h' | 'window' = 'window';
  /** Coverage of the last observed tick's 24 h change. */
  coverage24h = 0;

  private readonly bySymbolByExchange = new Map<string, Map<string, SymbolTrack>>();
  /** `window_24h_ms`. */
  readonly dayMs: number;
  private readonly shortMs: number;
  private readonly buckets: number;
  private readonly useExchangeOpen: boolean;
  private readonly onNewTrack: ((track: SymbolTrack, tick: Tick) => void) | undefined;

  /**
   * @param thresholds supplies `window_24h_ms` and `window_short_ms`
   * @param buckets buckets per window, 2..65536 (default 1000)
   * @param onNewTrack called with a new track and the tick that created it, before
   *   the tick is added: where a consumer seeds `alertLevels` (restored dedupe state)
   *   at no cost per tick
   * @throws RangeError when a window or the bucket count is not valid
   */
  constructor(thresholds: Thresholds, buckets = 1000, onNewTrack?: (track: SymbolTrack, tick: Tick) => void) {
    this.onNewTrack = onNewTrack;
    this.dayMs = thresholds.window_24h_ms;
    this.shortMs = thresholds.window_short_ms;
    this.buckets = buckets;
    this.useExchangeOpen = this.dayMs === EXCHANGE_OPEN_WINDOW_MS;
    // Fail now rather than on the first tick.
    new PriceWindow(this.dayMs, buckets);
    new PriceWindow(this.shortMs, buckets);
  }

  /**
   * Adds a tick to its symbol's windows and returns them, or `undefined` (state
   * untouched) when the price is not a positive finite number or `ts` is not finite.
   */
  observe(tick: Tick): SymbolTrack | undefined {
    const { price, ts } = tick;
    if (!(price > 0) || price === Number.POSITIVE_INFINITY || !Number.isFinite(ts)) return undefined;
    let bySymbol = this.bySymbolByExchange.get(tick.exchange);
    if (bySymbol === undefined) {
      bySymbol = new Map();
      this.bySymbolByExchange.set(tick.exchange, bySymbol);
    }
    let track = bySymbol.get(tick.symbol);
    if (track === undefined) {
      track = {
        day: undefined,
        short: new PriceWindow(this.shortMs, this.buckets),
        alertLevels: new Float64Array(4),
      };
      bySymbol.set(tick.symbol, track);
      this.onNewTrack?.(track, tick);
    }
    track.short.add(price, ts, tick.blindFrom);

    const open = tick.open24h;
    if (this.useExchangeOpen && open !== undefined && open > 0 && open !== Number.POSITIVE_INFINITY) {
      track.day?.add(price, ts, tick.blindFrom);
      this.reference24h = open;
      this.reference24hTs = undefined;
      this.reference24hSource = 'open24h';
      this.coverage24h = 1;
    } else {
      const day = (track.day ??= new PriceWindow(this.dayMs, this.buckets));
      day.add(price, ts, tick.blindFrom);
      this.reference24h = day.oldest;
      this.reference24hTs = day.oldestTs;
      this.reference24hSource = 'window';
      this.coverage24h = day.coverage;
    }
    return track;
  }
}
