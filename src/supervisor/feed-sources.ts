import { defer, distinctUntilChanged, filter, finalize, map, Observable, of, type SchedulerLike, share } from 'rxjs';
import { liveMarketTicks } from '../connectors/market-ticks.js';
import type { FeedOptions } from '../connectors/feed-options.js';
import type { Config } from '../domain/config-types.js';
import type { FeedEvent, FeedStatus } from '../domain/feed-status.js';
import type { Tick } from '../domain/tick.js';
import type { Logger } from '../log.js';

/** An enabled feed as configured: its exchange and symbols. */
export interface EnabledFeed {
  readonly exchange: string;
  readonly symbols: readonly string[];
}

/** Options of {@link feedSources}. */
export interface FeedSourcesOptions {
  readonly logger: Logger;
  readonly scheduler: SchedulerLike;
  /** Socket-level overrides (tests). */
  readonly feed?: Pick<FeedOptions, 'createSocket' | 'random' | 'limits' | 'openSocket'>;
  /**
   * The running config, the current one first (a `BehaviorSubject`): each
   * reload's exchanges are followed by the open feeds (see `liveMarketTicks`).
   * Default: `config`, fixed.
   */
  readonly config$?: Observable<Config>;
}

/** The feeds of one supervisor: one set of connections, however many consumers. */
export interface FeedSources {
  /** The enabled feeds at start, in config order. */
  readonly feeds: readonly EnabledFeed[];
  /** The enabled feeds, the current ones first, then after each reload that changed them. */
  readonly feeds$: Observable<readonly EnabledFeed[]>;
  /** Every enabled exchange's ticks, merged. Hot while subscribed: the first subscriber connects, the last one leaving closes. */
  readonly ticks$: Observable<Tick>;
  /**
   * The feeds' events (statuses, rejections, gaps). Subscribing holds the
   * connections open like `ticks$` does; a late subscriber first gets each
   * feed's latest status. Completes when the connections end.
   */
  readonly events$: Observable<FeedEvent>;
  /** The `status` events of `events$`, unwrapped. */
  readonly statuses$: Observable<FeedStatus>;
}

/** The enabled exchanges of a config and their symbols, in config order. */
const enabledFeeds = (config: Config): EnabledFeed[] =>
  Object.entries(config.exchanges)
    .filter(([, exchange]) => exchange.enabled)
    .map(([exchange, settings]) => ({ exchange, symbols: settings.symbols }));

/** The `status` events of a feed-event stream, unwrapped. */
export const statusesOf = (events: Observable<FeedEvent>): Observable<FeedStatus> =>
  events.pipe(
    filter((event): event is Extract<FeedEvent, { type: 'status' }> => event.type === 'status'),
    map((event) => event.status),
  );

/**
 * Opens the config's enabled feeds once for every consumer of a supervisor
 * (`ticks$`, `alerts$`, `feedStatus$`, `state$`, `run()`), so an embedding app
 * that subscribes to two streams does not double the connections (and the
 * exchanges' connection-rate limits hold per process).
 *
 * 1. The first subscription to `ticks$` or `events$` connects; later ones
 *    share the same sockets; when the last one unsubscribes, the sockets close,
 *    and the next subscription connects afresh.
 * 2. `events$` relays the events of the current connections; a subscriber that
 *    arrives while they are open first receives each feed's latest status.
 * 3. Both complete when the feeds complete, and error with them.
 *
 * @example
 * const sources = feedSources(config, { logger, scheduler: asyncScheduler });
 * sources.ticks$.subscribe(); sources.statuses$.subscribe((s) => console.log(s.state));
 * // Logs: connecting, then live   (one socket per exchange, not two)
 */
export function feedSources(config: Config, options: FeedSourcesOptions): FeedSources {
  const config$ = options.config$ ?? of(config);
  const feeds = enabledFeeds(config);
  const feeds$ = config$.pipe(
    map(enabledFeeds),
    distinctUntilChanged((a, b) => JSON.stringify(a) === JSON.stringify(b)),
  );
  const listeners = new Set<(event: FeedEvent) => void>();
  const latestStatus = new Map<string, FeedEvent>();

  const ticks$ = defer(() =>
    liveMarketTicks(config$.pipe(map((latest) => latest.exchanges)), {
      logger: options.logger.child('connectors'),
      scheduler: options.scheduler,
      events: {
        next(event) {
          if (event.type === 'status') latestStatus.set(event.status.exchange, event);
          for (const listener of [...listeners]) listener(event);
        },
      },
      ...options.feed,
    }),
  ).pipe(
    // A later connection starts from `connecting`, not from the last one's statuses.
    finalize(() => latestStatus.clear()),
    share(),
  );

  const events$ = new Observable<FeedEvent>((subscriber) => {
    for (const event of latestStatus.values()) subscriber.next(event);
    const listener = (event: FeedEvent) => subscriber.next(event);
    // Listening before connecting: a first subscription sees the synchronous `connecting` statuses.
    listeners.add(listener);
    const connection = ticks$.subscribe({ error: (error: unknown) => subscriber.error(error), complete: () => subscriber.complete() });
    return () => {
      listeners.delete(listener);
      connection.unsubscribe();
    };
  });

  return { feeds, feeds$, ticks$, events$, statuses$: statusesOf(events$) };
}
