import { join } from 'node:path';
import {
  asyncScheduler, concat, defer, EMPTY, finalize, identity, ignoreElements, map, merge, mergeAll, Observable, of, ReplaySubject,
  type SchedulerLike, share, Subject, take, takeUntil, tap,
} from 'rxjs';
import type { Channel, JournaledEntry } from '../delivery/channel.js';
import { channelSettingsOf, channelsFromConfig } from '../delivery/channels-from-config.js';
import { type DeliverChannelOptions, type DeliveryEvent, deliverChannel } from '../delivery/deliver-channel.js';
import { journalEntries } from '../delivery/journal-entries.js';
import { type JournalWriter, openJournal } from '../delivery/journal-writer.js';
import { alertHeadline, divergencePrices, spreadPercent } from '../domain/alert-text.js';
import { formatPrice } from '../domain/format-price.js';
import type { Alert, DivergenceRearmed, JournalEntry } from '../domain/alert.js';
import type { Config } from '../domain/config-types.js';
import type { QuietHours } from '../domain/quiet-hours.js';
import { type Logger, silentLogger } from '../log.js';
import { holdQuietHours } from '../operators/hold-quiet-hours.js';
import { restoredFromJournal } from './restored-dedupe-levels.js';

/** Tunables of the delivery path (tests shorten them). */
export type DeliveryTuning = Partial<Pick<DeliverChannelOptions, 'retry' | 'flushTimeoutMs' | 'random' | 'maxBatchEntries'>>;

/** Options of {@link alertDelivery}. */
export interface AlertDeliveryOptions {
  readonly logger: Logger;
  readonly scheduler?: SchedulerLike;
  readonly now?: () => number;
  /** `false`: no channel (log and journal only); an array: these channels instead of the configured ones. */
  readonly channels?: false | readonly Channel[];
  readonly tuning?: DeliveryTuning;
  /**
   * The running config, `config` first (a `BehaviorSubject`): each reload
   * rebuilds the configured channels (not the ones given in `channels`). A
   * channel whose settings (or `alerts.quiet_hours`) did not change keeps
   * running; a removed one stops after its flush; a changed one is replaced
   * once the old one has flushed (it resumes from the same cursor file, and
   * what the old one held for quiet hours is read back from the journal and
   * held by the new hours). Default: `config`, fixed.
   */
  readonly config$?: Observable<Config>;
}

/** Options of {@link AlertDelivery.start}. */
export interface StartOptions {
  /** Journal entries marked `test: true` and run no channel. */
  readonly test?: boolean;
  /** Receives every entry once it is journaled. */
  readonly onJournaled?: (entry: JournaledEntry) => void;
}

/** One run of the delivery part: the journal and every channel's delivery path. */
export interface DeliveryRun {
  /** Every journaled entry, hot (entries are emitted once they are on disk). */
  readonly journaled$: Observable<JournaledEntry>;
  /** Every channel's delivery events, merged; completes when every channel flushed. Subscribing runs everything. */
  readonly events$: Observable<DeliveryEvent>;
  readonly journal: JournalWriter;
}

/** The delivery part of a supervisor: the journal, then the channels. */
export interface AlertDelivery {
  /** The configured channels (email first), or the ones given in the options. */
  readonly channels: readonly Channel[];
  /** The journal's path, `<state_dir>/alerts.jsonl`. */
  readonly journalPath: string;
  /**
   * Opens the journal and wires `entries$` through it to every channel
   * (nothing runs until `events$` is subscribed). With `test`, entries are
   * journaled marked `test: true` and no channel runs (`events$` only journals).
   */
  start(entries$: Observable<JournalEntry>, options?: StartOptions): DeliveryRun;
}

/**
 * Builds the delivery part shared by `run()`, `replay()` and `--test-alert`:
 * every entry is logged (alerts at INFO), appended to the journal, and only
 * then handed to each channel's durable delivery path (`deliverChannel`), each
 * channel on its own so that one failing never holds up another.
 *
 * @example
 * const delivery = alertDelivery(config, { logger });
 * delivery.start(alerts$).events$.subscribe((event) => console.log(event.channel, event.type));
 * // Logs: email started, webhook-1 started, email delivered, webhook-1 delivered
 */
export function alertDelivery(config: Config, options: AlertDeliveryOptions): AlertDelivery {
  const { logger } = options;
  const alertLog = logger.child('alerts');
  const journalPath = join(config.state_dir, 'alerts.jsonl');
  const build = (from: Config): Channel[] =>
    channelsFromConfig(from.alerts, {
      logger: logger.child('channels'),
      ...(from.http?.public_url ? { statusPageUrl: from.http.public_url } : {}),
      ...(options.now ? { now: options.now } : {}),
      ...(options.scheduler ? { scheduler: options.scheduler } : {}),
    });
  const given = options.channels === false ? [] : options.channels;
  const channels: readonly Channel[] = given ?? build(config);
  // What a channel's delivery is built from: its own settings (configured channels) and the quiet hours (its hold).
  const settingsOf = (from: Config, channel: Channel) =>
    `${given ? '' : channelSettingsOf(from.alerts, channel.id, from.http?.public_url)} ${JSON.stringify(from.alerts.quiet_hours ?? null)}`;
  const instanceOf = (from: Config, channel: Channel): ChannelInstance => ({
    channel, settings: settingsOf(from, channel), ...(from.alerts.quiet_hours ? { quiet: from.alerts.quiet_hours } : {}),
  });
  // The channels over time, keeping the unchanged ones: configured ones are rebuilt from each config, given
  // ones stay (a change of the quiet hours replaces their delivery, not them).
  const channelSets$: Observable<readonly ChannelInstance[]> =
    options.config$ === undefined
      ? of(channels.map((channel) => instanceOf(config, channel)))
      : defer(() => {
          let previous = new Map(channels.map((channel) => [channel.id, instanceOf(config, channel)]));
          return options.config$!.pipe(
            map((latest) => {
              // Read from the journal at most once per reload, however many channels need it.
              let inForce: readonly JournalEntry[] | undefined;
              const inForceNow = () => (inForce ??= restoredFromJournal(latest, { logger: silentLogger, now: (options.now ?? Date.now)(), journalPath }).inForce);
              const next = (given ?? build(latest)).map((channel) => {
                const kept = previous.get(channel.id);
                if (kept !== undefined && kept.settings === settingsOf(latest, channel)) return kept;
                // A rebuilt channel that keeps alerts firing (Alertmanager) fires again what is in force, as at a start.
                if (channel.restore && kept?.channel !== channel) channel.restore(inForceNow());
                return instanceOf(latest, channel);
              });
              previous = new Map(next.map((instance) => [instance.channel.id, instance]));
              return next;
            }),
          );
        });

  const start = (entries$: Observable<JournalEntry>, startOptions: StartOptions = {}): DeliveryRun => {
    const scheduler = options.scheduler ?? asyncScheduler;
    const test = startOptions.test === true;
    const journal = openJournal(config.state_dir, journalPath, { logger: alertLog });
    const journaled$ = entries$.pipe(
      tap((entry: JournalEntry) => {
        if (entry.kind !== 'rearm') alertLog.info(alertHeadline(entry) + alertDetails(entry), { alert: entry });
        else if (entry.rule === 'divergence') alertLog.info(divergenceEnded(entry));
        else alertLog.debug(`${entry.symbol} ${entry.rule} ${entry.direction} on ${entry.exchange} re-armed (it had reached level ${entry.level})`);
      }),
      journalEntries(journal, { scheduler, logger: alertLog, test }),
      startOptions.onJournaled ? tap(startOptions.onJournaled) : identity,
      share(),
    );
    // Quiet hours with a digest: each channel holds what the journal gives it until they end (the journal keeps it safe meanwhile).
    const deliver = ({ channel, quiet }: ChannelInstance, channelEntries$: Observable<JournaledEntry>) =>
      deliverChannel(channel, channelEntries$, {
        stateDir: config.state_dir,
        journalPath,
        journal: () => journal,
        logger: logger.child(`delivery.${channel.id}`),
        scheduler,
        ...(options.now ? { now: options.now } : {}),
        ...(quiet?.deliver === 'digest' ? { hold: holdQuietHours<JournaledEntry>(quiet, scheduler) } : {}),
        ...options.tuning,
      });
    const events$ = test ? journaled$.pipe(ignoreElements()) : channelDeliveries(channelSets$, journaled$, deliver, logger.child('channels'));
    return { journaled$, events$: events$.pipe(tap({ finalize: () => journal.close() })), journal };
  };
  return { channels, journalPath, start };
}

/** A channel as built from one config, the settings it was built from, and the quiet hours its delivery holds for. */
interface ChannelInstance {
  readonly channel: Channel;
  readonly settings: string;
  readonly quiet?: QuietHours;
}

/**
 * Runs each channel of the latest set on the journaled entries; the journal
 * runs whatever the channels. A channel that leaves the set (or is rebuilt)
 * gets no new entry: it flushes what it holds and stops (what it has not
 * delivered stays in the journal, beyond its cursor). Its successor of the same
 * id starts once it has stopped, so two never write one cursor file.
 * Completes when the entries complete and every channel has flushed.
 */
function channelDeliveries(
  sets$: Observable<readonly ChannelInstance[]>,
  journaled$: Observable<JournaledEntry>,
  deliver: (instance: ChannelInstance, entries$: Observable<JournaledEntry>) => Observable<DeliveryEvent>,
  logger: Logger,
): Observable<DeliveryEvent> {
  return new Observable<DeliveryEvent>((subscriber) => {
    const runs = new Subject<Observable<DeliveryEvent>>();
    const running = new Map<string, { readonly instance: ChannelInstance; readonly stop: ReplaySubject<void>; readonly stopped: ReplaySubject<void> }>();
    let ended = false;
    const subscription = merge(
      journaled$.pipe(
        ignoreElements(),
        tap({
          finalize: () => {
            ended = true;
            runs.complete();
          },
        }),
      ),
      runs.pipe(mergeAll()),
    ).subscribe(subscriber);
    let first = true;
    subscription.add(
      sets$.subscribe((set) => {
        if (ended) return;
        const ids = new Set(set.map((instance) => instance.channel.id));
        for (const [id, run] of running) {
          if (ids.has(id)) continue;
          logger.info(`${run.instance.channel.label}: no longer configured; it stops once it has delivered what it holds`);
          run.stop.next();
          running.delete(id);
        }
        for (const instance of set) {
          const id = instance.channel.id;
          const before = running.get(id);
          if (before?.instance === instance) continue;
          if (!first) logger.info(`${instance.channel.label}: ${before ? 'settings changed: replaced once the old one has stopped' : 'added'}`);
          before?.stop.next();
          const stop = new ReplaySubject<void>(1);
          const stopped = new ReplaySubject<void>(1);
          const after = before ? before.stopped.pipe(take(1), ignoreElements()) : EMPTY;
          running.set(id, { instance, stop, stopped });
          runs.next(
            concat(after, defer(() => deliver(instance, journaled$.pipe(takeUntil(stop))))).pipe(
              finalize(() => {
                stopped.next();
                stopped.complete();
              }),
            ),
          );
        }
        first = false;
      }),
    );
    return subscription;
  });
}

function alertDetails(alert: Alert): string {
  const silenced = alert.silencedBy !== undefined ? `; silenced by ${alert.silencedBy}, not delivered` : '';
  return details(alert) + silenced;
}

/** A divergence's end is one INFO line: its alert was one, and a reader of the log wants to know it is over. */
function divergenceEnded(rearm: DivergenceRearmed): string {
  const why = rearm.reason === 'stale' ? 'fewer than two fresh prices to compare' : `spread ${spreadPercent(rearm.spread ?? 0)}`;
  return `${rearm.group} divergence between ${rearm.high.exchange} and ${rearm.low.exchange} ended (${why}); re-armed`;
}

function details(alert: Alert): string {
  if (alert.kind === 'feed') return alert.reason ? ` (${alert.reason})` : '';
  if (alert.kind === 'divergence') return ` (${divergencePrices(alert)}, since ${new Date(alert.since).toISOString()})`;
  const at = alert.referenceTs !== undefined ? ` at ${new Date(alert.referenceTs).toISOString()}` : '';
  return ` (price ${formatPrice(alert.price)}, reference ${formatPrice(alert.reference)}${at}, coverage ${Math.round(alert.coverage * 100)}%)`;
}
