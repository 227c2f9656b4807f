/**
 * JSON.stringify replacer: a fractional number with 12 significant digits, so a
 * record says `"change":0.06`, not `0.06000000000000005` (binary float noise from
 * `(price - reference) / reference`); far more precision than a price or a
 * fraction of a window means. Integers (times, levels) are untouched. The journal
 * and the `json` webhook body write alerts through it, so both say the same.
 *
 * @example
 * JSON.stringify({ change: 0.1 + 0.2, ts: 1 }, withoutFloatNoise);
 * // Logs: {"change":0.3,"ts":1}
 */
export function withoutFloatNoise(_key: string, value: unknown): unknown {
  return typeof value === 'number' && Number.isFinite(value) && !Number.isInteger(value) ? Number(value.toPrecision(12)) : value;
}
