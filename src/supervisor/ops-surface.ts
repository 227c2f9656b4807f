import {
  distinctUntilChanged, EMPTY, from, map, merge, mergeMap, type Observable, of, type SchedulerLike, share, skip, Subscription, switchMap, tap,
} from 'rxjs';
import type { Alert } from '../domain/alert.js';
import type { Config } from '../domain/config-types.js';
import type { FeedEvent } from '../domain/feed-status.js';
import type { Tick } from '../domain/tick.js';
import type { Logger } from '../log.js';
import { silentSymbols, type SymbolActivity } from '../operators/symbol-silence.js';
import { allFeedsLive } from '../ops/all-feeds-live.js';
import { heartbeatPings, type HeartbeatOptions } from '../ops/heartbeat-pings.js';
import type { ChannelEvent, MailView, SymbolView } from '../ops/ops-sources.js';
import { type OpsServer, type SilenceApi, startOpsServer } from '../ops/start-ops-server.js';
import type { ReloadOutcome, ReloadResult } from '../domain/reload-result.js';
import type { EnabledFeed } from './feed-sources.js';

/** What the ops part watches; every stream is hot and shared by `run()`. */
export interface OpsInputs {
  readonly feeds: readonly EnabledFeed[];
  /** The enabled feeds after each config reload (the current ones first). */
  readonly feeds$?: Observable<readonly EnabledFeed[]>;
  /** Every config reload's outcome (metrics). */
  readonly reloads$?: Observable<ReloadOutcome>;
  /** Feed events, each feed's latest status first for a late subscriber. */
  readonly feedEvents$: Observable<FeedEvent>;
  readonly ticks$: Observable<Tick>;
  readonly symbols$: Observable<SymbolView>;
  /** Journaled alerts. */
  readonly alerts$: Observable<Alert>;
  readonly deliveries$?: Observable<ChannelEvent>;
  readonly latencyMs$: Observable<number>;
  /** Emails a local mail catcher received (the demo). */
  readonly caughtMail$?: Observable<MailView>;
}

/** Options of {@link opsSurface}. */
export interface OpsSurfaceOptions {
  readonly logger: Logger;
  readonly scheduler: SchedulerLike;
  readonly now: () => number;
  /** `host:port` of the HTTP surface, when one is wanted. */
  readonly listen?: string;
  /** The runtime silences behind `/api/silences`. */
  readonly silences?: SilenceApi;
  /** HTTP client of the heartbeat pings (tests). */
  readonly heartbeatGet?: HeartbeatOptions['get'];
  /** Reads the config file again and applies it: `POST /-/reload`. */
  readonly reload?: () => Promise<ReloadResult>;
}

/** The running ops part of `run()`. */
export interface OpsSurface {
  /** Resolves once the HTTP surface listens (at once without one). */
  readonly ready: Promise<void>;
  readonly httpUrl: () => string | undefined;
  /** Stops the silence watch and the heartbeat, closes the HTTP surface. */
  close(): Promise<void>;
}

/**
 * The ops part of a running supervisor: silent-symbol warnings, the heartbeat
 * pings, and the HTTP surface (health, metrics, status page).
 *
 * Subscribes synchronously, so it must be called before the feeds can tick
 * (in the same synchronous block that subscribes them).
 *
 * @example
 * const ops = opsSurface(config, inputs, { logger, scheduler, now: Date.now, listen: '127.0.0.1:9464' });
 * await ops.ready; console.log(ops.httpUrl());
 * // Logs: http://127.0.0.1:9464
 */
export function opsSurface(config: Config, inputs: OpsInputs, options: OpsSurfaceOptions): OpsSurface {
  const { logger, scheduler } = options;
  const subscriptions = new Subscription();
  // A reload's feeds: their symbols are watched from then on (the first list is the one given to silentSymbols).
  const watches$: Observable<SymbolActivity> = (inputs.feeds$ ?? EMPTY).pipe(
    skip(1),
    mergeMap((feeds) => {
      const listed = new Set(feeds.map((feed) => feed.exchange));
      const gone = inputs.feeds.map((feed) => feed.exchange).filter((exchange) => !listed.has(exchange));
      return from([...feeds, ...gone.map((exchange) => ({ exchange, symbols: [] }))].map(({ exchange, symbols }) => ({ type: 'watch' as const, exchange, symbols })));
    }),
  );
  const silences = merge(inputs.feedEvents$, inputs.ticks$.pipe(map((tick) => ({ type: 'tick' as const, tick }))), watches$).pipe(
    silentSymbols(config.alerts.symbol_silent_after_ms, inputs.feeds, scheduler),
    tap((silence) => {
      const where = `${silence.exchange} ${silence.symbol}`;
      if (silence.type === 'silent') {
        const seconds = Math.round(config.alerts.symbol_silent_after_ms / 1000);
        logger.warn(`${where}: no tick for ${seconds} s while the feed is live (delisted, halted or mistyped?)`);
      } else logger.info(`${where}: ticking again`);
    }),
    share(),
  );

  let server: OpsServer | undefined;
  let ready: Promise<void> = Promise.resolve();
  if (options.listen) {
    ready = startOpsServer(
      options.listen,
      {
        feeds: inputs.feeds,
        feedEvents$: inputs.feedEvents$,
        symbols$: inputs.symbols$,
        alerts$: inputs.alerts$,
        silences$: silences,
        ...(inputs.deliveries$ ? { deliveries$: inputs.deliveries$ } : {}),
        latencyMs$: inputs.latencyMs$,
        ...(inputs.caughtMail$ ? { caughtMail$: inputs.caughtMail$ } : {}),
        ...(inputs.feeds$ ? { feeds$: inputs.feeds$ } : {}),
        ...(inputs.reloads$ ? { reloads$: inputs.reloads$ } : {}),
      },
      {
        logger: logger.child('http'), now: options.now, ...(options.silences ? { silences: options.silences } : {}),
        ...(options.reload ? { reload: options.reload } : {}),
      },
    ).then((started) => {
      server = started;
    });
  }

  if (config.ops.heartbeat_url) {
    // Every feed enabled now: an exchange a reload disabled (`stopped`) must not stop the pings.
    const allLive = (inputs.feeds$ ?? of(inputs.feeds)).pipe(
      switchMap((feeds) => inputs.feedEvents$.pipe(allFeedsLive(feeds.map((feed) => feed.exchange)))),
      distinctUntilChanged(),
    );
    subscriptions.add(
      heartbeatPings(config.ops.heartbeat_url, config.ops.heartbeat_every_ms, allLive, {
        logger: logger.child('heartbeat'),
        scheduler,
        ...(options.heartbeatGet ? { get: options.heartbeatGet } : {}),
      }).subscribe(),
    );
  }
  subscriptions.add(silences.subscribe());

  return {
    ready,
    httpUrl: () => server?.url,
    async close() {
      subscriptions.unsubscribe();
      await ready.catch(() => undefined);
      await server?.close();
    },
  };
}
