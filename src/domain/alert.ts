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
  /** Fraction (0..1) of the window for which we had data. */
  readonly coverage: number;
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

/** Everything the sinks (log, journal, email) deliver. */
export type Alert = PriceAlert | FeedAlert;
