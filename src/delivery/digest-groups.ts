import { asyncScheduler, buffer, connect, exhaustMap, filter, timer, type OperatorFunction, type SchedulerLike } from 'rxjs';

/**
 * Groups a burst into one digest: the first item opens a group, and everything
 * that arrives within `groupWaitMs` of it goes out with it, as one array.
 *
 * 1. Emits a group `groupWaitMs` after its first item (never an empty group).
 * 2. On completion of the source, emits the open group at once, then completes:
 *    a shutdown does not wait for the timer.
 * 3. Errors pass through; the open group is dropped with them.
 *
 * @param groupWaitMs The digest window (a channel's `group_wait_ms`), ms.
 * @param scheduler Runs the group timer; the default `asyncScheduler` uses real time.
 * @example
 * // group_wait_ms 5000: a crash of 30 symbols within 2 s becomes one message.
 * alerts$.pipe(digestGroups(5000)).subscribe((group) => console.log(group.length));
 * // Logs: 30
 * @see deliverChannel, which sends each group as one batch.
 */
export function digestGroups<T>(groupWaitMs: number, scheduler: SchedulerLike = asyncScheduler): OperatorFunction<T, T[]> {
  return connect((items$) =>
    items$.pipe(
      buffer(items$.pipe(exhaustMap(() => timer(groupWaitMs, scheduler)))),
      filter((group) => group.length > 0),
    ),
  );
}
