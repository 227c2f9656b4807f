/**
 * A price rule: the 24 h change, the short-window move, or a price level crossed
 * upwards (`level_above`, direction `up`) or downwards (`level_below`, direction `down`).
 */
export type PriceRule = 'pct_24h' | 'pct_short' | 'level_above' | 'level_below';

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
  /** The price the change is measured from; for a level rule, the level crossed (the same as `threshold`). */
  readonly reference: number;
  /** When the reference price was seen (ms), when known. */
  readonly referenceTs?: number;
  /** Length of the rule's window (ms); 0 for a level rule, which has no window. */
  readonly windowMs: number;
  /**
   * 1 for the first crossing, n for the crossing of n x threshold (escalation).
   * For a level rule: how many of the symbol's levels the price is past, counted
   * from the nearest (`above` levels upwards, `below` levels downwards), so the
   * n-th level is the one named by `threshold`.
   */
  readonly level: number;
  /**
   * The level this move had already alerted at, when this alert is an escalation
   * of it; absent on a move's first alert (which may start above level 1 when the
   * price jumped past 2 x the threshold at once: that is no escalation).
   */
  readonly fromLevel?: number;
  /**
   * The threshold that fired: for `pct_24h` and `pct_short` the fraction the move
   * had to reach (0.05 = 5 %; an escalation to level n crossed n x this), as
   * configured for this exchange and symbol; for `level_above` / `level_below`
   * the price level crossed (the highest crossed for above, the lowest for below).
   * Absent only in journal lines written before thresholds were recorded.
   */
  readonly threshold?: number;
  /** Fraction (0..1) of the window for which we had data; 1 for a level rule. */
  readonly coverage: number;
  /** Local time (ms) the tick that raised the alert was received, when known (live feeds): tick-to-alert latency. */
  readonly receivedAt?: number;
  /** Id of the silence that held this alert back (journaled, never delivered); absent when delivered. */
  readonly silencedBy?: string;
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
  /** Id of the silence that held this alert back (journaled, never delivered); absent when delivered. */
  readonly silencedBy?: string;
}

/** One side of a divergence: a symbol's price on one exchange. */
export interface DivergenceSide {
  readonly exchange: string;
  /** Canonical `BASE/QUOTE`. */
  readonly symbol: string;
  /** The price compared (the side's latest tick). */
  readonly price: number;
  /** Time of that tick (exchange event time, ms). */
  readonly ts: number;
}

/**
 * A cross-exchange divergence (`alerts.divergence`): the same symbol (or a
 * configured pair of symbols) priced more than `threshold` apart on two
 * exchanges, continuously for `min_duration_ms`, both prices fresh. One alert per
 * episode; a `DivergenceRearmed` ends the episode.
 */
export interface DivergenceAlert {
  readonly kind: 'divergence';
  readonly rule: 'divergence';
  /** When the alert was raised: `since` + `min_duration_ms` (tick time, ms). */
  readonly ts: number;
  /**
   * What is compared, the episode's key: the canonical symbol when every exchange
   * watching it is compared (`BTC/USDT`), or a configured pair written
   * `binance:BTC/USDT~coinbase:BTC/USD`.
   */
  readonly group: string;
  /** The higher-priced side. */
  readonly high: DivergenceSide;
  /** The lower-priced side. */
  readonly low: DivergenceSide;
  /** `high.price / low.price - 1` when the alert was raised: 0.012 is 1.2 % apart. */
  readonly spread: number;
  /** `alerts.divergence.pct`, the fraction the spread had to exceed. */
  readonly threshold: number;
  /** When the spread first exceeded the threshold in this episode (tick time, ms). */
  readonly since: number;
  /** Id of the silence that held this alert back (journaled, never delivered); absent when delivered. */
  readonly silencedBy?: string;
}

/** Everything the log, the journal and the alert channels deliver. */
export type Alert = PriceAlert | FeedAlert | DivergenceAlert;

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
  /**
   * The level the key fell back to, when not 0: only a level rule falls back
   * part way (the price moved back past its highest crossed level, but not past
   * the one below it). Absent means 0 (armed).
   */
  readonly rearmedTo?: number;
}

/**
 * A divergence episode that ended, so the next divergence of its group alerts
 * again: the spread fell below `pct x (1 - hysteresis)` (`reason: 'converged'`),
 * or fewer than two fresh prices are left to compare (`reason: 'stale'`: a
 * feed went down or a price aged past `max_age_ms`; an outage is not a
 * divergence). Not an alert: journaled so a restart resumes the episode, and
 * Alertmanager resolves the firing divergence with it.
 */
export interface DivergenceRearmed {
  readonly kind: 'rearm';
  readonly rule: 'divergence';
  /** When the episode ended (tick time, ms). */
  readonly ts: number;
  /** The episode's group (see `DivergenceAlert.group`). */
  readonly group: string;
  /** The two sides the episode's alert named, without prices. */
  readonly high: Pick<DivergenceSide, 'exchange' | 'symbol'>;
  readonly low: Pick<DivergenceSide, 'exchange' | 'symbol'>;
  readonly reason: 'converged' | 'stale';
  /** The spread measured when it converged; absent for `stale`. */
  readonly spread?: number;
}

/** A re-arm of either kind: a price move's or a divergence episode's. */
export type Rearmed = MoveRearmed | DivergenceRearmed;

/**
 * One line of the journal (`<state_dir>/alerts.jsonl`): an alert, a re-arm, or
 * a `--test-alert` (an alert marked `test: true`, never a dedupe input).
 */
export type JournalEntry = Alert | Rearmed;
