import { join } from 'node:path';
import { asyncScheduler, identity, ignoreElements, merge, type Observable, type SchedulerLike, share, tap } from 'rxjs';
import type { Channel, JournaledEntry } from '../delivery/channel.js';
import { channelsFromConfig } from '../delivery/channels-from-config.js';
import { type DeliverChannelOptions, type DeliveryEvent, deliverChannel } from '../delivery/deliver-channel.js';
import { journalEntries } from '../delivery/journal-entries.js';
import { type JournalWriter, openJournal } from '../delivery/journal-writer.js';
import { alertHeadline } from '../domain/alert-text.js';
import { formatPrice } from '../domain/format-price.js';
import type { Alert, JournalEntry } from '../domain/alert.js';
import type { Config } from '../domain/config-types.js';
import type { Logger } from '../log.js';
import { holdQuietHours } from '../operators/hold-quiet-hours.js';

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
  const channels: readonly Channel[] =
    options.channels === false
      ? []
      : (options.channels ??
        channelsFromConfig(config.alerts, {
          logger: logger.child('channels'),
          ...(config.http?.public_url ? { statusPageUrl: config.http.public_url } : {}),
          ...(options.now ? { now: options.now } : {}),
          ...(options.scheduler ? { scheduler: options.scheduler } : {}),
        }));

  const start = (entries$: Observable<JournalEntry>, startOptions: StartOptions = {}): DeliveryRun => {
    const scheduler = options.scheduler ?? asyncScheduler;
    const test = startOptions.test === true;
    // Quiet hours with a digest: each channel holds what the journal gives it until they end (the journal keeps it safe meanwhile).
    const quiet = config.alerts.quiet_hours;
    const hold = quiet?.deliver === 'digest' ? { hold: holdQuietHours<JournaledEntry>(quiet, scheduler) } : {};
    const journal = openJournal(config.state_dir, journalPath, { logger: alertLog });
    const journaled$ = entries$.pipe(
      tap((entry: JournalEntry) => {
        if (entry.kind !== 'rearm') alertLog.info(alertHeadline(entry) + alertDetails(entry), { alert: entry });
        else alertLog.debug(`${entry.symbol} ${entry.rule} ${entry.direction} on ${entry.exchange} re-armed (it had reached level ${entry.level})`);
      }),
      journalEntries(journal, { scheduler, logger: alertLog, test }),
      startOptions.onJournaled ? tap(startOptions.onJournaled) : identity,
      share(),
    );
    const events$ =
      channels.length === 0 || test
        ? journaled$.pipe(ignoreElements())
        : merge(
            ...channels.map((channel) =>
              deliverChannel(channel, journaled$, {
                stateDir: config.state_dir,
                journalPath,
                journal: () => journal,
                logger: logger.child(`delivery.${channel.id}`),
                scheduler,
                ...(options.now ? { now: options.now } : {}),
                ...hold,
                ...options.tuning,
              }),
            ),
          );
    return { journaled$, events$: events$.pipe(tap({ finalize: () => journal.close() })), journal };
  };
  return { channels, journalPath, start };
}

function alertDetails(alert: Alert): string {
  const silenced = alert.silencedBy !== undefined ? `; silenced by ${alert.silencedBy}, not delivered` : '';
  return details(alert) + silenced;
}

function details(alert: Alert): string {
  if (alert.kind === 'feed') return alert.reason ? ` (${alert.reason})` : '';
  const at = alert.referenceTs !== undefined ? ` at ${new Date(alert.referenceTs).toISOString()}` : '';
  return ` (price ${formatPrice(alert.price)}, reference ${formatPrice(alert.reference)}${at}, coverage ${Math.round(alert.coverage * 100)}%)`;
}
