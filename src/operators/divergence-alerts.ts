import { asyncScheduler, EMPTY, Observable, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import type { DivergenceAlert, DivergenceRearmed, DivergenceSide } from '../domain/alert.js';
import type { FeedStatus } from '../domain/feed-status.js';
import type { Tick } from '../domain/tick.js';
import type { DivergenceGroup } from './divergence-groups.js';

/** Options of {@link divergenceAlerts}. */
export interface DivergenceAlertsOptions {
  /** What to compare (see `divergenceGroups`): each group is one episode at a time. */
  readonly groups: readonly DivergenceGroup[];
  /** The spread (`high / low - 1`) that is a divergence (`alerts.divergence.pct`): 0.01 = 1 %, > 0. */
  readonly pct: number;
  /** The spread must stay above `pct` this long, continuously, before it alerts (ms, > 0). */
  readonly minDurationMs: number;
  /** A price takes part for this long after it arrived (ms, > 0, by the scheduler's clock); then it is stale. */
  readonly maxAgeMs: number;
  /** An alerted episode ends (re-arms) when the spread falls below `pct x (1 - hysteresis)` (`alerts.hysteresis`). Fraction 0..1, default 0.2. */
  readonly hysteresis?: number;
  /**
   * Every feed's status changes, all exchanges merged: a feed not `live`
   * removes its prices at once, and its ticks are ignored until it is live
   * again. Default: none (a feed with no status is trusted, as in a replay).
   */
  readonly statuses?: Observable<FeedStatus>;
  /**
   * Alerted episodes to resume (rebuilt from the journal after a restart, see
   * `rebuildDivergenceEpisodes`): the group starts as alerted, so an episode
   * still in force does not alert again. Groups no longer compared are ignored.
   */
  readonly restored?: readonly DivergenceAlert[];
  /** The clock (ages, durations) and the timers. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

type DivergenceEntry = DivergenceAlert | DivergenceRearmed;

interface MarketState {
  readonly exchange: string;
  readonly symbol: string;
  /** False until the first tick, and again once the feed went not live. */
  has: boolean;
  price: number;
  /** The tick's own time (exchange event time). */
  ts: number;
  /** When the tick arrived, by the scheduler: its age is measured from here. */
  seenAt: number;
  readonly groups: GroupState[];
}

interface Episode {
  /** Tick time the spread first exceeded `pct`. */
  readonly since: number;
  /** Scheduler time of the same instant; NaN for a restored episode. */
  readonly sinceAt: number;
  fired: boolean;
  /** False for a restored episode until its group's first measurement. */
  measured: boolean;
  high: Pick<DivergenceSide, 'exchange' | 'symbol'>;
  low: Pick<DivergenceSide, 'exchange' | 'symbol'>;
}

interface GroupState {
  readonly key: string;
  readonly markets: MarketState[];
  episode: Episode | undefined;
  wake: Subscription | undefined;
  wakeAt: number;
}

interface Measure {
  readonly high: MarketState;
  readonly low: MarketState;
  readonly spread: number;
}

const named = (m: MarketState) => ({ exchange: m.exchange, symbol: m.symbol });
const pick = (side: DivergenceSide) => ({ exchange: side.exchange, symbol: side.symbol });
const sideOf = (m: MarketState): DivergenceSide => ({ exchange: m.exchange, symbol: m.symbol, price: m.price, ts: m.ts });

function checkOptions(options: DivergenceAlertsOptions, hysteresis: number): void {
  const { pct, minDurationMs, maxAgeMs } = options;
  if (!(Number.isFinite(pct) && pct > 0)) throw new RangeError(`divergence pct must be a number > 0, got ${pct}`);
  for (const [name, ms] of [['minDurationMs', minDurationMs], ['maxAgeMs', maxAgeMs]] as const) {
    if (!(Number.isInteger(ms) && ms > 0)) throw new RangeError(`divergence ${name} must be a whole number of ms > 0, got ${ms}`);
  }
  if (!(hysteresis >= 0 && hysteresis < 1)) throw new RangeError(`hysteresis must be in [0, 1), got ${hysteresis}`);
}

/**
 * Cross-exchange divergence: the same symbol (or a configured pair) priced
 * more than `pct` apart on two exchanges, continuously for `minDurationMs`,
 * with fresh prices only. One alert per episode, and one re-arm when it ends.
 *
 * What is compared: in each group, the widest spread among its fresh prices,
 * the highest against the lowest (`high.price / low.price - 1`), so three
 * exchanges of which one is off give one alert naming that one and the
 * farthest other, not two. A price is fresh for `maxAgeMs` after it arrived
 * (the scheduler's clock, not the exchange's timestamps) and while its feed is
 * live: an outage is not a divergence.
 *
 * 1. An episode opens on the tick that takes the spread above `pct` (its
 *    `since`). Emits a `DivergenceAlert` when the spread has stayed above `pct`
 *    for `minDurationMs` (a scheduler timer: it fires even if no tick arrives
 *    then), naming both sides' prices at that moment, the spread and `since`.
 * 2. An episode not yet alerted is cancelled, silently, as soon as the spread
 *    is `pct` or less, or fewer than two fresh prices are left (a price aged
 *    past `maxAgeMs`, or a feed went not live: its prices go at once).
 * 3. An alerted episode emits a `DivergenceRearmed` when the spread falls
 *    below `pct x (1 - hysteresis)` (`reason: 'converged'`, with the spread),
 *    or when fewer than two fresh prices are left (`reason: 'stale'`); the
 *    next divergence of the group is a new episode. Between the re-arm line and
 *    `pct` it stays alerted, silent.
 * 4. A restored episode (option `restored`) is alerted from the start and
 *    waits for its group's first measurement: then it re-arms (converged) or
 *    holds as in 3; before it, missing prices do not end it (a start has none yet).
 * 5. Times in the entries are tick time: `since` is the opening tick's `ts`,
 *    an alert's `ts` is `since + minDurationMs`, a re-arm's `ts` the latest
 *    tick's `ts` plus the scheduler time since it arrived.
 * 6. Completes with the ticks (cancelling timers); errors with the ticks or
 *    `statuses`. State lives per subscription.
 *
 * O(markets in the tick's groups) per tick; ticks of symbols no group compares
 * cost one map lookup. Memory O(compared markets).
 *
 * @throws RangeError for a `pct`, duration, age or hysteresis out of range
 *
 * @example
 * // BTC/USDT at 100 on binance at t=0, at 102 on coinbase from t=10, pct 1 %, 30 ms (the first spec case):
 * ticks$.pipe(divergenceAlerts({ groups: divergenceGroups(exchanges, []), pct: 0.01, minDurationMs: 30, maxAgeMs: 100 }))
 *   .subscribe((e) => console.log(e.kind, e.ts, e.kind === 'divergence' ? (e.spread * 100).toFixed(2) : e.reason));
 * // Logs: divergence 40 2.00
 *
 * @see divergenceGroups for the groups; rebuildDivergenceEpisodes for `restored`.
 */
export function divergenceAlerts(options: DivergenceAlertsOptions): OperatorFunction<Tick, DivergenceEntry> {
  const hysteresis = options.hysteresis ?? 0.2;
  checkOptions(options, hysteresis);
  const { pct, minDurationMs, maxAgeMs, groups } = options;
  const rearmBelow = pct * (1 - hysteresis);
  const scheduler = options.scheduler ?? asyncScheduler;
  const statuses$ = options.statuses ?? EMPTY;
  const restored = new Map((options.restored ?? []).map((alert) => [alert.group, alert]));

  return (ticks$) =>
    new Observable<DivergenceEntry>((subscriber) => {
      // exchange -> symbol -> market; a market in several groups (its symbol's and a pair) is one price.
      const markets = new Map<string, Map<string, MarketState>>();
      const states: GroupState[] = groups.map((group) => {
        const state: GroupState = { key: group.key, markets: [], episode: undefined, wake: undefined, wakeAt: Infinity };
        for (const { exchange, symbol } of group.markets) {
          let bySymbol = markets.get(exchange);
          if (bySymbol === undefined) markets.set(exchange, (bySymbol = new Map()));
          let market = bySymbol.get(symbol);
          if (market === undefined) bySymbol.set(symbol, (market = { exchange, symbol, has: false, price: 0, ts: 0, seenAt: 0, groups: [] }));
          market.groups.push(state);
          state.markets.push(market);
        }
        const resumed = restored.get(group.key);
        if (resumed !== undefined) {
          state.episode = { since: resumed.since, sinceAt: NaN, fired: true, measured: false, high: pick(resumed.high), low: pick(resumed.low) };
        }
        return state;
      });
      const notLive = new Set<string>();
      /** Tick time minus scheduler time at the latest compared tick: turns the scheduler's clock into tick time. */
      let offset = 0;

      const measure = (group: GroupState, now: number): Measure | undefined => {
        let high: MarketState | undefined;
        let low: MarketState | undefined;
        for (const market of group.markets) {
          if (!market.has || now - market.seenAt >= maxAgeMs || notLive.has(market.exchange)) continue;
          if (high === undefined || market.price > high.price) high = market;
          if (low === undefined || market.price < low.price) low = market;
        }
        // One fresh price is no comparison (high and low are then the same market).
        if (high === undefined || low === undefined || high === low) return undefined;
        return { high, low, spread: high.price / low.price - 1 };
      };

      /** The next instant the group's state can change without a tick: the alert's due time or a price going stale. */
      const schedule = (group: GroupState, now: number): void => {
        const episode = group.episode;
        let at = Infinity;
        if (episode !== undefined && episode.measured) {
          if (!episode.fired) at = episode.sinceAt + minDurationMs;
          for (const market of group.markets) {
            if (market.has && !notLive.has(market.exchange)) at = Math.min(at, market.seenAt + maxAgeMs);
          }
        }
        // A wake already due no later is kept: it re-evaluates and schedules the next one (ticks only push expiries later).
        if (group.wake !== undefined && group.wakeAt <= at) return;
        group.wake?.unsubscribe();
        group.wake = undefined;
        group.wakeAt = at;
        if (at === Infinity) return;
        group.wake = scheduler.schedule(() => {
          group.wake = undefined;
          group.wakeAt = Infinity;
          step(group, scheduler.now());
        }, Math.max(0, at - now));
      };

      const step = (group: GroupState, now: number): void => {
        const measured = measure(group, now);
        const episode = group.episode;
        let out: DivergenceEntry | undefined;
        if (episode === undefined) {
          if (measured !== undefined && measured.spread > pct) {
            group.episode = { since: now + offset, sinceAt: now, fired: false, measured: true, high: named(measured.high), low: named(measured.low) };
          }
        } else if (!episode.fired) {
          if (measured === undefined || measured.spread <= pct) group.episode = undefined;
          else if (now - episode.sinceAt >= minDurationMs) {
            episode.fired = true;
            episode.high = named(measured.high);
            episode.low = named(measured.low);
            out = {
              kind: 'divergence',
              rule: 'divergence',
              ts: episode.since + (now - episode.sinceAt),
              group: group.key,
              high: sideOf(measured.high),
              low: sideOf(measured.low),
              spread: measured.spread,
              threshold: pct,
              since: episode.since,
            };
          }
        } else if (measured === undefined) {
          // A restored episode waits for its first measurement: at a start no price is fresh yet.
          if (episode.measured) {
            group.episode = undefined;
            out = { kind: 'rearm', rule: 'divergence', ts: now + offset, group: group.key, high: episode.high, low: episode.low, reason: 'stale' };
          }
        } else {
          episode.measured = true;
          if (measured.spread < rearmBelow) {
            group.episode = undefined;
            out = {
              kind: 'rearm', rule: 'divergence', ts: now + offset, group: group.key, high: episode.high, low: episode.low,
              reason: 'converged', spread: measured.spread,
            };
          }
        }
        // State first: the emission below may re-enter.
        schedule(group, now);
        if (out !== undefined) subscriber.next(out);
      };

      const watch = statuses$.subscribe({
        next(status) {
          if (status.state === 'live') {
            notLive.delete(status.exchange);
            return;
          }
          if (notLive.has(status.exchange)) return;
          notLive.add(status.exchange);
          const bySymbol = markets.get(status.exchange);
          if (bySymbol === undefined) return;
          const now = scheduler.now();
          for (const market of bySymbol.values()) {
            if (!market.has) continue;
            market.has = false;
            for (const group of market.groups) step(group, now);
          }
        },
        error: (error: unknown) => subscriber.error(error),
      });
      const subscription = ticks$.subscribe({
        next(tick) {
          const market = markets.get(tick.exchange)?.get(tick.symbol);
          if (market === undefined || notLive.has(tick.exchange)) return;
          if (!(tick.price > 0 && Number.isFinite(tick.price) && Number.isFinite(tick.ts))) return;
          const now = scheduler.now();
          offset = tick.ts - now;
          market.has = true;
          market.price = tick.price;
          market.ts = tick.ts;
          market.seenAt = now;
          for (const group of market.groups) step(group, now);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        watch.unsubscribe();
        subscription.unsubscribe();
        for (const group of states) group.wake?.unsubscribe();
      };
    });
}
