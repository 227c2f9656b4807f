import { type Observable, type SchedulerLike, asyncScheduler, defer, ignoreElements, repeat, throwError, timer } from 'rxjs';

/**
 * Errors with `error()` once the scheduler's clock reaches `dueAt()`, a
 * deadline the caller moves forward as beats arrive (a variable it updates:
 * `lastDataAt + timeoutMs`), so a busy feed costs nothing per frame: one
 * timer sleeps until the deadline it last read, then reads it again.
 *
 * 1. Never emits.
 * 2. Errors with `error()` when `scheduler.now() >= dueAt()` at a wake-up.
 * 3. Never completes; unsubscribing cancels the timer.
 *
 * @example
 * let lastDataAt = scheduler.now(); // set again on every data frame
 * dataDeadline(() => lastDataAt + 30_000, () => new Error('no data for 30 s'), scheduler).subscribe({ error: (e) => console.log(e.message) });
 * // Logs: no data for 30 s (30 s after the last data frame)
 */
export function dataDeadline(dueAt: () => number, error: () => Error, scheduler: SchedulerLike = asyncScheduler): Observable<never> {
  return defer(() => {
    const remaining = dueAt() - scheduler.now();
    return remaining > 0 ? timer(remaining, scheduler) : throwError(error);
  }).pipe(repeat(), ignoreElements());
}
