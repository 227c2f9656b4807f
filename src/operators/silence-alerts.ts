import { Observable, type OperatorFunction } from 'rxjs';
import type { JournalEntry } from '../domain/alert.js';
import { type Silence, silenceHolds } from '../domain/silence.js';

/**
 * Marks every alert that a silence holds back with `silencedBy` (the id of the
 * first such silence), so that it is journaled and counted but never delivered.
 *
 * 1. Emits every entry of the source, synchronously, in order: an alert held
 *    by one of the latest `silences$` at the alert's own `ts` (never the wall
 *    clock) as `{ ...alert, silencedBy: id }`, anything else unchanged
 *    (re-arms are never marked: a receiver may need them to resolve).
 * 2. Before `silences$` emits, nothing is silenced; each emission replaces the set.
 * 3. Completes with the source; errors with the source or `silences$`.
 *
 * A feed alert is held only by a match naming its rule (see `silenceHolds`).
 *
 * @param silences$ the silences in force, the whole set per emission (config ones and runtime ones).
 *
 * @example
 * const silences$ = of([{ id: 'config-1', match: { symbol: 'DOGE/USDT' }, source: 'config' }]);
 * alerts$.pipe(silenceAlerts(silences$)).subscribe((a) => console.log(a.kind !== 'rearm' && a.silencedBy));
 * // Logs: config-1 (for a DOGE/USDT alert), undefined (for any other)
 */
export function silenceAlerts(silences$: Observable<readonly Silence[]>): OperatorFunction<JournalEntry, JournalEntry> {
  return (entries$) =>
    new Observable<JournalEntry>((subscriber) => {
      let silences: readonly Silence[] = [];
      const watch = silences$.subscribe({
        next: (latest) => {
          silences = latest;
        },
        error: (error: unknown) => subscriber.error(error),
      });
      const subscription = entries$.subscribe({
        next: (entry) => {
          if (entry.kind === 'rearm' || entry.silencedBy !== undefined) {
            subscriber.next(entry);
            return;
          }
          const holding = silences.find((silence) => silenceHolds(silence, entry));
          subscriber.next(holding ? { ...entry, silencedBy: holding.id } : entry);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        watch.unsubscribe();
        subscription.unsubscribe();
      };
    });
}
