import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { Observable, type OperatorFunction } from 'rxjs';
import type { Alert } from '../domain/alert.js';
import { type Logger, silentLogger } from '../log.js';
import { errorMessage } from '../domain/error-message.js';

/** Options of {@link journalSink}. */
export interface JournalSinkOptions {
  /** Where write failures are reported. Default: nothing is logged. */
  readonly logger?: Logger;
}

/**
 * Appends every alert to a JSON Lines journal (`<state_dir>/alerts.jsonl`),
 * then passes it on, so anything downstream (email) sees an alert only after
 * it is on disk.
 *
 * 1. Opens the file (creating its directory) on subscription, in append mode.
 * 2. Each alert is written synchronously as one line, then emitted.
 * 3. A failed write is logged at ERROR and the alert still goes on: the email
 *    must not be lost because the disk is full.
 * 4. Completes and errors with the source; closes the file on teardown.
 *
 * @example
 * alerts$.pipe(journalSink('var/alerts.jsonl')).subscribe((alert) => console.log(alert.rule));
 * // Logs: pct_24h   (and var/alerts.jsonl gains one line)
 * @see emailSink, which is piped after it in the service.
 */
export function journalSink(path: string, options: JournalSinkOptions = {}): OperatorFunction<Alert, Alert> {
  const logger = options.logger ?? silentLogger;
  return (alerts$) =>
    new Observable<Alert>((subscriber) => {
      let fd: number | undefined;
      try {
        mkdirSync(dirname(path), { recursive: true });
        fd = openSync(path, 'a');
      } catch (error) {
        logger.error(`cannot open journal ${path}: ${errorMessage(error)}; alerts are not journaled`);
      }
      const subscription = alerts$.subscribe({
        next(alert) {
          if (fd !== undefined) {
            try {
              writeSync(fd, `${JSON.stringify(alert)}\n`);
            } catch (error) {
              logger.error(`cannot append to journal ${path}: ${errorMessage(error)}`);
            }
          }
          subscriber.next(alert);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        subscription.unsubscribe();
        if (fd !== undefined) closeSync(fd);
      };
    });
}
