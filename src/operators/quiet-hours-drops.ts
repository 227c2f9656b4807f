import { map, type MonoTypeOperatorFunction } from 'rxjs';
import type { JournalEntry } from '../domain/alert.js';
import { type QuietHours, quietStateAt } from '../domain/quiet-hours.js';

/** The `silencedBy` of a price alert dropped by `alerts.quiet_hours` with `deliver: drop`. */
export const QUIET_HOURS_SILENCE = 'quiet-hours';

/**
 * For `alerts.quiet_hours` with `deliver: drop`: marks each price alert (and divergence) raised
 * in quiet hours (by its own `ts`, in the configured zone) with
 * `silencedBy: 'quiet-hours'`, so that it is journaled and counted, never delivered.
 *
 * 1. Emits every entry synchronously: a price or divergence alert in quiet hours marked, an
 *    alert already silenced, a feed alert (an outage is never quiet-hours noise)
 *    and a re-arm unchanged.
 * 2. Completes and errors with the source.
 *
 * @example
 * alerts$.pipe(quietHoursDrops({ from: 1320, to: 420, time_zone: 'Europe/Berlin', deliver: 'drop' }));
 * // a price alert at 23:10 Berlin time comes out with silencedBy 'quiet-hours'
 */
export function quietHoursDrops(quiet: QuietHours): MonoTypeOperatorFunction<JournalEntry> {
  return map((entry) => quietHoursDrop(entry, quiet));
}

/** One entry through {@link quietHoursDrops}: marked when it is a price or divergence alert raised in quiet hours. */
export function quietHoursDrop(entry: JournalEntry, quiet: QuietHours): JournalEntry {
  return (entry.kind === 'price' || entry.kind === 'divergence') && entry.silencedBy === undefined && quietStateAt(entry.ts, quiet).quiet
    ? { ...entry, silencedBy: QUIET_HOURS_SILENCE }
    : entry;
}
