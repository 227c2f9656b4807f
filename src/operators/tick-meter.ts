import type { RuleOverrides, Thresholds } from '../domain/config-types.js';
import type { Tick } from '../domain/tick.js';
import { PriceWindow } from './price-window.js';
import { WindowSlots } from './window-slots.js';
import { resolveSymbolRules, type SymbolRuleSet } from './symbol-rule-set.js';

/** The exchange's rolling 24 h open is only the right reference for a window of exactly 24 h. */
const EXCHANGE_OPEN_WINDOW_MS = 86_400_000;

/** Builds (and drops) a window of every configured length, so a bad one throws before any state changes. */
function checkWindows(thresholds: Thresholds, overrides: RuleOverrides | undefined, buckets: number): void {
  new PriceWindow(thresholds.window_24h_ms, buckets);
  new PriceWindow(thresholds.window_short_ms, buckets);
  for (const byExchange of Object.values(overrides ?? {})) {
    for (const rules of [byExchange?.thresholds, ...Object.values(byExchange?.symbol_rules ?? {})]) {
      if (rules?.window_short_ms !== undefined) new PriceWindow(rules.window_short_ms, buckets);
    }
  }
}

/**
 * Everything kept per (exchange, symbol): its short window (the track is that
 * window), its 24 h window, its resolved rules, and the consumer's numbers in
 * the short window's own slot. One object and one slot per symbol: with
 * thousands of cold symbols a tick then waits for as few memory reads, one
 * after another, as it can (a track object, a window object, its view and a
 * typed array of levels were four).
 */
export class SymbolTrack extends PriceWindow {
  /**
   * The `window_24h_ms` window, created by the symbol's first tick whose 24 h
   * reference is our own window. While the exchange's rolling open serves as the
   * reference (Binance, Coinbase) it is never needed: skipping it halves the work
   * and the memory per tick. Once created it is fed every tick; its coverage says
   * how much history it has.
   */
  day: PriceWindow | undefined;
  /** The symbol's rules, resolved when the track was created (and again at a reload, see {@link TickMeter.reconfigure}). */
  rules: SymbolRuleSet;

  /**
   * @param rules the symbol's rules: `windowShortMs` sizes the window
   * @param stateSlots the consumer's 64-bit numbers (read with `extra`, written with `setExtra`; NaN until written)
   * @param slots where the windows keep their numbers (the meter's, shared by all its windows)
   */
  constructor(rules: SymbolRuleSet, buckets: number, stateSlots: number, slots: WindowSlots) {
    super(rules.windowShortMs, buckets, { extraSlots: stateSlots, slots });
    this.day = undefined;
    this.rules = rules;
  }

  /** The `window_short_ms` window (this symbol's, see `SymbolRuleSet.windowShortMs`): the track itself. */
  get short(): PriceWindow {
    return this;
  }
}

/** Options of {@link TickMeter}. */
export interface TickMeterOptions {
  /** Buckets per window, 2..65536 (default 1000). */
  readonly buckets?: number;
  /** Per-exchange and per-symbol thresholds and levels (default none: `thresholds` everywhere). */
  readonly overrides?: RuleOverrides;
  /**
   * 64-bit numbers the consumer keeps per (exchange, symbol) in its track
   * (e.g. `detectMoves`' dedupe levels), 0..64: one key lookup per tick serves
   * both, and they share the cache lines the windows read. The meter never reads them. Default 0.
   */
  readonly stateSlots?: number;
  /**
   * Writes the consumer's numbers of a new track, given the tick that created it
   * (before the tick is added): where a consumer seeds restored dedupe levels at
   * no cost per tick. Default: none (they stay NaN).
   */
  readonly initState?: (track: SymbolTrack, tick: Tick) => void;
  /**
   * Where the meter's windows keep their numbers, packed side by side (see
   * `WindowSlots`); every window the meter drops gives its slot back. Default:
   * the meter's own.
   */
  readonly slots?: WindowSlots;
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
  private readonly slots: WindowSlots;
  /** `window_24h_ms`. */
  dayMs: number;
  private thresholds: Thresholds;
  private overrides: RuleOverrides | undefined;
  private readonly buckets: number;
  private useExchangeOpen: boolean;
  private readonly stateSlots: number;
  private readonly initState: ((track: SymbolTrack, tick: Tick) => void) | undefined;
  /**
   * The rules of each exchange's symbols that have none of their own, resolved once and
   * shared: with thousands of symbols a tick then reads thresholds already in the cache.
   */
  private readonly sharedRules = new Map<string, SymbolRuleSet>();

  /**
   * @param thresholds supplies `window_24h_ms` and the default `window_short_ms`
   * @throws RangeError when a window (an overridden one too) or the bucket count is not valid
   */
  constructor(thresholds: Thresholds, options: TickMeterOptions = {}) {
    this.thresholds = thresholds;
    this.overrides = options.overrides;
    this.stateSlots = options.stateSlots ?? 0;
    this.initState = options.initState;
    this.slots = options.slots ?? new WindowSlots();
    this.dayMs = thresholds.window_24h_ms;
    this.buckets = options.buckets ?? 1000;
    this.useExchangeOpen = this.dayMs === EXCHANGE_OPEN_WINDOW_MS;
    // Fail now rather than on the first tick.
    checkWindows(thresholds, this.overrides, this.buckets);
  }

  /**
   * New rules from the next tick (a config reload), keeping every track's
   * windows and consumer state: each track's rules are resolved again; a track
   * whose short window changed length is replaced by a new one (an empty short
   * window, the same 24 h window and consumer numbers), and a changed
   * `window_24h_ms` drops the 24 h windows (they are rebuilt from the next tick).
   * `onRules` sees each track, as it is from now on, with its rules before the
   * change. The tracks of `removed` are dropped.
   *
   * @throws RangeError when a window is not valid (nothing is changed then)
   */
  reconfigure(
    thresholds: Thresholds,
    overrides: RuleOverrides | undefined,
    removed: readonly { readonly exchange: string; readonly symbol: string }[] = [],
    onRules?: (track: SymbolTrack, before: SymbolRuleSet) => void,
  ): void {
    checkWindows(thresholds, overrides, this.buckets);
    const dayChanged = thresholds.window_24h_ms !== this.dayMs;
    this.thresholds = thresholds;
    this.overrides = overrides;
    this.sharedRules.clear();
    this.dayMs = thresholds.window_24h_ms;
    this.useExchangeOpen = this.dayMs === EXCHANGE_OPEN_WINDOW_MS;
    for (const { exchange, symbol } of removed) {
      const bySymbol = this.bySymbolByExchange.get(exchange);
      const track = bySymbol?.get(symbol);
      if (track === undefined) continue;
      bySymbol!.delete(symbol);
      track.day?.release();
      track.release();
    }
    for (const [exchange, bySymbol] of this.bySymbolByExchange) {
      for (const [symbol, existing] of bySymbol) {
        const before = existing.rules;
        const rules = this.rulesOf(exchange, symbol);
        let track = existing;
        if (rules.windowShortMs !== before.windowShortMs) {
          track = new SymbolTrack(rules, this.buckets, this.stateSlots, this.slots);
          track.day = existing.day;
          for (let slot = 0; slot < this.stateSlots; slot++) track.setExtra(slot, existing.extra(slot));
          bySymbol.set(symbol, track);
          existing.release();
        }
        track.rules = rules;
        if (dayChanged) {
          track.day?.release();
          track.day = undefined;
        }
        onRules?.(track, before);
      }
    }
  }

  /** A symbol's rules: its own when it has any, else its exchange's shared ones (never mutated). */
  private rulesOf(exchange: string, symbol: string): SymbolRuleSet {
    if (this.overrides?.[exchange]?.symbol_rules?.[symbol] !== undefined) return resolveSymbolRules(this.thresholds, this.overrides, exchange, symbol);
    let rules = this.sharedRules.get(exchange);
    if (rules === undefined) {
      rules = resolveSymbolRules(this.thresholds, this.overrides, exchange, symbol);
      this.sharedRules.set(exchange, rules);
    }
    return rules;
  }

  /**
   * Adds a tick to its symbol's windows and returns them, or `undefined` (state
   * untouched) when the price is not a positive finite number or `ts` is not a
   * whole number of ms (the windows keep times as integers; every connector and
   * the tick-file reader give whole ms).
   */
  observe(tick: Tick): SymbolTrack | undefined {
    const { price, ts } = tick;
    if (!(price > 0) || price === Number.POSITIVE_INFINITY || !Number.isSafeInteger(ts)) return undefined;
    let bySymbol = this.bySymbolByExchange.get(tick.exchange);
    if (bySymbol === undefined) {
      bySymbol = new Map();
      this.bySymbolByExchange.set(tick.exchange, bySymbol);
    }
    let track = bySymbol.get(tick.symbol);
    if (track === undefined) {
      track = new SymbolTrack(this.rulesOf(tick.exchange, tick.symbol), this.buckets, this.stateSlots, this.slots);
      this.initState?.(track, tick);
      bySymbol.set(tick.symbol, track);
    }
    track.add(price, ts, tick.blindFrom);

    const open = tick.open24h;
    if (this.useExchangeOpen && open !== undefined && open > 0 && open !== Number.POSITIVE_INFINITY) {
      track.day?.add(price, ts, tick.blindFrom);
      this.reference24h = open;
      this.reference24hTs = undefined;
      this.reference24hSource = 'open24h';
      this.coverage24h = 1;
    } else {
      // Only its oldest price and coverage are read: no extremes, a third of the memory.
      const day = (track.day ??= new PriceWindow(this.dayMs, this.buckets, { extremes: false, slots: this.slots }));
      day.add(price, ts, tick.blindFrom);
      this.reference24h = day.oldest;
      this.reference24hTs = day.oldestTs;
      this.reference24hSource = 'window';
      this.coverage24h = day.coverage;
    }
    return track;
  }
}
