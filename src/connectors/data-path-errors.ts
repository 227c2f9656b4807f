import type { FrameRejection } from '../domain/feed-status.js';

/**
 * An open connection delivered no market data and no heartbeat-channel
 * message for `silentMs`, although its transport may still answer pings:
 * the exchange's data path is stalled (or the market is quiet; see
 * `ConnectorLiveness`). The connection is replaced.
 */
export class NoDataError extends Error {
  override readonly name = 'NoDataError';
  readonly code = 'FEED_NO_DATA';
  constructor(
    readonly silentMs: number,
    withHeartbeat: boolean,
    /** True when the connection delivered no data at all since it opened. */
    readonly sinceOpen: boolean,
  ) {
    super(`no market data${withHeartbeat ? ' or heartbeat' : ''} for ${silentMs} ms`);
  }
}

/**
 * Every frame of an open connection was rejected for `silentMs` (a wrong
 * URL, a protocol change such as a Kraken v1 endpoint): the feed is
 * `degraded`, not live. The connection is replaced.
 */
export class AllFramesRejectedError extends Error {
  override readonly name = 'AllFramesRejectedError';
  readonly code = 'FEED_ALL_REJECTED';
  constructor(
    readonly silentMs: number,
    readonly rejected: number,
    readonly last: FrameRejection,
  ) {
    super(`all ${rejected} frame${rejected === 1 ? '' : 's'} of the last ${silentMs} ms rejected (last: ${last.reason}${last.detail === undefined ? '' : `, ${last.detail}`})`);
  }
}
