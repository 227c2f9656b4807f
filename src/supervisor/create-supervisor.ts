import {
  asyncScheduler,
  distinctUntilChanged,
  skip,
  filter,
  finalize,
  identity,
  lastValueFrom,
  map,
  share,
  Subject,
  takeUntil,
  tap,
  VirtualTimeScheduler,
  EMPTY,
  of,
} from 'rxjs';
import { symbolIssues } from '../connectors/symbol-issues.js';
import type { ConfigIssue } from '../config/config-issue.js';
import { summarizeConfig } from '../config/summarize-config.js';
import type { Alert, JournalEntry, PriceAlert } from '../domain/alert.js';
import type { JournaledEntry } from '../delivery/channel.js';
import { type SendNowResult, sendNow } from '../delivery/send-now.js';
import { openSilenceStore } from '../delivery/silence-store.js';
import { testAlertOf } from '../delivery/test-alert.js';
import type { Config } from '../domain/config-types.js';
import type { Tick } from '../domain/tick.js';
import { errorMessage } from '../domain/error-message.js';
import { silentLogger } from '../log.js';
import { priceState } from '../operators/price-state.js';
import type { TickMetrics } from '../operators/tick-metrics.js';
import type { SymbolView } from '../ops/ops-sources.js';
import { recordTicks } from '../replay/record-ticks.js';
import type { ReplayProgress } from '../replay/replay-progress.js';
import { replayTicks } from '../replay/replay-ticks.js';
import { alertDelivery } from './alert-delivery.js';
import { detectSupervisorMoves } from './alert-detection.js';
import { restoredFromJournal } from './restored-dedupe-levels.js';
import { feedSources, statusesOf } from './feed-sources.js';
import { configReloader } from './config-reload.js';
import { opsSurface } from './ops-surface.js';
import type { ReplayRunOptions, ReplaySummary, Supervisor, SupervisorHandle, SupervisorOptions } from './supervisor-types.js';

export type { ReplayRunOptions, ReplaySummary, Supervisor, SupervisorHandle, SupervisorOptions } from './supervisor-types.js';

/**
 * What a decoded config cannot do with the exchanges it names: a symbol an
 * exchange cannot carry (a mixed-case `Eth/USDT` on Binance, say). The CLI refuses such a config
 * with exit 2, as any other config error.
 */
export function exchangeConfigIssues(config: Config): ConfigIssue[] {
  return symbolIssues(config.exchanges);
}

const isAlert = (entry: JournalEntry): entry is Alert => entry.kind !== 'rearm';

const symbolView = (m: TickMetrics): SymbolView => ({
  exchange: m.exchange,
  symbol: m.symbol,
  price: m.price,
  ts: m.ts,
  ...(m.receivedAt !== undefined ? { receivedAt: m.receivedAt } : {}),
  change24h: m.change24h,
  changeShort: m.changeShort,
  coverage24h: m.coverage24h,
  coverageShort: m.coverageShort,
});

/**
 * Creates the supervisor for a decoded config, composed of its parts: sources
 * (the feeds, one set of connections), detection (the alert pipeline), delivery
 * (journal, channels) and ops (HTTP surface, heartbeat, silent symbols).
 * Nothing connects until `run()` or a subscription to one of its streams.
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
  // The running config: the parts follow it, and a reload of run()'s handle changes it.
  const reloader = configReloader(config, {
    logger,
    now,
    ...(options.loadConfig ? { loadConfig: options.loadConfig } : {}),
    // `--http` (options.http) wins over the file's http.listen: a change there is not in use.
    ...(options.http !== undefined ? { overridden: ['http.listen'] } : {}),
  });
  const config$ = reloader.config$;
  const sources = feedSources(config, { logger, scheduler, config$, ...(options.feed ? { feed: options.feed } : {}) });
  const delivery = alertDelivery(config, {
    logger,
    scheduler,
    now,
    config$,
    ...(options.channels !== undefined ? { channels: options.channels } : {}),
    ...(options.delivery ? { tuning: options.delivery } : {}),
  });

  const ticks$ = sources.ticks$;
  const state$ = ticks$.pipe(priceState());
  const alerts$ = detectSupervisorMoves(config, ticks$, sources.statuses$, { scheduler, config$ }).pipe(filter(isAlert));
  const feedStatus$ = sources.statuses$;

  function run(): SupervisorHandle {
    logger.info(`starting: ${summarizeConfig(config)}`);
    const stop$ = new Subject<void>();
    const listen = options.http ?? config.http?.listen;
    const feedEvents$ = sources.events$.pipe(takeUntil(stop$));
    const ticks = sources.ticks$.pipe(options.record ? recordTicks(options.record, { logger }) : identity, takeUntil(stop$), share());

    // The status page shows every tick's metrics: the rules then share them instead of running fused.
    const metrics = new Subject<TickMetrics>();
    const symbols$ = metrics.pipe(map(symbolView));
    // A move alerted before a restart does not alert again at the same level, and
    // a channel that keeps alerts firing (Alertmanager) keeps firing what still holds.
    const { levels: restored, divergences: restoredDivergences, inForce } = restoredFromJournal(config, { logger, now: now(), journalPath: delivery.journalPath });
    for (const channel of delivery.channels) channel.restore?.(inForce);
    // Configured and runtime silences (kept in state_dir, so a restart keeps them).
    const silenceStore = openSilenceStore(config.state_dir, { configured: config.alerts.silences, now, logger: logger.child('silences') });
    // A reload replaces the configured silences; the runtime ones stay.
    const configuredSilences = config$.pipe(map((latest) => latest.alerts.silences), distinctUntilChanged(), skip(1), takeUntil(stop$));
    configuredSilences.subscribe((silences) => silenceStore.setConfigured(silences));
    const raised = detectSupervisorMoves(config, ticks, statusesOf(feedEvents$), {
      scheduler,
      config$,
      restored,
      restoredDivergences,
      silences$: silenceStore.silences$,
      ...(listen ? { onMetrics: (m: TickMetrics) => metrics.next(m) } : {}),
    }).pipe(finalize(() => metrics.complete()));
    const { journaled$, events$ } = delivery.start(raised);
    const alerts = journaled$.pipe(
      map((journaled) => journaled.entry),
      filter(isAlert),
    );
    const latencyMs$ = alerts.pipe(
      filter((alert): alert is PriceAlert => alert.kind === 'price' && alert.receivedAt !== undefined),
      map((alert) => now() - alert.receivedAt!),
    );
    const deliveries = events$.pipe(share());
    if (delivery.channels.length === 0) logger.info('no alert channel is configured: alerts go to the log and the journal only');

    const ops = opsSurface(
      config,
      {
        feeds: sources.feeds, feeds$: sources.feeds$.pipe(takeUntil(stop$)), feedEvents$, ticks$: ticks, symbols$, alerts$: alerts, deliveries$: deliveries, latencyMs$,
        reloads$: reloader.outcomes$.pipe(takeUntil(stop$)),
        ...(options.caughtMail$ ? { caughtMail$: options.caughtMail$ } : {}),
      },
      {
        logger, scheduler, now, silences: silenceStore, ...(listen ? { listen } : {}), ...(options.heartbeatGet ? { heartbeatGet: options.heartbeatGet } : {}),
        ...(options.loadConfig ? { reload: () => reloader.reload() } : {}),
      },
    );
    // Subscribing connects the feeds; their sockets open asynchronously, so every consumer
    // subscribed in this synchronous block is attached before the first tick can arrive.
    const delivered = lastValueFrom(deliveries, { defaultValue: undefined });

    let stopping: Promise<void> | undefined;
    return {
      ready: ops.ready,
      httpUrl: ops.httpUrl,
      reload: (next?: Config) => reloader.reload(next),
      stop() {
        stopping ??= (async () => {
          stop$.next();
          await delivered.catch((error: unknown) => logger.error(`alert pipeline failed: ${errorMessage(error)}`));
          await ops.close();
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
    // A replay starts with every key armed: it is not the live process resuming.
    const raised = detectSupervisorMoves(config, ticks, EMPTY, { scheduler: virtual }).pipe(
      tap((entry) => entry.kind !== 'rearm' && (perRule[entry.rule] = (perRule[entry.rule] ?? 0) + 1)),
    );
    // Journaled as not live (test: true): a later start must neither deliver nor restore them.
    const journaled: JournaledEntry[] = [];
    const send = replayOptions.send === true;
    // --send sends the alerts that no silence held; the re-arms only go to the journal (sendNow knows no per-channel filter).
    const run = delivery.start(raised, { test: true, onJournaled: (entry) => send && entry.entry.kind !== 'rearm' && entry.entry.silencedBy === undefined && journaled.push(entry) });
    if (send && delivery.channels.length === 0) logger.warn('--send given but no alert channel is configured: nothing is sent');
    const done = lastValueFrom(run.events$, { defaultValue: undefined });
    virtual.flush();
    await done;
    // Sent as the alerts they were, not as tests (the test mark only keeps them out of later starts and dedupe).
    const replayed = journaled.map(({ offset, entry }) => ({ offset, entry }));
    const sent = send && replayed.length > 0 ? await sendAndLog(replayed, run.journal.identity) : undefined;
    return {
      ticks: last?.ticks ?? 0,
      skipped: last?.skipped ?? 0,
      alerts: perRule,
      firstTs: last?.firstTs,
      lastTs: last?.lastTs,
      ...(sent ? { sent } : {}),
    };
  }

  /** Sends entries through every channel now and logs one line per channel. */
  async function sendAndLog(entries: readonly JournaledEntry[], journal: string): Promise<SendNowResult[]> {
    const results = await sendNow(delivery.channels, entries, { journal });
    for (const result of results) {
      if (result.delivered) logger.info(`${result.label}: delivered`);
      else logger.error(`${result.label}: not delivered: ${result.reason}`);
    }
    return results;
  }

  async function testAlert(): Promise<SendNowResult[]> {
    const alert = testAlertOf(now());
    const journaled: JournaledEntry[] = [];
    const run = delivery.start(of(alert), { test: true, onJournaled: (entry) => journaled.push(entry) });
    await lastValueFrom(run.events$, { defaultValue: undefined });
    // Not journaled (the disk refused; logged at ERROR): the test still tells whether the channels work.
    const entries: JournaledEntry[] = journaled.length > 0 ? journaled : [{ offset: -1, entry: alert, test: true }];
    return sendNow(delivery.channels, entries, { journal: run.journal.identity });
  }

  return { ticks$, state$, alerts$, feedStatus$, run, replay, testAlert };
}
