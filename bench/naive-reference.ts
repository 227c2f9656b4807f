import { Observable, type OperatorFunction } from 'rxjs';
import type { Direction, PriceAlert, PriceRule } from '../src/domain/alert.js';
import type { Thresholds } from '../src/domain/config-types.js';
import type { Tick } from '../src/domain/tick.js';

/** One price as the naive windows keep it. */
interface Seen {
  readonly price: number;
  readonly ts: number;
}

/** Everything the naive reference keeps per (exchange, symbol). */
interface NaiveTrack {
  /** Every tick of the last `window_24h_ms`, oldest first. */
  readonly day: Seen[];
  /** Every tick of the last `window_short_ms`, oldest first. */
  readonly short: Seen[];
  readonly firstTs: number;
  /** Alert level per (rule, direction), in the order alerts are raised for a tick. */
  readonly levels: number[];
}

/** What a naive window reads on each tick. */
interface WindowReading {
  readonly min: number;
  readonly minTs: number;
  readonly max: number;
  readonly maxTs: number;
  readonly oldest: number;
  readonly oldestTs: number;
  readonly coverage: number;
}

/** Options of {@link naiveDetectAlerts}. */
export interface NaiveOptions {
  /** A key re-arms when its move falls below threshold x (1 - hysteresis). Default 0.2. */
  readonly hysteresis?: number;
  /**
   * Ticks to put in the windows on subscription, before the first tick, without
   * reading them (no alert, no level change): the bench fills a day of windows
   * this way, since scanning them tick by tick would take a minute and measure
   * nothing new. Only right for a history that raises no alert.
   */
  readonly history?: Iterable<Tick>;
}

/** The (rule, direction) keys of a symbol, in the order the pipeline raises them for one tick. */
const KEYS: readonly { readonly rule: PriceRule; readonly direction: Direction }[] = [
  { rule: 'pct_24h', direction: 'up' },
  { rule: 'pct_24h', direction: 'down' },
  { rule: 'pct_short', direction: 'up' },
  { rule: 'pct_short', direction: 'down' },
];

// Float noise: 117 / 100 - 1 is 0.16999999999999993. Same tolerance as the pipeline's.
const EPSILON = 1e-9;

/** The exchange's rolling 24 h open is the reference only for a window of exactly 24 h. */
const EXCHANGE_OPEN_WINDOW_MS = 86_400_000;

/**
 * The hobby supervisor the bench measures `detectAlerts` against: each window an
 * array of every tick in it, trimmed from the front by time (`shift`) and
 * scanned in full on every tick for its min, max and oldest price. O(ticks in
 * the window) per tick, and memory grows with the tick rate.
 *
 * Same rules and the same dedupe as `detectAlerts`, written out independently:
 * - `pct_24h`: change = price / reference - 1, the reference being the tick's
 *   `open24h` when the 24 h window is exactly 86 400 000 ms and the tick has one,
 *   else the oldest tick in the 24 h array;
 * - `pct_short`: up = price / the window's low - 1, down = 1 - price / its high;
 * - per (exchange, symbol, rule, direction) a level: the move reaching n x threshold
 *   raises it to n (one alert per rise, never one per level skipped); it falls to 0
 *   (re-arms) below threshold x (1 - hysteresis) and holds in between.
 *
 * Where it differs from the pipeline (by design: this is the naive version): a
 * window is exactly `[t - window, t]` with no price held from before its start
 * and no buckets, and `blindFrom` is ignored (nothing is blind). On the bench's
 * generated day the moves are clear of those edges, so both raise the same
 * (exchange, symbol, rule, direction, level, ts) sequence (see `compareAlerts`).
 *
 * @example
 * of({ exchange: 'binance', symbol: 'BTC/USDT', price: 100, ts: 0 },
 *    { exchange: 'binance', symbol: 'BTC/USDT', price: 103, ts: 60_000 })
 *   .pipe(naiveDetectAlerts(DEFAULT_THRESHOLDS))
 *   .subscribe((a) => console.log(a.rule, a.direction, a.level));
 * // Logs: pct_short up 1
 */
export function naiveDetectAlerts(thresholds: Thresholds, options: NaiveOptions = {}): OperatorFunction<Tick, PriceAlert> {
  const hysteresis = options.hysteresis ?? 0.2;
  const dayMs = thresholds.window_24h_ms;
  const shortMs = thresholds.window_short_ms;
  const useExchangeOpen = dayMs === EXCHANGE_OPEN_WINDOW_MS;
  return (ticks) =>
    new Observable<PriceAlert>((subscriber) => {
      const tracks = new Map<string, NaiveTrack>();
      /** The tick's track, with the tick added to both windows; undefined for an unusable tick. */
      const remember = (tick: Tick): NaiveTrack | undefined => {
        const { price, ts } = tick;
        if (!(price > 0) || !Number.isFinite(price) || !Number.isFinite(ts)) return undefined;
        const key = `${tick.exchange}|${tick.symbol}`;
        let track = tracks.get(key);
        if (track === undefined) {
          track = { day: [], short: [], firstTs: ts, levels: [0, 0, 0, 0] };
          tracks.set(key, track);
        }
        track.day.push({ price, ts });
        track.short.push({ price, ts });
        return track;
      };
      for (const tick of options.history ?? []) {
        const track = remember(tick);
        if (track === undefined) continue;
        trim(track.day, tick.ts - dayMs);
        trim(track.short, tick.ts - shortMs);
      }
      const subscription = ticks.subscribe({
        next(tick) {
          const track = remember(tick);
          if (track === undefined) return;
          const { price, ts } = tick;
          const day = readWindow(track.day, ts, dayMs, track.firstTs);
          const short = readWindow(track.short, ts, shortMs, track.firstTs);

          const open = tick.open24h;
          const fromOpen = useExchangeOpen && open !== undefined && open > 0 && Number.isFinite(open);
          const reference24h = fromOpen ? open : day.oldest;
          const change24h = price / reference24h - 1;
          const shortUp = price / short.min - 1;
          const shortDown = price / short.max - 1;
          const readings = [
            { magnitude: Math.max(0, change24h), change: change24h, reference: reference24h, referenceTs: fromOpen ? undefined : day.oldestTs, threshold: thresholds.pct_24h, windowMs: dayMs, coverage: fromOpen ? 1 : day.coverage },
            { magnitude: Math.max(0, -change24h), change: change24h, reference: reference24h, referenceTs: fromOpen ? undefined : day.oldestTs, threshold: thresholds.pct_24h, windowMs: dayMs, coverage: fromOpen ? 1 : day.coverage },
            { magnitude: shortUp, change: shortUp, reference: short.min, referenceTs: short.minTs, threshold: thresholds.pct_short, windowMs: shortMs, coverage: short.coverage },
            { magnitude: -shortDown, change: shortDown, reference: short.max, referenceTs: short.maxTs, threshold: thresholds.pct_short, windowMs: shortMs, coverage: short.coverage },
          ];
          readings.forEach((reading, slot) => {
            const level = track.levels[slot]!;
            let next = level;
            if (reading.magnitude >= reading.threshold * (1 - EPSILON)) {
              next = Math.max(level, Math.floor(reading.magnitude / reading.threshold + EPSILON));
            } else if (reading.magnitude < reading.threshold * (1 - hysteresis) * (1 - EPSILON)) {
              next = 0;
            }
            track.levels[slot] = next;
            if (next <= level) return;
            const { rule, direction } = KEYS[slot]!;
            subscriber.next({
              kind: 'price', ts, exchange: tick.exchange, symbol: tick.symbol, rule, direction,
              change: reading.change, price, reference: reading.reference,
              ...(reading.referenceTs !== undefined && { referenceTs: reading.referenceTs }),
              windowMs: reading.windowMs, level: next, coverage: reading.coverage,
            });
          });
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => subscription.unsubscribe();
    });
}

/** Drops the ticks before `start` from the front of a window. */
function trim(window: Seen[], start: number): void {
  while (window.length > 0 && window[0]!.ts < start) window.shift();
}

/** Drops the ticks older than `windowMs` from the front, then scans the rest. */
function readWindow(window: Seen[], now: number, windowMs: number, firstTs: number): WindowReading {
  const start = now - windowMs;
  trim(window, start);
  let min = Number.POSITIVE_INFINITY;
  let minTs = Number.NaN;
  let max = Number.NEGATIVE_INFINITY;
  let maxTs = Number.NaN;
  for (const { price, ts } of window) {
    if (price <= min) {
      min = price;
      minTs = ts;
    }
    if (price >= max) {
      max = price;
      maxTs = ts;
    }
  }
  const oldest = window[0]!;
  const coverage = Math.min(1, (now - Math.max(start, firstTs)) / windowMs);
  return { min, minTs, max, maxTs, oldest: oldest.price, oldestTs: oldest.ts, coverage };
}
