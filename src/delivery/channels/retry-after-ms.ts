/**
 * Reads an HTTP `Retry-After` value (RFC 9110 10.2.3): delay-seconds
 * (`120`) or an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`), as ms from `now`.
 *
 * 1. Seconds: `seconds x 1000` (fractions allowed, negatives ignored).
 * 2. A date: the time until it, at least 0 (a date in the past means now).
 * 3. Absent or unreadable: `undefined`, and the caller's own backoff applies.
 *
 * @example
 * [retryAfterMs('30', 0), retryAfterMs('Thu, 01 Jan 1970 00:00:05 GMT', 0), retryAfterMs('soon', 0)];
 * // Logs: [ 30000, 5000, undefined ]
 */
export function retryAfterMs(value: string | string[] | undefined, now: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date) || !/[a-z]/i.test(text)) return undefined;
  return Math.max(0, date - now);
}
