import { catchError, concat, defer, from, ignoreElements, lastValueFrom, map, mergeMap, of, retry, timer, toArray, type SchedulerLike, asyncScheduler } from 'rxjs';
import type { Channel, DeliveryBatch, JournaledEntry } from './channel.js';
import { batchIdOf } from './deliver-channel.js';

/** What {@link sendNow} did for one channel. */
export interface SendNowResult {
  readonly channel: string;
  readonly label: string;
  /** True when every batch was accepted. */
  readonly delivered: boolean;
  /** The failure's reason (no secret), when not delivered. */
  readonly reason?: string;
}

/** Options of {@link sendNow}. */
export interface SendNowOptions {
  /** Attempts per batch for temporary failures. Default 3. */
  readonly attempts?: number;
  /** Wait between attempts, ms (longer when the receiver asks, up to 10 s). Default 1000. */
  readonly retryDelayMs?: number;
  readonly scheduler?: SchedulerLike;
  /** Batch ids are derived from this (the journal's identity). */
  readonly journal?: string;
}

/**
 * Sends `entries` through every channel now, outside the durable path (no
 * cursor moves): what `--test-alert` and `--replay --send` use. Channels run
 * at the same time; each gets its entries as batches of at most 100.
 *
 * 1. Resolves with one result per channel, in channel order.
 * 2. A temporary failure is retried (`attempts` in all); a permanent one, or
 *    the last temporary one, is that channel's `reason`.
 *
 * @example
 * const results = await sendNow(channels, [{ offset: 1234, entry: testAlert, test: true }]);
 * results.map((r) => `${r.label}: ${r.delivered ? 'delivered' : r.reason}`);
 * // Logs: [ 'email (127.0.0.1): delivered', 'webhook 1 (127.0.0.1): HTTP 503' ]
 */
export function sendNow(channels: readonly Channel[], entries: readonly JournaledEntry[], options: SendNowOptions = {}): Promise<SendNowResult[]> {
  const attempts = Math.max(1, options.attempts ?? 3);
  const scheduler = options.scheduler ?? asyncScheduler;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const one = (channel: Channel) => {
    const batches: DeliveryBatch[] = [];
    for (let i = 0; i < entries.length; i += 100) {
      const chunk = entries.slice(i, i + 100);
      batches.push({ id: batchIdOf(channel.id, options.journal ?? '', chunk), entries: chunk });
    }
    const sendOne = (batch: DeliveryBatch) =>
      defer(() => channel.send(batch)).pipe(
        retry({
          count: attempts - 1,
          delay: (error: unknown) => {
            const failure = channel.classify(error);
            if (failure.permanent) throw error;
            return timer(Math.min(10_000, Math.max(retryDelayMs, failure.retryAfterMs ?? 0)), scheduler);
          },
        }),
      );
    return concat(...batches.map(sendOne)).pipe(
      ignoreElements(),
      toArray(),
      map((): SendNowResult => ({ channel: channel.id, label: channel.label, delivered: true })),
      catchError((error: unknown) => of<SendNowResult>({ channel: channel.id, label: channel.label, delivered: false, reason: channel.classify(error).reason })),
    );
  };
  return lastValueFrom(
    from(channels.map((channel, index) => ({ channel, index }))).pipe(
      mergeMap(({ channel, index }) => one(channel).pipe(map((result) => ({ result, index })))),
      toArray(),
      map((results) => results.sort((a, b) => a.index - b.index).map((r) => r.result)),
    ),
    { defaultValue: [] },
  );
}
