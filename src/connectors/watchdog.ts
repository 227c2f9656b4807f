import { asyncScheduler, type MonoTypeOperatorFunction, type Observable, type SchedulerLike, throwError, timeout } from 'rxjs';

/** A connection delivered nothing at all (no frame, no pong) for too long: the transport is dead. */
export class StaleFeedError extends Error {
  override readonly name = 'StaleFeedError';
  readonly code = 'FEED_SILENT';
  constructor(readonly silentMs: number) {
    super(`no message for ${silentMs} ms`);
  }
}

/**
 * Errors with a {@link StaleFeedError} when the source stays silent for
 * `staleAfterMs`, counted from subscription and from each value.
 *
 * 1. Mirrors every value of the source.
 * 2. Errors with `StaleFeedError` after `staleAfterMs` without a value.
 * 3. Completes and errors with the source; unsubscribing cancels the timer.
 *
 * @example
 * // marbles: source '-a 50ms b 200ms c', watchdog(100) → '-a 50ms b 99ms #'
 * socketEvents$.pipe(watchdog(30_000)).subscribe({ error: (e) => console.log(e.message) });
 * // Logs: no message for 30000 ms
 *
 * @see https://rxjs.dev/api/operators/timeout
 */
export function watchdog<T>(staleAfterMs: number, scheduler: SchedulerLike = asyncScheduler): MonoTypeOperatorFunction<T> {
  return timeout<T, Observable<never>>({ each: staleAfterMs, with: () => throwError(() => new StaleFeedError(staleAfterMs)), scheduler });
}
