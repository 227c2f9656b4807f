import type { Observable, Observer, SchedulerLike } from 'rxjs';
import type WebSocket from 'ws';
import type { FeedEvent } from '../domain/feed-status.js';
import type { Logger } from '../log.js';
import type { ConnectGates } from './connect-gate.js';
import type { ConnectorLimits } from './connector.js';
import type { SocketEvent } from './socket-frames.js';

/** How a feed runs: where it logs and reports, its clock, and (for tests) its sockets. */
export interface FeedOptions {
  /** Where the feed logs, as `<logger>.child(exchangeId)`. Default: nothing is logged. */
  readonly logger?: Logger;
  /** Timers (backoff, watchdog, pings, rollover) and `receivedAt`. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Receives status changes, rejected frames and gaps. */
  readonly events?: Partial<Observer<FeedEvent>>;
  /** Jitter source in [0, 1). Default `Math.random`; tests pass a seeded one. */
  readonly random?: () => number;
  /** Creates each WebSocket. Default `new WebSocket(url, { maxPayload })` from `ws`. */
  readonly createSocket?: (url: string) => WebSocket;
  /**
   * Replaces the whole socket layer: one cold Observable per connection
   * attempt (see `socketFrames`). Tests pass marbles here to run the lifecycle
   * in virtual time.
   */
  readonly openSocket?: (url: string) => Observable<SocketEvent>;
  /**
   * The feed's symbols over time (a config reload), canonical: each emission
   * replaces `symbols` of the exchange's config while the feed runs, without
   * reconnecting (see `connectorTicks`). Default: the config's symbols, fixed.
   */
  readonly symbols$?: Observable<readonly string[]>;
  /** Overrides of the connector's limits (tests shorten Binance's 24 h connection lifetime). */
  readonly limits?: Partial<ConnectorLimits>;
  /**
   * Where each exchange's connect gate comes from. Default: the process-wide
   * registry, so every feed of one exchange in this process shares its
   * connection-rate budget; tests pass `connectGates()` to stay apart.
   */
  readonly connectGates?: ConnectGates;
}
