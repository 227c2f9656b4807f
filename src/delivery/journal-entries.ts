import { asyncScheduler, Observable, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import type { JournalEntry } from '../domain/alert.js';
import { type Logger, silentLogger } from '../log.js';
import type { JournaledEntry } from './channel.js';
import type { JournalWriter } from './journal-writer.js';

/** Options of {@link journalEntries}. */
export interface JournalEntriesOptions {
  /** While the disk refuses, waiting entries are retried this often, ms. Default 1000. */
  readonly retryEveryMs?: number;
  /** Runs the retry timer. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Where entries lost at completion are reported. Default: silent. */
  readonly logger?: Logger;
  /** Journal every entry marked `test: true` (`--test-alert`, a replay): never delivered by the durable path, never a dedupe input. */
  readonly test?: boolean;
}

/**
 * Appends every entry to the journal and emits it with its offset once it is
 * on disk, so that every channel sees only what a restart can find again.
 *
 * 1. Emits synchronously each entry the write put on disk (with those that
 *    waited before it, in order).
 * 2. While the disk refuses (ENOSPC, EIO), entries wait in memory (the writer
 *    logs that at ERROR) and are retried every `retryEveryMs` and on the next entry.
 * 3. On completion of the source, tries once more; entries that still could
 *    not be written are reported at ERROR (lost: they never reached the disk), then completes.
 * 4. Errors pass through. The journal is not closed here (its owner closes it).
 *
 * @example
 * alerts$.pipe(journalEntries(openJournal('var', 'var/alerts.jsonl'))).subscribe((e) => console.log(e.offset));
 * // Logs: 0, 312, ...
 */
export function journalEntries(journal: JournalWriter, options: JournalEntriesOptions = {}): OperatorFunction<JournalEntry, JournaledEntry> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const retryEveryMs = options.retryEveryMs ?? 1000;
  const logger = options.logger ?? silentLogger;
  const test = options.test === true;
  return (entries$) =>
    new Observable<JournaledEntry>((subscriber) => {
      let timer: Subscription | undefined;
      const emit = (written: JournaledEntry[]) => {
        for (const entry of written) subscriber.next(entry);
        if (journal.pending > 0 && timer === undefined) {
          timer = scheduler.schedule(function () {
            emit(journal.retry());
            if (journal.pending > 0) this.schedule(undefined, retryEveryMs);
            else {
              timer = undefined;
            }
          }, retryEveryMs);
        }
      };
      const subscription = entries$.subscribe({
        next: (entry) => emit(journal.append(entry, test)),
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          emit(journal.retry());
          if (journal.pending > 0) {
            logger.error(`${journal.pending} record(s) could not be written to ${journal.path} and are lost (they are in the log above)`);
          }
          subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        timer?.unsubscribe();
      };
    });
}
