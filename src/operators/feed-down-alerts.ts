import {
  EMPTY,
  type Observable,
  type OperatorFunction,
  type SchedulerLike,
  asyncScheduler,
  defer,
  endWith,
  groupBy,
  map,
  mergeMap,
  of,
  switchMap,
  timer,
} from 'rxjs';
import type { FeedAlert } from '../domain/alert.js';
import type { FeedStatus } from '../domain/feed-status.js';

/** One exchange's current outage: since when it is blind, and whether `feed_down` went out. */
interface Outage {
  since: number | undefined;
  alerted: boolean;
}

/**
 * Raises one `feed_down` alert per outage of an exchange feed, and one
 * `feed_recovered` when that feed is live again, naming how long it was blind.
 *
 * The input is every feed's status changes (all exchanges merged); each
 * exchange is watched on its own.
 *
 * 1. A feed that has not been `live` for `feedDownAfterMs` emits
 *    `{ rule: 'feed_down', downSince, blindMs, reason }`. The clock starts when
 *    the feed leaves `live`, or at subscription for a feed that never came up.
 *    `degraded` (frames arrive but all are rejected) is an outage like the
 *    others. Further `connecting` / `backoff` / `stale` / `degraded` changes during the same outage
 *    emit nothing (one outage is one alert, however many reconnects it takes);
 *    `reason` is the latest state and error seen.
 * 2. The next `live` after a `feed_down` emits `feed_recovered` with
 *    `blindMs` = time from `downSince` to now. A feed back to `live` before the
 *    threshold emits nothing.
 * 3. `stopped` is a deliberate stop, not an outage: it cancels a pending
 *    `feed_down` (an outage already reported stays open until `live`).
 * 4. Completes when the source completes, cancelling pending timers; errors
 *    pass through.
 *
 * Times come from `scheduler.now()`, so the operator runs in virtual time.
 *
 * @param feedDownAfterMs how long a feed may be blind before it is reported (`alerts.feed_down_after_ms`).
 * @param scheduler the clock and timers; default `asyncScheduler`.
 *
 * @example
 * // binance goes to backoff at t=0 and is live again at t=150000, threshold 120000
 * statuses$.pipe(feedDownAlerts(120_000)).subscribe((a) => console.log(a.rule, a.blindMs));
 * // Logs: feed_down 120000
 * //       feed_recovered 150000
 * @see silentSymbols, the same watch one level down (a symbol on a live feed).
 */
export function feedDownAlerts(
  feedDownAfterMs: number,
  scheduler: SchedulerLike = asyncScheduler,
): OperatorFunction<FeedStatus, FeedAlert> {
  return (statuses$) =>
    defer(() => {
      const startedAt = scheduler.now();
      return statuses$.pipe(
        groupBy((status) => status.exchange),
        mergeMap((feed$) => watchOutages(feed$, feed$.key, startedAt, feedDownAfterMs, scheduler)),
      );
    });
}

/** The outage state machine of one exchange. */
function watchOutages(
  feed$: Observable<FeedStatus>,
  exchange: string,
  startedAt: number,
  feedDownAfterMs: number,
  scheduler: SchedulerLike,
): Observable<FeedAlert> {
  return defer(() => {
    // A feed that never came up has been blind since startup.
    const outage: Outage = { since: startedAt, alerted: false };
    return feed$.pipe(
      // switchMap would let a pending timer outlive the source; the end marker cancels it.
      endWith(undefined),
      switchMap((status): Observable<FeedAlert> => {
        if (status === undefined) return EMPTY;
        const now = scheduler.now();
        if (status.state === 'live') {
          const { since, alerted } = outage;
          outage.since = undefined;
          outage.alerted = false;
          if (!alerted || since === undefined) return EMPTY;
          return of({ kind: 'feed', rule: 'feed_recovered', exchange, ts: now, downSince: since, blindMs: now - since });
        }
        if (status.state === 'stopped') {
          if (!outage.alerted) outage.since = undefined;
          return EMPTY;
        }
        const since = outage.since ?? now;
        outage.since = since;
        if (outage.alerted) return EMPTY;
        const reason = describeStatus(status);
        return timer(Math.max(0, since + feedDownAfterMs - now), scheduler).pipe(
          map((): FeedAlert => {
            const ts = scheduler.now();
            outage.alerted = true;
            return { kind: 'feed', rule: 'feed_down', exchange, ts, downSince: since, blindMs: ts - since, reason };
          }),
        );
      }),
    );
  });
}

/** `backoff: connect ECONNREFUSED 127.0.0.1:9443`, or just the state. */
function describeStatus(status: FeedStatus): string {
  return status.reason ? `${status.state}: ${status.reason}` : status.state;
}
