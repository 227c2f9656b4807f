/** `alerts.quiet_hours`, decoded: local wall-clock times in an IANA zone. */
export interface QuietHours {
  /** Start, minutes after local midnight (22:00 is 1320). */
  readonly from: number;
  /** End (exclusive), minutes after local midnight; before `from` when the quiet hours cross midnight. */
  readonly to: number;
  /** IANA zone, e.g. `Europe/Berlin` (default `UTC`). */
  readonly time_zone: string;
  /** `digest`: held back and delivered as one digest when they end; `drop`: price alerts are not delivered at all. */
  readonly deliver: 'digest' | 'drop';
}

/** Whether `ts` is in quiet hours, and when they end. */
export type QuietState = { readonly quiet: false } | { readonly quiet: true; readonly endsAt: number };

interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  /** Minutes after local midnight. */
  readonly minutes: number;
  /** Offset of the zone from UTC at that instant, ms. */
  readonly offsetMs: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** True when `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The local date and time of the instant `ts` in `timeZone` (through Intl: the runtime's tz database). */
function wallClock(ts: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(ts)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  const { year, month, day, hour, minute, second } = parts as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number>;
  const seconds = Math.floor(ts / 1000) * 1000;
  return { year, month, day, minutes: hour * 60 + minute, offsetMs: Date.UTC(year, month - 1, day, hour, minute, second) - seconds };
}

/**
 * The first instant at which the local wall clock of `timeZone` reads at least
 * `minutes` on the local date year-month-day: the instant itself when that
 * time exists (the earlier one when it exists twice, at a fall-back), the end
 * of the gap when a spring-forward skips it.
 */
function localInstant(year: number, month: number, day: number, minutes: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day, 0, minutes);
  // The offsets a day before and after cover both sides of any transition that day.
  const offsets = [wallClock(wall - 86_400_000, timeZone).offsetMs, wallClock(wall + 86_400_000, timeZone).offsetMs];
  const candidates = [...new Set(offsets)].map((offset) => wall - offset).sort((a, b) => a - b);
  const reads = (ts: number) => {
    const clock = wallClock(ts, timeZone);
    return Date.UTC(clock.year, clock.month - 1, clock.day, 0, clock.minutes);
  };
  for (const ts of candidates) if (reads(ts) === wall) return ts;
  // A gap: the transition lies between the candidates; the first minute reading later than `wall`.
  let low = candidates[0]!;
  let high = candidates[candidates.length - 1]!;
  while (high - low > 60_000) {
    const mid = low + Math.floor((high - low) / 120_000) * 60_000;
    if (reads(mid) >= wall) high = mid;
    else low = mid;
  }
  return high;
}

/**
 * Whether `ts` falls in the quiet hours and, when it does, the instant they
 * end, computed in the configured zone: correct across midnight (`22:00` to
 * `07:00` is one period spanning two local dates) and across DST changes (a
 * period containing a fall-back is an hour longer in UTC, one containing a
 * spring-forward an hour shorter; an end that falls in the skipped hour ends
 * when the clock jumps).
 *
 * @example
 * const quiet = { from: 22 * 60, to: 7 * 60, time_zone: 'Europe/Berlin', deliver: 'digest' } as const;
 * quietStateAt(Date.parse('2026-10-24T21:00:00Z'), quiet);
 * // { quiet: true, endsAt: Date.parse('2026-10-25T06:00:00Z') }  (07:00 CET, after the fall-back)
 */
export function quietStateAt(ts: number, quiet: QuietHours): QuietState {
  const { from, to, time_zone: zone } = quiet;
  if (from === to) return { quiet: false };
  const clock = wallClock(ts, zone);
  const m = clock.minutes;
  const crossesMidnight = from > to;
  const inQuiet = crossesMidnight ? m >= from || m < to : m >= from && m < to;
  if (!inQuiet) return { quiet: false };
  // Before `to` on this local date, or (crossing midnight, after `from`) at `to` on the next one.
  const next = crossesMidnight && m >= from ? new Date(Date.UTC(clock.year, clock.month - 1, clock.day + 1)) : undefined;
  const endsAt = next
    ? localInstant(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), to, zone)
    : localInstant(clock.year, clock.month, clock.day, to, zone);
  // A fall-back can make the wall clock read before `to` again after the end; never end in the past.
  return endsAt > ts ? { quiet: true, endsAt } : { quiet: false };
}

/** `22:00` → 1320; undefined for anything but HH:MM (00:00-23:59). */
export function parseClockTime(text: string): number | undefined {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}
