import { join } from 'node:path';
import {
  asyncScheduler,
  concat,
  defer,
  filter,
  finalize,
  from,
  identity,
  ignoreElements,
  lastValueFrom,
  map,
  merge,
  type MonoTypeOperatorFunction,
  type Observable,
  pipe,
  type SchedulerLike,
  share,
  Subject,
  Subscription,
  takeUntil,
  tap,
  VirtualTimeScheduler,
} from 'rxjs';
import { marketTicks } from './connectors/market-ticks.js';
import { symbolIssues } from './connectors/symbol-issues.js';
import type { ConfigIssue } from './config/config-issue.js';
import type { FeedOptions } from './connectors/feed-options.js';
import { summarizeConfig } from './config/summarize-config.js';
import { alertHeadline } from './domain/alert-text.js';
import type { Alert, PriceAlert } from './domain/alert.js';
import type { Config } from './domain/config-types.js';
import type { FeedEvent, FeedStatus } from './domain/feed-status.js';
import type { Tick } from './domain/tick.js';
import { type Logger, silentLogger } from './log.js';
import { dedupeAlerts } from './operators/dedupe-alerts.js';
import { detectAlerts } from './operators/detect-alerts.js';
import { feedDownAlerts } from './operators/feed-down-alerts.js';
import { type PriceState, priceState } from './operators/price-state.js';
import { priceRules } from './operators/price-rules.js';
import { silentSymbols } from './operators/symbol-silence.js';
import { type TickMetrics, tickMetrics } from './operators/tick-metrics.js';
import { allFeedsLive } from './ops/all-feeds-live.js';
import { heartbeatPings, type HeartbeatOptions } from './ops/heartbeat-pings.js';
import type { SymbolView } from './ops/ops-sources.js';
import { type OpsServer, startOpsServer } from './ops/start-ops-server.js';
import { recordTicks } from './replay/record-ticks.js';
import type { ReplayProgress } from './replay/replay-progress.js';
import { replayTicks } from './replay/replay-ticks.js';
import { type DeliveryReport, emailSink, type EmailSinkOptions } from './delivery/channels/email-sink.js';
import { journalSink } from './delivery/journal-sink.js';
import { errorMessage } from './domain/error-message.js';

/** What {@link createSupervisor} needs from the outside world; everything has a default. */
export interface SupervisorOptions {
  /** Where the service logs. Default: nothing is logged (library use). */
  readonly logger?: Logger;
  /** Timers of the feeds, feed-down alerts and email. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Wall clock for latency and the status page. Default `Date.now`. */
  readonly now?: () => number;
  /** Socket-level overrides for the feeds (tests: `createSocket`, `random`, `limits`). */
  readonly feed?: Pick<FeedOptions, 'createSocket' | 'random' | 'limits' | 'openSocket'>;
  /** `false` sends no email even when `alerts.email` is configured; an object overrides sink options. */
  readonly email?: false | Partial<Omit<EmailSinkOptions, 'stateDir'>>;
  /** Append every tick to this tick file (`--record`). */
  readonly record?: string;
  /** `host:port` for the HTTP surface; overrides `http.listen` (`--http`). */
  readonly http?: string;
  /** HTTP client of the heartbeat pings (tests). */
  readonly heartbeatGet?: HeartbeatOptions['get'];
}

/** A running service. */
export interface SupervisorHandle {
  /** Resolves once everything is listening (the HTTP surface); rejects when it cannot start. */
  readonly ready: Promise<void>;
  /** The HTTP surface's base URL, once `ready` resolved, when one is configured. */
  readonly httpUrl: () => string | undefined;
  /**
   * Stops the feeds, lets the journal and the email sink flush (at most about
   * 4 s), closes the HTTP surface. Resolves when everything is closed.
   */
  stop(): Promise<void>;
}

/** Options of {@link Supervisor.replay}. */
export interface ReplayRunOptions {
  /** Also send email (through the configured SMTP server, in real time). Default false. */
  readonly send?: boolean;
  /** Receives replay progress (lines, ticks, simulated time), e.g. for a progress bar. */
  readonly onProgress?: (progress: ReplayProgress) => void;
}

/** What a replay did. */
export interface ReplaySummary {
  readonly ticks: number;
  /** Malformed lines skipped. */
  readonly skipped: number;
  /** Alerts per rule, e.g. `{ pct_24h: 2, pct_short: 5 }`. */
  readonly alerts: Readonly<Record<string, number>>;
  /** First and last tick time (ms), when there were ticks. */
  readonly firstTs: number | undefined;
  readonly lastTs: number | undefined;
}

/** The service's streams and its runner. Every stream is cold: subscribing connects. */
export interface Supervisor {
  /** All enabled exchanges' ticks, merged. */
  readonly ticks$: Observable<Tick>;
  /** The latest tick per (exchange, symbol), updated in place on every tick. */
  readonly state$: Observable<PriceState>;
  /** Deduplicated price alerts and feed-down/recovered alerts. */
  readonly alerts$: Observable<Alert>;
  /** Every feed's status on every change (`connecting`, `live`, `stale`, `backoff`, `stopped`); runs the feeds. */
  readonly feedStatus$: Observable<FeedStatus>;
  /** Wires sources to sinks as `npm start` does: log, journal, email, HTTP, heartbeat. */
  run(): SupervisorHandle;
  /**
   * Runs the same pipeline (rules, dedupe, log, journal; email only with `send`)
   * over a recorded tick file in virtual time: a day of ticks takes seconds.
   * Resolves when the file is done and, with `send`, the emails are delivered or
   * left in the outbox.
   */
  replay(source: string | Iterable<Tick>, options?: ReplayRunOptions): Promise<ReplaySummary>;
}

const statusesOf = (events: Observable<FeedEvent>): Observable<FeedStatus> =>
  events.pipe(
    filter((event): event is Extract<FeedEvent, { type: 'status' }> => event.type === 'status'),
    map((event) => event.status),
  );

const symbolView = (m: TickMetrics, receivedAt: number | undefined): SymbolView => ({
  exchange: m.exchange,
  symbol: m.symbol,
  price: m.price,
  ts: m.ts,
  ...(receivedAt !== undefined ? { receivedAt } : {}),
  change24h: m.change24h,
  changeShort: m.changeShort,
  coverage24h: m.coverage24h,
  coverageShort: m.coverageShort,
});

/**
 * What a decoded config cannot do with the exchanges it names: a symbol an
 * exchange cannot carry (Kraken's `XBT/USD`, say). The CLI refuses such a config
 * with exit 2, as any other config error.
 */
export function exchangeConfigIssues(config: Config): ConfigIssue[] {
  return symbolIssues(config.exchanges);
}

/**
 * Creates the supervisor for a decoded config. Nothing connects until `run()`
 * or a subscription to one of its streams.
 *
 * @example
 * const supervisor = createSupervisor(await loadConfig('config/exchanges.yaml'));
 * supervisor.alerts$.subscribe((alert) => console.log(alert.kind, alert.exchange));
 * // Logs: price binance   (when BTC/USDT moves 5 % in 24 h on Binance)
 */
export function createSupervisor(config: Config, options: SupervisorOptions = {}): Supervisor {
  const logger = options.logger ?? silentLogger;
  const scheduler = options.scheduler ?? asyncScheduler;
  const now = options.now ?? Date.now;
  const { thresholds, hysteresis } = config.alerts;
  const feeds = Object.entries(config.exchanges)
    .filter(([, exchange]) => exchange.enabled)
    .map(([exchange, settings]) => ({ exchange, symbols: settings.symbols }));

  /** The enabled feeds' ticks (cold) and their side-channel events, which complete when the ticks end. */
  const openFeeds = () => {
    const events = new Subject<FeedEvent>();
    const ticks = marketTicks(config.exchanges, { logger: logger.child('connectors'), scheduler, events, ...options.feed }).pipe(
      finalize(() => events.complete()),
    );
    return { ticks, events };
  };

  /** Every alert is logged at INFO, then appended to the journal before anything downstream (email) sees it. */
  const logAndJournal = (): MonoTypeOperatorFunction<Alert> => {
    const alertLog = logger.child('alerts');
    return pipe(
      tap((alert: Alert) => alertLog.info(alertHeadline(alert) + alertDetails(alert))),
      journalSink(join(config.state_dir, 'alerts.jsonl'), { logger: alertLog }),
    );
  };

  const ticks$ = defer(() => openFeeds().ticks);
  const state$ = ticks$.pipe(priceState());
  const alerts$ = defer(() => {
    const feeds = openFeeds();
    const { events } = feeds;
    const ticks = feeds.ticks.pipe(share());
    // Statuses first: the feeds report `connecting` as soon as the ticks are subscribed.
    return merge(
      statusesOf(events).pipe(feedDownAlerts(config.alerts.feed_down_after_ms, scheduler)),
      ticks.pipe(detectAlerts(thresholds, { hysteresis })),
    );
  });

  const feedStatus$ = defer(() => {
    const { ticks, events } = openFeeds();
    return merge(statusesOf(events), ticks.pipe(ignoreElements()));
  });

  function run(): SupervisorHandle {
    logger.info(`starting: ${summarizeConfig(config)}`);
    const stop$ = new Subject<void>();
    const live = openFeeds();
    const { events } = live;
    const subscriptions = new Subscription();
    const listen = options.http ?? config.http?.listen;
    // Consumers that subscribe after the feeds started (the HTTP surface, once it listens)
    // first get each feed's latest status, so a feed that went live early is not shown as unknown.
    const latestStatus = new Map<string, FeedEvent>();
    subscriptions.add(events.subscribe((event) => event.type === 'status' && latestStatus.set(event.status.exchange, event)));
    const feedEvents$ = defer(() => concat(from([...latestStatus.values()]), events));

    const ticks = live.ticks.pipe(
      options.record ? recordTicks(options.record, { logger }) : identity,
      takeUntil(stop$),
      share(),
    );

    // The tick that raised an alert is the latest one: alerts are emitted synchronously on it.
    let lastReceivedAt = 0;
    const latencyMs = new Subject<number>();
    const timedTicks = ticks.pipe(tap((tick) => (lastReceivedAt = tick.receivedAt ?? now())));
    let symbols$: Observable<SymbolView> | undefined;
    let priceAlerts: Observable<PriceAlert>;
    if (listen) {
      // The status page shows every tick's metrics: compute them once and share them with the rules.
      const metrics = timedTicks.pipe(tickMetrics(thresholds), share());
      symbols$ = metrics.pipe(map((m) => symbolView(m, lastReceivedAt || undefined)));
      priceAlerts = metrics.pipe(priceRules(thresholds), dedupeAlerts(thresholds, hysteresis));
    } else {
      priceAlerts = timedTicks.pipe(detectAlerts(thresholds, { hysteresis }));
    }

    const alerts = merge(
      statusesOf(feedEvents$).pipe(feedDownAlerts(config.alerts.feed_down_after_ms, scheduler)),
      priceAlerts.pipe(tap(() => latencyMs.next(now() - lastReceivedAt))),
    ).pipe(
      logAndJournal(),
      finalize(() => latencyMs.complete()),
      share(),
    );

    const email = options.email === false ? undefined : config.alerts.email;
    const deliveries: Observable<DeliveryReport | never> = email
      ? alerts.pipe(
          emailSink(email, {
            stateDir: config.state_dir,
            logger: logger.child('email'),
            ...(options.email || {}),
          }),
          share(),
        )
      : alerts.pipe(ignoreElements());
    if (!email) logger.info('email is off: alerts go to the log and the journal only');

    const silences = merge(feedEvents$, ticks.pipe(map((tick) => ({ type: 'tick' as const, tick })))).pipe(
      silentSymbols(config.alerts.symbol_silent_after_ms, feeds, scheduler),
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
    if (listen) {
      ready = startOpsServer(
        listen,
        {
          feeds,
          feedEvents$,
          symbols$: symbols$!,
          alerts$: alerts,
          silences$: silences,
          emailEvents$: email ? deliveries : undefined,
          latencyMs$: latencyMs,
        },
        { logger: logger.child('http'), now },
      ).then((started) => {
        server = started;
      });
    }

    if (config.ops.heartbeat_url) {
      const allLive = feedEvents$.pipe(allFeedsLive(feeds.map((feed) => feed.exchange)));
      subscriptions.add(
        heartbeatPings(config.ops.heartbeat_url, config.ops.heartbeat_every_ms, allLive, {
          logger: logger.child('heartbeat'),
          scheduler,
          ...(options.heartbeatGet ? { get: options.heartbeatGet } : {}),
        }).subscribe(),
      );
    }

    // Subscribing connects the feeds; their sockets open asynchronously, so every consumer
    // subscribed in this synchronous block is attached before the first tick can arrive.
    const delivered = lastValueFrom(deliveries, { defaultValue: undefined });
    subscriptions.add(silences.subscribe());

    let stopping: Promise<void> | undefined;
    return {
      ready,
      httpUrl: () => server?.url,
      stop() {
        stopping ??= (async () => {
          stop$.next();
          await delivered.catch((error: unknown) => logger.error(`alert pipeline failed: ${errorMessage(error)}`));
          subscriptions.unsubscribe();
          await ready.catch(() => undefined);
          await server?.close();
        })();
        return stopping;
      },
    };
  }

  async function replay(source: string | Iterable<Tick>, replayOptions: ReplayRunOptions = {}): Promise<ReplaySummary> {
    const virtual = new VirtualTimeScheduler();
    const perRule: Record<string, number> = {};
    let last: ReplayProgress | undefined;
    const ticks = replayTicks(source, {
      scheduler: virtual,
      logger: logger.child('replay'),
      onProgress: (progress) => {
        last = progress;
        replayOptions.onProgress?.(progress);
      },
    });
    const alerts = ticks.pipe(
      detectAlerts(thresholds, { hysteresis }),
      tap((alert) => (perRule[alert.rule] = (perRule[alert.rule] ?? 0) + 1)),
      logAndJournal(),
    );
    const email = replayOptions.send ? config.alerts.email : undefined;
    if (replayOptions.send && !email) logger.warn('--send given but alerts.email is not configured: nothing is emailed');
    const done = lastValueFrom(
      email
        ? alerts.pipe(emailSink(email, { stateDir: config.state_dir, logger: logger.child('email'), ...(options.email || {}) }))
        : alerts.pipe(ignoreElements()),
      { defaultValue: undefined },
    );
    virtual.flush();
    await done;
    return {
      ticks: last?.ticks ?? 0,
      skipped: last?.skipped ?? 0,
      alerts: perRule,
      firstTs: last?.firstTs,
      lastTs: last?.lastTs,
    };
  }

  return { ticks$, state$, alerts$, feedStatus$, run, replay };
}

function alertDetails(alert: Alert): string {
  if (alert.kind === 'feed') return alert.reason ? ` (${alert.reason})` : '';
  const at = alert.referenceTs !== undefined ? ` at ${new Date(alert.referenceTs).toISOString()}` : '';
  return ` (price ${alert.price}, reference ${alert.reference}${at}, coverage ${Math.round(alert.coverage * 100)}%)`;
}
