import type { Direction, PriceRule } from '../domain/alert.js';

/** Which reading a move rule's magnitude is taken from: see {@link RuleRow.reading}. */
export const READING = { change24h: 0, shortUp: 1, shortDown: 2 } as const;

/**
 * One row of the rules table: a (rule, direction) key and how it is measured.
 *
 * Every row has every field (one object shape, so the hot loop's property reads
 * stay monomorphic); the fields that do not apply to a row's `kind` are `-1` or `''`.
 */
export interface RuleRow {
  /** `move`: a percentage move against a threshold; `level`: a price level crossed. */
  readonly kind: 'move' | 'level';
  readonly rule: PriceRule;
  readonly direction: Direction;
  /**
   * Move rows: the index in the per-tick readings ({@link READING}) the magnitude
   * is read from; magnitude = max(0, sign x reading). Level rows: -1.
   */
  readonly reading: number;
  /** +1 when a positive reading is a move in `direction`, -1 when a negative one is. 0 for level rows. */
  readonly sign: number;
  /** The threshold key of the row (`pct_24h`, `pct_short`), or the levels key (`above`, `below`). */
  readonly threshold: 'pct_24h' | 'pct_short' | 'above' | 'below';
  /** The window the row reads: `day` (`window_24h_ms`), `short` (`window_short_ms`), or `none` (levels). */
  readonly window: 'day' | 'short' | 'none';
  /** The `TickMetrics` field of the signed change an alert reports (move rows), else ''. */
  readonly change: 'change24h' | 'shortUp' | 'shortDown' | '';
  /** The `TickMetrics` field the move is measured from (move rows), else ''. */
  readonly reference: 'reference24h' | 'shortLow' | 'shortHigh' | '';
  /** The `TickMetrics` field of when that reference was seen (move rows), else ''. */
  readonly referenceTs: 'reference24hTs' | 'shortLowTs' | 'shortHighTs' | '';
}

/**
 * The rules, one row per (rule, direction) key, in the order they are evaluated
 * and alerts raised for a tick. Adding a rule is adding a row here (and, for a
 * new kind, its step in `nextRuleLevel`). Per-symbol state (dedupe levels, the
 * resolved thresholds) is indexed by row, never by a key string.
 *
 * - `pct_24h` up / down: the change against the 24 h reference (the exchange's open or our window's oldest price).
 * - `pct_short` up / down: the rise from the short window's low, the fall from its high.
 * - `level_above` / `level_below`: the price rising through a level of `above`, falling through one of `below`.
 */
export const RULE_TABLE: readonly RuleRow[] = [
  { kind: 'move', rule: 'pct_24h', direction: 'up', reading: READING.change24h, sign: 1, threshold: 'pct_24h', window: 'day', change: 'change24h', reference: 'reference24h', referenceTs: 'reference24hTs' },
  { kind: 'move', rule: 'pct_24h', direction: 'down', reading: READING.change24h, sign: -1, threshold: 'pct_24h', window: 'day', change: 'change24h', reference: 'reference24h', referenceTs: 'reference24hTs' },
  { kind: 'move', rule: 'pct_short', direction: 'up', reading: READING.shortUp, sign: 1, threshold: 'pct_short', window: 'short', change: 'shortUp', reference: 'shortLow', referenceTs: 'shortLowTs' },
  { kind: 'move', rule: 'pct_short', direction: 'down', reading: READING.shortDown, sign: -1, threshold: 'pct_short', window: 'short', change: 'shortDown', reference: 'shortHigh', referenceTs: 'shortHighTs' },
  { kind: 'level', rule: 'level_above', direction: 'up', reading: -1, sign: 0, threshold: 'above', window: 'none', change: '', reference: '', referenceTs: '' },
  { kind: 'level', rule: 'level_below', direction: 'down', reading: -1, sign: 0, threshold: 'below', window: 'none', change: '', reference: '', referenceTs: '' },
];

/** How many rows of {@link RULE_TABLE} are move rows: they come first, so a symbol without levels evaluates only these. */
export const MOVE_ROWS = RULE_TABLE.filter((row) => row.kind === 'move').length;

/** The row of a (rule, direction) key in {@link RULE_TABLE}, or -1 for a pair that is no rule (e.g. `level_above` down). */
export function ruleRow(rule: string, direction: string): number {
  return ROW_BY_KEY.get(`${rule} ${direction}`) ?? -1;
}

const ROW_BY_KEY = new Map(RULE_TABLE.map((row, i) => [`${row.rule} ${row.direction}`, i]));

/**
 * Fresh dedupe levels of one (exchange, symbol), one per row of {@link RULE_TABLE}:
 * 0 (armed) for a move row, NaN (not seen yet) for a level row, whose first
 * reading starts it at the levels already past (see `nextPriceLevel`).
 */
export function initialLevels(): Float64Array {
  const levels = new Float64Array(RULE_TABLE.length);
  for (let row = MOVE_ROWS; row < levels.length; row++) levels[row] = Number.NaN;
  return levels;
}
