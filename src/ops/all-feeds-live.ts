import { type OperatorFunction, defer, distinctUntilChanged, filter, map, startWith } from 'rxjs';
import type { FeedEvent } from '../domain/feed-status.js';

type StatusEvent = Extract<FeedEvent, { type: 'status' }>;

/**
 * Whether every enabled feed is `live` right now: the `allLive$` that
 * `heartbeatPings` needs.
 *
 * 1. Emits `false` at subscription (`true` when no feed is enabled), then
 *    the new value each time it changes.
 * 2. Exchanges not in `exchanges` are ignored; frame rejections and gaps too.
 * 3. Completes and errors with the source.
 *
 * @param exchanges the enabled feeds' exchanges.
 *
 * @example
 * feedEvents$.pipe(allFeedsLive(['binance', 'kraken'])).subscribe((live) => console.log(live));
 * // Logs: false, then true once both are live, false when one drops...
 */
export function allFeedsLive(exchanges: readonly string[]): OperatorFunction<FeedEvent, boolean> {
  return (events$) =>
    defer(() => {
      const live = new Set<string>();
      return events$.pipe(
        filter((event): event is StatusEvent => event.type === 'status'),
        map(({ status }) => {
          if (status.state === 'live') live.add(status.exchange);
          else live.delete(status.exchange);
          return exchanges.every((exchange) => live.has(exchange));
        }),
        startWith(exchanges.length === 0),
        distinctUntilChanged(),
      );
    });
}
