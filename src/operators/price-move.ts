import type { MoveRearmed, PriceAlert } from '../domain/alert.js';
import type { AlertCandidate } from './price-rules.js';
import { RULE_TABLE } from './rule-table.js';

/**
 * What the dedupe step says about a move: an alert when a key's level rises, a
 * re-arm when it falls back to 0. Re-arms are rare (once per move at most).
 */
export type PriceMove = PriceAlert | MoveRearmed;

/** True for the alerts of a {@link PriceMove} stream (`filter(isPriceAlert)` drops the re-arms). */
export function isPriceAlert(move: PriceMove): move is PriceAlert {
  return move.kind === 'price';
}

/**
 * The alert for a reading that raised its key to `level` from `fromLevel` (0: the
 * move's first alert; an escalation says `fromLevel`), carrying the threshold
 * that fired (`threshold`, else `fallbackThreshold`). For a level rule the
 * alert names the `level`-th level of the reading's `levels`: reference and
 * threshold are that level, change is measured from it.
 */
export function priceAlertOf(candidate: AlertCandidate, level: number, fromLevel = 0, fallbackThreshold?: number): PriceAlert {
  const { ts, exchange, symbol, rule, direction, price, windowMs, coverage, receivedAt } = candidate;
  let { change, reference, referenceTs, threshold } = candidate;
  if (candidate.levels !== undefined) {
    reference = candidate.levels[level - 1]!;
    change = price / reference - 1;
    referenceTs = undefined;
    threshold = reference;
  }
  threshold ??= fallbackThreshold;
  const base: PriceAlert =
    referenceTs === undefined
      ? { kind: 'price', ts, exchange, symbol, rule, direction, change, price, reference, windowMs, level, coverage }
      : { kind: 'price', ts, exchange, symbol, rule, direction, change, price, reference, referenceTs, windowMs, level, coverage };
  const escalated: PriceAlert = fromLevel > 0 ? { ...base, fromLevel } : base;
  const alert = threshold === undefined ? escalated : { ...escalated, threshold };
  // Only when known (live feeds), so replayed and library alerts stay as they were.
  return receivedAt === undefined ? alert : { ...alert, receivedAt };
}

/**
 * The re-arm of the key of `row` (of `RULE_TABLE`) on a tick at `ts`, which had
 * reached `level` and fell back to `to` (0, armed, unless a level rule fell back part way).
 */
export function moveRearmedOf(exchange: string, symbol: string, row: number, ts: number, level: number, to = 0): MoveRearmed {
  const { rule, direction } = RULE_TABLE[row]!;
  const rearm: MoveRearmed = { kind: 'rearm', ts, exchange, symbol, rule, direction, level };
  return to > 0 ? { ...rearm, rearmedTo: to } : rearm;
}
