import type { MoveRearmed, PriceAlert } from '../domain/alert.js';
import { ALERT_SLOTS } from './alert-slot.js';
import type { AlertCandidate } from './price-rules.js';

/**
 * What the dedupe step says about a move: an alert when a key's level rises, a
 * re-arm when it falls back to 0. Re-arms are rare (once per move at most).
 */
export type PriceMove = PriceAlert | MoveRearmed;

/** True for the alerts of a {@link PriceMove} stream (`filter(isPriceAlert)` drops the re-arms). */
export function isPriceAlert(move: PriceMove): move is PriceAlert {
  return move.kind === 'price';
}

/** The alert for a reading that raised its key to `level` from `fromLevel` (0: the move's first alert). */
export function priceAlertOf(candidate: AlertCandidate, level: number, fromLevel = 0): PriceAlert {
  const { ts, exchange, symbol, rule, direction, change, price, reference, referenceTs, windowMs, coverage, receivedAt } = candidate;
  const first: PriceAlert =
    referenceTs === undefined
      ? { kind: 'price', ts, exchange, symbol, rule, direction, change, price, reference, windowMs, level, coverage }
      : { kind: 'price', ts, exchange, symbol, rule, direction, change, price, reference, referenceTs, windowMs, level, coverage };
  const alert: PriceAlert = fromLevel > 0 ? { ...first, fromLevel } : first;
  // Only when known (live feeds), so replayed and library alerts stay as they were.
  return receivedAt === undefined ? alert : { ...alert, receivedAt };
}

/** The re-arm of the key of `slot` (see `alertSlot`) on a tick at `ts`, which had reached `level`. */
export function moveRearmedOf(exchange: string, symbol: string, slot: number, ts: number, level: number): MoveRearmed {
  const { rule, direction } = ALERT_SLOTS[slot]!;
  return { kind: 'rearm', ts, exchange, symbol, rule, direction, level };
}
