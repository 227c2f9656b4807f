/** A price rule: the 24 h change or the short-window move. */
export type PriceRule = 'pct_24h' | 'pct_short';

/** Which way a price moved. */
export type Direction = 'up' | 'down';

/** A deduplicated price alert: one per move, plus one per escalation level. */
export interface PriceAlert {
  readonly kind: 'price';
  /** Time of the tick that raised the alert (exchange event time, ms). */
  readonly ts: number;
  readonly exchange: string;
  /** Canonical `BASE/QUOTE`. */
  readonly symbol: string;
  readonly rule: PriceRule;
  readonly direction: Direction;
  /** Signed fraction: +0.0523 is a 5.23 % rise. */
  readonly change: number;
  /** Price of the tick that raised the alert. */
  readonly price: number;
  /** The price the change is measured from. */
  readonly reference: number;
  /** When the reference price was seen (ms), when known. */
  readonly referenceTs?: number;
  /** Length of the rule's window (ms). */
  readonly windowMs: number;
  /** 1 for the first crossing, n for the crossing of n x threshold (escalation). */
  readonly level: number;
  /**
   * The level this move had already alerted at, when this alert is an escalation
   * of it; absent on a move's first alert (which may start above level 1 when the
   * price jumped past 2 x the threshold at once: that is no escalation).
   */
  readonly fromLevel?: number;
  /** Fraction (0..1) of the window for which we had data. */
  readonly coverage: number;
  /** Local time (ms) the tick that raised the alert was received, when known (live feeds): tick-to-alert latency. */
  readonly receivedAt?: number;
}

/** A feed-health alert: the supervisor could not see an exchange, or can again. */
export interface FeedAlert {
  readonly kind: 'feed';
  /** When the alert was raised (ms). */
  readonly ts: number;
  readonly exchange: string;
  readonly rule: 'feed_down' | 'feed_recovered';
  /** When the feed was last live (ms). */
  readonly downSince: number;
  /** How long the feed has been (or was) blind, ms. */
  readonly blindMs: number;
  /** Why the feed is down, when known (last error or state). */
  readonly reason?: string;
}

/** Everything the log, the journal and the alert channels deliver. */
export type Alert = PriceAlert | FeedAlert;

/**
 * A move that re-armed: its magnitude fell back below the re-arm line of the
 * level it had reached, so the next crossing alerts again. Not an alert (no
 * channel but Alertmanager shows it: there it resolves the firing alert), but
 * journaled so that dedupe state and firing alerts can be rebuilt after a restart.
 */
export interface MoveRearmed {
  readonly kind: 'rearm';
  /** Time of the tick that re-armed the move (ms). */
  readonly ts: number;
  readonly exchange: string;
  readonly symbol: string;
  readonly rule: PriceRule;
  readonly direction: Direction;
  /** The level the move had reached before it re-armed. */
  readonly level: number;
}

/**
 * One line of the journal (`<state_dir>/alerts.jsonl`): an alert, a re-arm, or
 * a `--test-alert` (an alert marked `test: true`, never a dedupe input).
 */
export type JournalEntry = Alert | MoveRearmed;
