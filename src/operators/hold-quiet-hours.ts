import { asyncScheduler, type MonoTypeOperatorFunction, Observable, type SchedulerLike, type Subscription } from 'rxjs';
import { type QuietHours, quietStateAt } from '../domain/quiet-hours.js';

/**
 * Holds values back while the scheduler's clock is in quiet hours and lets
 * them all go at once when the quiet hours end (one digest downstream).
 *
 * 1. Outside quiet hours, emits each value synchronously.
 * 2. A value arriving in quiet hours (by `scheduler.now()`, the time of
 *    delivery, not the value's own: a backlog journaled earlier waits too) is
 *    held; a timer at the end of the quiet period (computed in the zone, DST
 *    included; see `quietStateAt`) emits every held value, in order, in the
 *    same instant.
 * 3. Completes with the source without emitting what is held: the caller's
 *    source of truth (the journal, beyond the channel's cursor) still has it.
 *    Errors pass through; unsubscribing cancels the timer.
 *
 * @param quiet the quiet hours; `deliver` is not read here (the caller holds only for `digest`).
 * @param scheduler the clock and the timer; default `asyncScheduler`.
 *
 * @example
 * // 22:00-07:00 Europe/Berlin; an alert at 23:10 local time
 * journaled$.pipe(holdQuietHours(quiet)).subscribe(deliver);
 * // deliver is called at 07:00 local time with it, and with every other alert held since 22:00
 */
export function holdQuietHours<T>(quiet: QuietHours, scheduler: SchedulerLike = asyncScheduler): MonoTypeOperatorFunction<T> {
  return (source$) =>
    new Observable<T>((subscriber) => {
      let held: T[] = [];
      let timer: Subscription | undefined;
      const release = () => {
        timer = undefined;
        const out = held;
        held = [];
        for (const value of out) subscriber.next(value);
      };
      const subscription = source$.subscribe({
        next: (value) => {
          const now = scheduler.now();
          const state = timer === undefined ? quietStateAt(now, quiet) : undefined;
          if (timer === undefined && state?.quiet !== true) {
            subscriber.next(value);
            return;
          }
          held.push(value);
          if (timer === undefined && state?.quiet === true) timer = scheduler.schedule(release, state.endsAt - now);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        subscription.unsubscribe();
        timer?.unsubscribe();
      };
    });
}
