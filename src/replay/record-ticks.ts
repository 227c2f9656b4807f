import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { asyncScheduler, type MonoTypeOperatorFunction, Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { Tick } from '../domain/tick.js';
import { type Logger, silentLogger } from '../log.js';
import { formatTickLine } from './format-tick-line.js';

/** Options of {@link recordTicks}. */
export interface RecordTicksOptions {
  /** Buffered bytes that trigger a write. Default 65536. */
  readonly flushBytes?: number;
  /** Buffered ticks are written at the latest this many ms after the first of them (on `scheduler`). Default 1000. */
  readonly flushEveryMs?: number;
  /** Clock of the periodic flush. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Gets an ERROR if writing fails. Default: silent. */
  readonly logger?: Logger;
}

/**
 * Appends every tick that passes through to a tick file (JSON Lines, one tick per
 * line, see `formatTickLine`), and passes the ticks on unchanged.
 *
 * Lines are buffered and written with `writeSync` when `flushBytes` have piled up,
 * `flushEveryMs` after the first buffered tick, and on complete, error and
 * unsubscribe (then the file is closed). The file is opened for appending when
 * subscribed (its folder created if need be), so a restarted service continues it.
 *
 * 1. Emits each tick unchanged, synchronously.
 * 2. Errors at subscription, with `cannot open tick recording <path>: ...`, when
 *    the file cannot be opened.
 * 3. If a write fails later (disk full...), logs one ERROR, stops recording and
 *    keeps passing ticks: the recording is a by-product, not worth the live alerts.
 * 4. Completes and errors with the source.
 *
 * @example
 * ticks$.pipe(recordTicks('var/ticks.jsonl', { logger }), detectAlerts(thresholds)).subscribe();
 * // Logs: nothing; var/ticks.jsonl grows by one line per tick
 *
 * @see replayTicks, which plays such a file back.
 */
export function recordTicks(path: string, options: RecordTicksOptions = {}): MonoTypeOperatorFunction<Tick> {
  const flushBytes = options.flushBytes ?? 65_536;
  const flushEveryMs = options.flushEveryMs ?? 1000;
  const scheduler = options.scheduler ?? asyncScheduler;
  const logger = options.logger ?? silentLogger;

  return (ticks) =>
    new Observable<Tick>((subscriber) => {
      let fd: number | undefined;
      try {
        mkdirSync(dirname(path), { recursive: true });
        fd = openSync(path, 'a');
      } catch (error) {
        subscriber.error(new Error(`cannot open tick recording ${path}: ${error instanceof Error ? error.message : String(error)}`));
        return;
      }
      let buffered: string[] = [];
      let bufferedBytes = 0;
      let timer: Subscription | undefined;

      const flush = () => {
        timer?.unsubscribe();
        timer = undefined;
        if (fd === undefined || buffered.length === 0) return;
        const text = buffered.join('');
        buffered = [];
        bufferedBytes = 0;
        try {
          writeSync(fd, text);
        } catch (error) {
          logger.error(`recording ticks to ${path} failed, recording stopped: ${error instanceof Error ? error.message : String(error)}`);
          close();
        }
      };

      const close = () => {
        if (fd === undefined) return;
        const open = fd;
        fd = undefined;
        buffered = [];
        bufferedBytes = 0;
        try {
          closeSync(open);
        } catch {
          // Closing a file we could not write to may fail too; the ERROR is logged already.
        }
      };

      const subscription = ticks.subscribe({
        next(tick) {
          if (fd !== undefined) {
            const line = `${formatTickLine(tick)}\n`;
            buffered.push(line);
            bufferedBytes += line.length;
            if (bufferedBytes >= flushBytes) flush();
            else timer ??= scheduler.schedule(flush, flushEveryMs);
          }
          subscriber.next(tick);
        },
        error(error: unknown) {
          flush();
          close();
          subscriber.error(error);
        },
        complete() {
          flush();
          close();
          subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        flush();
        close();
      };
    });
}
