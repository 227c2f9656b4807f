import { Observable, type OperatorFunction, type SchedulerLike, type Subscription, asyncScheduler } from 'rxjs';
import type { FeedEvent } from '../domain/feed-status.js';
import type { Tick } from '../domain/tick.js';

/**
 * What {@link silentSymbols} watches: every tick (wrapped), every feed event,
 * and a feed's new symbol list after a config reload (`watch`).
 */
export type SymbolActivity =
  | { readonly type: 'tick'; readonly tick: Tick }
  | { readonly type: 'watch'; readonly exchange: string; readonly symbols: readonly string[] }
  | FeedEvent;

/** A symbol that stopped ticking while its feed was live, or that ticks again. */
export interface SymbolSilence {
  /** `silent`: no tick for the threshold while the feed was live; `resumed`: a tick came after a `silent`. */
  readonly type: 'silent' | 'resumed';
  readonly exchange: string;
  /** Canonical `BASE/QUOTE`. */
  readonly symbol: string;
  /**
   * Since when the symbol has been silent (ms): its last tick, or the moment
   * its feed became live if no tick came since.
   */
  readonly silentSinceTs: number;
  /** When this was noticed (ms). */
  readonly ts: number;
}

/** The symbols a feed was asked for, so one that never ticks (mistyped, delisted) is noticed too. */
export interface WatchedFeed {
  readonly exchange: string;
  readonly symbols: readonly string[];
}

/** One (exchange, symbol)'s silence clock. */
interface SymbolWatch {
  readonly symbol: string;
  /** Start of the current silence clock (ms): last tick, or when the feed became live. */
  quietFrom: number;
  silent: boolean;
  timer: Subscription | undefined;
}

/** One exchange: is it live, and its symbols' clocks. */
interface FeedWatch {
  live: boolean;
  readonly symbols: Map<string, SymbolWatch>;
}

/**
 * Reports a symbol that gets no tick for `afterMs` while its feed is live
 * (delisted, halted, mistyped), once per silence.
 *
 * 1. The clock of each symbol of `feeds` (and of any symbol that ticked)
 *    starts when its feed becomes `live` and restarts on each of its ticks;
 *    it only runs while the feed is `live` (a dead feed is `feedDownAlerts`'
 *    business, not a silent symbol).
 * 2. Emits `{ type: 'silent' }` once when the clock reaches `afterMs`; nothing
 *    more for that symbol until it ticks, even across reconnects.
 * 3. The first tick after a `silent` emits `{ type: 'resumed' }`.
 * 4. A `watch` activity replaces the symbols of its exchange (a config
 *    reload): a symbol no longer listed is forgotten (its timer cancelled, never
 *    reported), a new one gets a clock (running when the feed is live).
 * 5. Completes and errors with the source, cancelling its timers.
 *
 * Written by hand rather than as `groupBy` + `switchMap(timer)` because that
 * would schedule and cancel a timer on every tick: here a tick only stores
 * its time, and a symbol's single timer re-arms itself for the remainder.
 *
 * @param afterMs how long a symbol may stay quiet on a live feed (`alerts.symbol_silent_after_ms`).
 * @param feeds the configured symbols per exchange.
 * @param scheduler the clock and timers; default `asyncScheduler`.
 *
 * @example
 * // binance is live from t=0 and ETH/USDT never ticks, threshold 600000
 * activity$.pipe(silentSymbols(600_000, [{ exchange: 'binance', symbols: ['ETH/USDT'] }]))
 *   .subscribe((s) => console.log(s.type, s.symbol, s.ts));
 * // Logs: silent ETH/USDT 600000
 * @see feedDownAlerts
 */
export function silentSymbols(
  afterMs: number,
  feeds: readonly WatchedFeed[] = [],
  scheduler: SchedulerLike = asyncScheduler,
): OperatorFunction<SymbolActivity, SymbolSilence> {
  return (activity$) =>
    new Observable<SymbolSilence>((subscriber) => {
      const watches = new Map<string, FeedWatch>();
      const feedWatch = (exchange: string): FeedWatch => {
        let feed = watches.get(exchange);
        if (feed === undefined) {
          feed = { live: false, symbols: new Map() };
          watches.set(exchange, feed);
        }
        return feed;
      };
      const symbolWatch = (feed: FeedWatch, symbol: string): SymbolWatch => {
        let watch = feed.symbols.get(symbol);
        if (watch === undefined) {
          watch = { symbol, quietFrom: scheduler.now(), silent: false, timer: undefined };
          feed.symbols.set(symbol, watch);
        }
        return watch;
      };
      for (const { exchange, symbols } of feeds) {
        const feed = feedWatch(exchange);
        for (const symbol of symbols) symbolWatch(feed, symbol);
      }

      const arm = (exchange: string, feed: FeedWatch, watch: SymbolWatch, delay: number): void => {
        watch.timer = scheduler.schedule(() => {
          watch.timer = undefined;
          if (!feed.live || watch.silent) return;
          const now = scheduler.now();
          const quietFor = now - watch.quietFrom;
          if (quietFor < afterMs) {
            arm(exchange, feed, watch, afterMs - quietFor);
            return;
          }
          watch.silent = true;
          subscriber.next({ type: 'silent', exchange, symbol: watch.symbol, silentSinceTs: watch.quietFrom, ts: now });
        }, delay);
      };
      const disarm = (watch: SymbolWatch): void => {
        watch.timer?.unsubscribe();
        watch.timer = undefined;
      };

      const subscription = activity$.subscribe({
        next(activity) {
          if (activity.type === 'tick') {
            const { exchange, symbol } = activity.tick;
            const feed = feedWatch(exchange);
            const watch = symbolWatch(feed, symbol);
            const now = scheduler.now();
            const wasSilent = watch.silent;
            const silentSince = watch.quietFrom;
            watch.quietFrom = now;
            watch.silent = false;
            if (feed.live && watch.timer === undefined) arm(exchange, feed, watch, afterMs);
            if (wasSilent) subscriber.next({ type: 'resumed', exchange, symbol, silentSinceTs: silentSince, ts: now });
            return;
          }
          if (activity.type === 'watch') {
            const feed = feedWatch(activity.exchange);
            const wanted = new Set(activity.symbols);
            for (const [symbol, watch] of feed.symbols) {
              if (wanted.has(symbol)) continue;
              disarm(watch);
              feed.symbols.delete(symbol);
            }
            for (const symbol of activity.symbols) {
              if (feed.symbols.has(symbol)) continue;
              const watch = symbolWatch(feed, symbol);
              if (feed.live) arm(activity.exchange, feed, watch, afterMs);
            }
            return;
          }
          if (activity.type !== 'status') return;
          const { exchange, state } = activity.status;
          const feed = feedWatch(exchange);
          const live = state === 'live';
          if (live === feed.live) return;
          feed.live = live;
          const now = scheduler.now();
          for (const watch of feed.symbols.values()) {
            disarm(watch);
            if (live && !watch.silent) {
              watch.quietFrom = now;
              arm(exchange, feed, watch, afterMs);
            }
          }
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        subscription.unsubscribe();
        for (const feed of watches.values()) for (const watch of feed.symbols.values()) disarm(watch);
      };
    });
}
