/**
 * Lifecycle of one exchange feed. Only `live` means the feed can see: market
 * data (or the exchange's heartbeat channel) arrives on every connection.
 * `stale`: a connection's data path or transport went silent; `degraded`:
 * frames arrive but all are rejected (a wrong URL, a protocol change);
 * `connecting` and `backoff`: between attempts; `stopped`: unsubscribed.
 */
export type FeedState = 'connecting' | 'live' | 'stale' | 'degraded' | 'backoff' | 'stopped';

/** A feed's state, emitted on every change. */
export interface FeedStatus {
  readonly exchange: string;
  readonly state: FeedState;
  /** When this state began (ms). */
  readonly since: number;
  /** Reconnects since the feed started. */
  readonly reconnects: number;
  /** Why the feed left `live` (error message, `stale`, `server closed 1006` ...). */
  readonly reason?: string;
  /**
   * When the feed was last live (ms): the start of the current outage, kept
   * across retries; the feed's start when it never was live. Absent while live.
   */
  readonly notLiveSince?: number;
}

/** Why a frame was dropped instead of becoming ticks. */
export type RejectionReason =
  | 'not_json'
  | 'binary'
  | 'too_large'
  | 'wrong_shape'
  | 'missing_field'
  | 'not_a_number'
  | 'bad_price'
  | 'unknown_symbol'
  | 'bad_time';

/** A typed rejection of one raw frame: the reason and a short excerpt for the log. */
export interface FrameRejection {
  readonly reason: RejectionReason;
  /** At most ~120 characters of the offending frame. */
  readonly excerpt: string;
  /** Extra words for the log, e.g. the field name. */
  readonly detail?: string;
}

/** A blind interval a feed disclosed after a reconnect. */
export interface FeedGap {
  readonly exchange: string;
  /** Time of the last tick before the outage (ms). */
  readonly from: number;
  /** Time of the first tick after it (ms). */
  readonly to: number;
}

/** Side-channel events of a feed, for logs, metrics and health (never ticks). */
export type FeedEvent =
  | { readonly type: 'status'; readonly status: FeedStatus }
  | { readonly type: 'rejected'; readonly exchange: string; readonly rejection: FrameRejection }
  | { readonly type: 'gap'; readonly gap: FeedGap };
