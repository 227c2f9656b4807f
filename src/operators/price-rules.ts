import { Observable, type OperatorFunction } from 'rxjs';
import type { Direction, PriceRule } from '../domain/alert.js';
import type { Thresholds } from '../domain/config-types.js';
import { reachesThreshold } from './alert-level.js';
import { ALERT_SLOTS } from './alert-slot.js';
import type { TickMetrics } from './tick-metrics.js';

/**
 * One rule's reading on one tick, in one direction: how far the price has moved
 * that way. Readings below the threshold are emitted too, because re-arming a
 * key (see `dedupeAlerts`) needs to see the move fade.
 */
export interface AlertCandidate {
  /** Exchange event time of the tick (ms). */
  readonly ts: number;
  readonly exchange: string;
  readonly symbol: string;
  readonly price: number;
  /** Local receive time of the tick, when known. */
  readonly receivedAt?: number;
  readonly rule: PriceRule;
  readonly direction: Direction;
  /** Size of the move in `direction`, a fraction >= 0 (0 when the price moved the other way). */
  readonly magnitude: number;
  /** True when `magnitude` reaches the rule's threshold. */
  readonly hit: boolean;
  /** Signed fraction: price / reference - 1. */
  readonly change: number;
  /** The price the move is measured from: the 24 h reference, or the short window's low (up) or high (down). */
  readonly reference: number;
  /** When the reference was seen, when known. */
  readonly referenceTs: number | undefined;
  /** Length of the rule's window (ms). */
  readonly windowMs: number;
  /** Fraction (0..1) of the window the reading is based on. */
  readonly coverage: number;
}

/** The rules' thresholds by slot of {@link ALERT_SLOTS}. */
export function thresholdsBySlot(thresholds: Thresholds): readonly number[] {
  return ALERT_SLOTS.map(({ rule }) => (rule === 'pct_24h' ? thresholds.pct_24h : thresholds.pct_short));
}

/**
 * The size (a fraction >= 0) of a move for the (rule, direction) of `slot`, from
 * the three numbers the rules read: `pct_24h` from its reference (`change24h`),
 * `pct_short` up from the window's low (`shortUp`), down from its high (`shortDown`).
 */
export function slotMagnitude(slot: number, change24h: number, shortUp: number, shortDown: number): number {
  switch (slot) {
    case 0:
      return change24h > 0 ? change24h : 0;
    case 1:
      return change24h < 0 ? -change24h : 0;
    case 2:
      return shortUp;
    default:
      return -shortDown;
  }
}

/** {@link slotMagnitude} of a tick's metrics. */
export function ruleMagnitude(m: TickMetrics, slot: number): number {
  return slotMagnitude(slot, m.change24h, m.shortUp, m.shortDown);
}

/** The full reading of `slot` for a tick, given the slot's threshold. */
export function ruleCandidate(m: TickMetrics, slot: number, threshold: number): AlertCandidate {
  const { rule, direction } = ALERT_SLOTS[slot]!;
  const magnitude = ruleMagnitude(m, slot);
  const day = rule === 'pct_24h';
  const up = direction === 'up';
  return {
    ts: m.ts,
    exchange: m.exchange,
    symbol: m.symbol,
    price: m.price,
    receivedAt: m.receivedAt,
    rule,
    direction,
    magnitude,
    hit: reachesThreshold(magnitude, threshold),
    change: day ? m.change24h : up ? m.shortUp : m.shortDown,
    reference: day ? m.reference24h : up ? m.shortLow : m.shortHigh,
    referenceTs: day ? m.reference24hTs : up ? m.shortLowTs : m.shortHighTs,
    windowMs: day ? m.window24hMs : m.windowShortMs,
    coverage: day ? m.coverage24h : m.coverageShort,
  };
}

/**
 * Applies the price rules to each tick's metrics.
 *
 * - `pct_24h`: change = price / reference - 1; up when positive, down when negative.
 * - `pct_short`: up = price / the window's low - 1, down = price / the window's high - 1,
 *   so a 2 % rise from the low counts even when the window started higher.
 *
 * 1. Emits four {@link AlertCandidate}s per metrics, synchronously, in this order:
 *    `pct_24h` up, `pct_24h` down, `pct_short` up, `pct_short` down; `hit` says
 *    whether the magnitude reaches the rule's threshold.
 * 2. Completes and errors with the source.
 *
 * Hand-written rather than `mergeMap` to an array: an inner subscription per
 * tick would cost more than the rules themselves.
 *
 * @example
 * ticks$.pipe(tickMetrics(DEFAULT_THRESHOLDS), priceRules(DEFAULT_THRESHOLDS), filter((c) => c.hit))
 *   .subscribe((c) => console.log(c.rule, c.direction));
 * // Logs: pct_short up
 *
 * @see dedupeAlerts, which turns the readings into one alert per move.
 */
export function priceRules(thresholds: Thresholds): OperatorFunction<TickMetrics, AlertCandidate> {
  const bySlot = thresholdsBySlot(thresholds);
  return (source) =>
    new Observable<AlertCandidate>((subscriber) => {
      const subscription = source.subscribe({
        next(metrics) {
          for (let slot = 0; slot < bySlot.length; slot++) subscriber.next(ruleCandidate(metrics, slot, bySlot[slot]!));
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => subscription.unsubscribe();
    });
}
