import { createHash } from 'node:crypto';
import { join } from 'node:path';
import {
  asyncScheduler,
  catchError,
  concat,
  concatMap,
  connect,
  defer,
  EMPTY,
  expand,
  filter,
  from,
  identity,
  ignoreElements,
  map,
  merge,
  type MonoTypeOperatorFunction,
  type Observable,
  of,
  type SchedulerLike,
  Subject,
  takeUntil,
  timer,
} from 'rxjs';
import { alertHeadline } from '../domain/alert-text.js';
import { errorMessage } from '../domain/error-message.js';
import { type Logger, silentLogger } from '../log.js';
import type { Channel, DeliveryBatch, JournaledEntry } from './channel.js';
import { DEFAULT_DELIVERY_RETRY, type DeliveryRetryConfig, deliveryRetryDelay } from './delivery-retry.js';
import { digestGroups } from './digest-groups.js';
import { readJournal } from './read-journal.js';
import { readStateFile, StateDirError, writeStateFile } from './state-dir.js';

/** What the delivery path did for one channel; each carries the channel's backlog after the event. */
export type DeliveryEvent =
  /** The channel started: `backlog` entries from an earlier run wait for it. */
  | { readonly type: 'started'; readonly channel: string; readonly label: string; readonly backlog: number }
  /** The receiver accepted the batch. */
  | { readonly type: 'delivered'; readonly channel: string; readonly batchId: string; readonly entries: number; readonly attempt: number; readonly backlog: number }
  /** Attempt `attempt` failed temporarily; the next one comes in `delayMs`. `since`: when the first attempt failed. */
  | { readonly type: 'retry'; readonly channel: string; readonly batchId: string; readonly attempt: number; readonly delayMs: number; readonly reason: string; readonly since: number; readonly backlog: number }
  /** Refused for good: written to the quarantine (or not, `path` undefined), and the channel moved past it. */
  | { readonly type: 'quarantined'; readonly channel: string; readonly batchId: string; readonly entries: number; readonly reason: string; readonly path: string | undefined; readonly backlog: number }
  /** Stopped with `backlog` entries not delivered yet: they are in the journal, delivered at the next start. */
  | { readonly type: 'left'; readonly channel: string; readonly backlog: number };

/** Options of {@link deliverChannel}. */
export interface DeliverChannelOptions {
  /** The state directory: cursors in `<stateDir>/delivery/<channel>.cursor.json`, quarantine in `<stateDir>/delivery/quarantine/<channel>/`. */
  readonly stateDir: string;
  /** The journal the entries come from (`<stateDir>/alerts.jsonl`). */
  readonly journalPath: string;
  /** The journal file's current identity and size (from its writer): a cursor of another journal starts over. */
  readonly journal: () => { readonly identity: string; readonly size: number };
  /** One line per batch event. Default: silent. */
  readonly logger?: Logger;
  /** Runs the group timers and retry delays. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Wall clock for quarantine records and "retrying since". Default `Date.now`. */
  readonly now?: () => number;
  /** Jitter source of the backoff. Default `Math.random`. */
  readonly random?: () => number;
  /** Backoff between attempts. Default {@link DEFAULT_DELIVERY_RETRY}. */
  readonly retry?: Partial<DeliveryRetryConfig>;
  /** After the input completes, delivery goes on for at most this long, ms. Default 4000. */
  readonly flushTimeoutMs?: number;
  /** At most this many entries per batch (a backlog after a long outage becomes several messages). Default 100. */
  readonly maxBatchEntries?: number;
  /**
   * Holds entries back before they are grouped (quiet hours with `deliver: digest`):
   * what it holds at shutdown stays beyond the cursor, in the journal, and is
   * delivered (or held again) at the next start. Default: none.
   */
  readonly hold?: MonoTypeOperatorFunction<JournaledEntry>;
  /** Writes a cursor or quarantine file (tests inject EMFILE, ENOSPC). Default {@link writeStateFile}. */
  readonly writeState?: (stateDir: string, path: string, content: string) => void;
}

/** The defaults of {@link DeliverChannelOptions}. */
export const DELIVERY_DEFAULTS = { flushTimeoutMs: 4000, maxBatchEntries: 100 } as const;

const CURSOR_FORMAT = 'crypto-supervisor/cursor@1';
const QUARANTINE_FORMAT = 'crypto-supervisor/quarantined-batch@1';

/** Where a channel stands in the journal. */
interface Cursor {
  /** Identity of the journal file the offsets belong to. */
  readonly journal: string;
  /** A line start to read from. */
  readonly readFrom: number;
  /** Every accepted entry at or before this offset is delivered (or quarantined). */
  readonly deliveredThrough: number;
}

/** The path of a channel's cursor file. */
export const cursorPath = (stateDir: string, channelId: string) => join(stateDir, 'delivery', `${channelId}.cursor.json`);
/** The directory of a channel's quarantined batches. */
export const quarantineDir = (stateDir: string, channelId: string) => join(stateDir, 'delivery', 'quarantine', channelId);

/**
 * Entries the generic path hands to `channel`: never a `--test-alert` (that one
 * is sent directly), never a silenced alert (`silencedBy`: journaled and
 * counted only, whatever the channel accepts), re-arms only when asked.
 */
export const channelAccepts = (channel: Channel, entry: JournaledEntry): boolean =>
  entry.test !== true &&
  (entry.entry.kind === 'rearm' || entry.entry.silencedBy === undefined) &&
  (channel.accepts ? channel.accepts(entry) : entry.entry.kind !== 'rearm');

/** A batch id that every retry, and a restart that groups the same entries, repeats: sha256 of the channel, journal and offsets. */
export function batchIdOf(channelId: string, journal: string, entries: readonly JournaledEntry[]): string {
  const offsets = entries.map((e) => e.offset).join(',');
  return createHash('sha256').update(`${channelId}\n${journal}\n${offsets}`).digest('hex').slice(0, 32);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * The durable delivery path, the same for every channel: delivers every
 * journaled entry the channel accepts at least once, in journal order.
 *
 * 1. On subscription, reads the channel's cursor and first delivers the
 *    backlog (entries an earlier run journaled but the channel never
 *    confirmed), then the live entries. Without a cursor (a new channel) it
 *    starts at the journal's end and records that at once.
 * 2. Entries within the channel's `groupWaitMs` of a group's first go out as
 *    one batch (at most `maxBatchEntries`), one batch at a time. The batch id
 *    is stable (see {@link batchIdOf}): every retry sends the same one.
 * 3. A temporary failure emits `retry` and tries again after the backoff, or
 *    after the receiver's `retryAfterMs` when longer; a permanent one writes the
 *    batch with its reason to the quarantine, logs it at ERROR and emits
 *    `quarantined`. After `delivered` or `quarantined` the cursor is written
 *    (atomically); a failed cursor write is one ERROR (the batch may then be
 *    delivered again after a restart), never a claim that it is safe.
 * 4. When the input completes (shutdown), the open group goes out at once and
 *    delivery goes on for at most `flushTimeoutMs`; then the attempt in flight
 *    is aborted, `left` is emitted with what remains (it is in the journal and
 *    is delivered at the next start), and the stream completes.
 * 5. An error of the input is passed on. Nothing here waits on another channel:
 *    each channel runs its own copy of this path.
 *
 * @example
 * journaled$.pipe((entries) => deliverChannel(channel, entries, { stateDir: 'var', journalPath: 'var/alerts.jsonl', journal: () => writer }))
 *   .subscribe((event) => console.log(event.type));
 * // Logs: started, delivered
 */
export function deliverChannel(channel: Channel, entries$: Observable<JournaledEntry>, options: DeliverChannelOptions): Observable<DeliveryEvent> {
  const logger = options.logger ?? silentLogger;
  const scheduler = options.scheduler ?? asyncScheduler;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const retry = { ...DEFAULT_DELIVERY_RETRY, ...options.retry };
  const flushTimeoutMs = options.flushTimeoutMs ?? DELIVERY_DEFAULTS.flushTimeoutMs;
  const maxBatch = Math.max(1, options.maxBatchEntries ?? DELIVERY_DEFAULTS.maxBatchEntries);
  const { stateDir, journalPath } = options;
  const cursorFile = cursorPath(stateDir, channel.id);
  const id = channel.id;
  const writeState = options.writeState ?? writeStateFile;

  return defer(() => {
    let backlog = 0;

    let cursorFailing = false;
    const saveCursor = (cursor: Cursor): boolean => {
      try {
        writeState(stateDir, cursorFile, `${JSON.stringify({ format: CURSOR_FORMAT, channel: id, ...cursor })}\n`);
        if (cursorFailing) logger.info(`${channel.label}: delivery progress recorded again in ${cursorFile}`);
        cursorFailing = false;
        return true;
      } catch (error) {
        // Once per failing streak: what was delivered meanwhile may be delivered again after a restart.
        if (!cursorFailing) {
          logger.error(
            `cannot record the delivery progress of ${channel.label} in ${cursorFile}: ${errorMessage(error)}; ` +
              'until it can, what it delivers may be delivered again after a restart',
          );
        }
        cursorFailing = true;
        return false;
      }
    };

    let cursorRefused = false;
    const loadCursor = (): Cursor | undefined => {
      try {
        const text = readStateFile(stateDir, cursorFile);
        if (text === undefined) return undefined;
        const value = JSON.parse(text) as Partial<Cursor> & { format?: unknown };
        if (value.format !== CURSOR_FORMAT || typeof value.journal !== 'string' || typeof value.readFrom !== 'number' || typeof value.deliveredThrough !== 'number') {
          throw new Error('not a cursor file');
        }
        return { journal: value.journal, readFrom: value.readFrom, deliveredThrough: value.deliveredThrough };
      } catch (error) {
        if (error instanceof StateDirError) {
          // Not followed, and it never will be: starting over from the journal's start at every start would flood the receiver.
          logger.warn(`${errorMessage(error)}: ${channel.label} cannot keep its progress; it delivers what is journaled from now on`);
          cursorRefused = true;
          return undefined;
        }
        logger.warn(`cannot use ${cursorFile} (${errorMessage(error)}); ${channel.label} delivers the whole journal again`);
        return { journal: options.journal().identity, readFrom: 0, deliveredThrough: -1 };
      }
    };

    // Where this channel stands; the backlog is what the journal holds beyond it.
    const journal = options.journal();
    let cursor = loadCursor();
    if (cursor === undefined) {
      cursor = { journal: journal.identity, readFrom: journal.size, deliveredThrough: journal.size - 1 };
      if (!cursorRefused) logger.info(`${channel.label}: first start, delivering alerts journaled from now on`);
      saveCursor(cursor);
    } else if (cursor.journal !== journal.identity) {
      logger.warn(`${channel.label}: the journal was replaced since its last delivery; delivering the current journal from its start`);
      cursor = { journal: journal.identity, readFrom: 0, deliveredThrough: -1 };
    }
    let earlier: JournaledEntry[] = [];
    try {
      const read = readJournal(stateDir, journalPath, cursor.readFrom);
      const after = cursor.deliveredThrough;
      earlier = read.entries.filter((e) => e.offset > after && channelAccepts(channel, e));
    } catch (error) {
      logger.error(`cannot read the journal ${journalPath} for ${channel.label}: ${errorMessage(error)}; its backlog is not delivered in this run`);
    }
    backlog = earlier.length;
    if (backlog > 0) logger.info(`${channel.label}: ${plural(backlog, 'journaled alert')} from an earlier run not delivered yet; delivering them first`);

    const advance = (batch: DeliveryBatch) => {
      const last = batch.entries[batch.entries.length - 1]!;
      cursor = { journal: options.journal().identity, readFrom: last.offset, deliveredThrough: last.offset };
      backlog -= batch.entries.length;
      return saveCursor(cursor);
    };

    const quarantine = (batch: DeliveryBatch, reason: string): string | undefined => {
      const path = join(quarantineDir(stateDir, id), `${batch.id}.json`);
      const record = { format: QUARANTINE_FORMAT, channel: id, label: channel.label, batchId: batch.id, reason, at: new Date(now()).toISOString(), entries: batch.entries };
      try {
        writeState(stateDir, path, `${JSON.stringify(record, null, 1)}\n`);
        return path;
      } catch (error) {
        const headlines = batch.entries.map((e) => (e.entry.kind === 'rearm' ? `re-arm ${e.entry.rule === 'divergence' ? e.entry.group : e.entry.symbol}` : alertHeadline(e.entry))).join('; ');
        logger.error(`cannot quarantine batch ${batch.id} of ${channel.label} in ${path}: ${errorMessage(error)}; its entries stay in the journal: ${headlines}`);
        return undefined;
      }
    };

    const delivered$ = new Subject<DeliveryBatch>();

    const deliver = (batch: DeliveryBatch): Observable<DeliveryEvent> => {
      let since: number | undefined;
      const attempt = (n: number): Observable<DeliveryEvent> =>
        concat(
          channel.send(batch).pipe(ignoreElements()),
          defer(() => {
            advance(batch);
            logger.info(`${channel.label}: delivered batch ${batch.id} (${plural(batch.entries.length, 'alert')}, attempt ${n})`);
            delivered$.next(batch);
            return of<DeliveryEvent>({ type: 'delivered', channel: id, batchId: batch.id, entries: batch.entries.length, attempt: n, backlog });
          }),
        ).pipe(
          catchError((error: unknown) => {
            const failure = channel.classify(error);
            if (!failure.permanent) {
              since ??= now();
              const delayMs = Math.max(deliveryRetryDelay(n, retry, random), failure.retryAfterMs ?? 0);
              logger.warn(`${channel.label}: batch ${batch.id}: attempt ${n} failed: ${failure.reason}; retry in ${seconds(delayMs)}`);
              return of<DeliveryEvent>({ type: 'retry', channel: id, batchId: batch.id, attempt: n, delayMs, reason: failure.reason, since, backlog });
            }
            const path = quarantine(batch, failure.reason);
            advance(batch);
            if (path) logger.error(`${channel.label}: batch ${batch.id} (${plural(batch.entries.length, 'alert')}) refused for good: ${failure.reason}; quarantined in ${path}`);
            return of<DeliveryEvent>({ type: 'quarantined', channel: id, batchId: batch.id, entries: batch.entries.length, reason: failure.reason, path, backlog });
          }),
        );
      return attempt(1).pipe(
        expand((event) => (event.type === 'retry' ? timer(event.delayMs, scheduler).pipe(concatMap(() => attempt(event.attempt + 1))) : EMPTY)),
      );
    };

    const journalId = () => options.journal().identity;
    const accepted$ = entries$.pipe(
      filter((entry) => channelAccepts(channel, entry)),
      map((entry) => {
        backlog++;
        return entry;
      }),
    );
    const started: DeliveryEvent = { type: 'started', channel: id, label: channel.label, backlog };
    const deliveries$ = concat(from(earlier), accepted$).pipe(
      options.hold ?? identity,
      digestGroups<JournaledEntry>(channel.groupWaitMs, scheduler),
      concatMap((group) => {
        const batches: DeliveryBatch[] = [];
        for (let i = 0; i < group.length; i += maxBatch) {
          const entries = group.slice(i, i + maxBatch);
          batches.push({ id: batchIdOf(id, journalId(), entries), entries });
        }
        return from(batches);
      }),
      connect((batches$) => {
        const deadline$ = concat(batches$.pipe(ignoreElements()), timer(flushTimeoutMs, scheduler));
        const sent$ = batches$.pipe(concatMap(deliver), takeUntil(deadline$));
        const left$ = defer(() => {
          if (backlog <= 0) return EMPTY;
          logger.warn(`${channel.label}: ${plural(backlog, 'alert')} not delivered yet; they are in the journal and are delivered at the next start`);
          return of<DeliveryEvent>({ type: 'left', channel: id, backlog });
        });
        return concat(sent$, left$);
      }),
    );
    const background$ = channel.background ? channel.background(delivered$).pipe(ignoreElements()) : EMPTY;
    const done$ = new Subject<void>();
    return concat(
      of(started),
      merge(
        concat(deliveries$, defer(() => {
          done$.next();
          delivered$.complete();
          return EMPTY;
        })),
        background$.pipe(takeUntil(done$)),
      ),
    );
  });
}
