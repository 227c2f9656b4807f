import type { FrameRejection } from '../domain/feed-status.js';
import type { SymbolError } from '../domain/symbol.js';
import type { Tick } from '../domain/tick.js';

/**
 * Limits an exchange documents (or that keep us polite where it documents
 * none). The shared lifecycle in `connector-ticks.ts` enforces them, so a
 * connector only states them.
 */
export interface ConnectorLimits {
  /** Most symbols one connection may carry; more are split across connections (Binance: 1024 streams). */
  readonly maxSymbolsPerConnection: number;
  /**
   * Minimum spacing between connection attempts to this exchange, ms, shared by
   * all its connections (Binance allows 300 attempts per 5 minutes per IP: 1000).
   */
  readonly minConnectIntervalMs: number;
  /**
   * A connection older than this is replaced: the new one is opened first and
   * the old one closed once the new one delivers (Binance closes every
   * connection at 24 h). `Infinity` when the exchange has no such limit.
   */
  readonly connectionLifetimeMs: number;
  /** How often the client pings, ms; a missing pong drops the connection (a pong proves the transport only). */
  readonly pingIntervalMs: number;
  /** Largest frame accepted, bytes; a bigger one is a `too_large` rejection and a reconnect. */
  readonly maxFrameBytes: number;
}

/** What a non-data frame asks the shared lifecycle to do. */
export type FeedControl =
  /** The server announced it will close this connection: open a new one first (no gap). */
  | { readonly kind: 'shutdown'; readonly message: string }
  /**
   * The exchange refused one symbol (`native` as the exchange writes it). When
   * `resubscribe` is set, the exchange ignored the whole subscribe message, so
   * the lifecycle subscribes again without that symbol.
   */
  | { readonly kind: 'symbol_rejected'; readonly native: string; readonly message: string; readonly resubscribe: boolean }
  /** An error message from the exchange that names no symbol. */
  | { readonly kind: 'error'; readonly message: string };

/**
 * What one raw frame is, read in one pass by {@link Connector.parse}. The
 * kind decides what the frame proves about the connection:
 *
 * - `ticks`: market data. Proves the data path (the exchange's market-data
 *   handler is feeding this connection).
 * - `heartbeat`: a message of the exchange's heartbeat *channel*, which
 *   travels the data path (Coinbase `heartbeat`, Kraken v2 `heartbeat`). Proves
 *   the data path as well as a tick does, and keeps a quiet market from
 *   looking stalled.
 * - `transport`: anything else the exchange may legitimately send that carries
 *   no data: a subscribe ack, the answer to a request (Binance
 *   `LIST_SUBSCRIPTIONS`), an application-level pong, a status message, an
 *   event of a stream we do not read. Proves only that the socket works: a
 *   connection that answers pings and requests but delivers no `ticks` and no
 *   `heartbeat` for the liveness timeout is stale, whatever the pongs say.
 * - `control`: an announcement or error the lifecycle must act on (see
 *   {@link FeedControl}). Proves only the transport.
 * - `rejected`: a frame that is not what the protocol says (not JSON, wrong
 *   shape, bad price...). Proves nothing: a connection whose frames are all
 *   rejected is `degraded`, not live.
 */
export type ParsedFrame =
  | { readonly kind: 'ticks'; readonly ticks: readonly Tick[] }
  | { readonly kind: 'heartbeat' }
  | { readonly kind: 'transport' }
  | { readonly kind: 'control'; readonly control: FeedControl }
  | { readonly kind: 'rejected'; readonly rejection: FrameRejection };

/**
 * How the shared lifecycle tells a stalled data path from a quiet market on
 * this exchange. The liveness timeout of a connection is
 * `exchanges.<id>.stale_after_ms` when the config sets it, else
 * `staleAfterMs` below: a connection that delivers no `ticks` and no
 * `heartbeat` frame for that long is closed and replaced (WARN), even while it
 * answers every ping. A missing pong drops it sooner. When a replacement does
 * not bring data within the timeout either, the lifecycle doubles the timeout
 * for that connection (up to {@link MAX_QUIET_FACTOR} times) instead of
 * restarting it in a loop, and returns to the default once data flows.
 *
 * How a new connector declares it:
 * 1. If the exchange has a heartbeat channel on the data path, subscribe to it
 *    in `subscribeMessages` (or rely on it when the exchange sends it by
 *    itself), return `{ kind: 'heartbeat' }` for its messages from `parse`,
 *    set `heartbeat` to a few words naming it, and keep `staleAfterMs` at a
 *    few times its period (30 000 for a once-a-second channel).
 * 2. If the exchange pushes data only on change and has no heartbeat channel
 *    (Binance tickers, OKX tickers, Bitstamp trades), leave `heartbeat`
 *    undefined and set `staleAfterMs` to how long a quiet market may
 *    plausibly stay silent; say so in the exchange's README section, since a
 *    stalled stream then takes that long to be noticed.
 * 3. Never return `heartbeat` for a pong or an ack: those prove the
 *    transport only (`transport`).
 *
 * @example
 * // Coinbase: { heartbeat: 'heartbeat channel, once a second per product', staleAfterMs: 30_000 }
 * // Binance:  { heartbeat: undefined, staleAfterMs: 300_000 } (tickers push only on change)
 */
export interface ConnectorLiveness {
  /**
   * The exchange's heartbeat channel that `parse` reports as `heartbeat`, in
   * a few words for the docs and logs (`heartbeat channel, once a second per
   * product`); `undefined` when only market data proves the data path.
   */
  readonly heartbeat: string | undefined;
  /** Default liveness timeout, ms, when the config sets no `stale_after_ms`. */
  readonly staleAfterMs: number;
}

/** The most the liveness timeout of a connection grows while reconnects bring no data (quiet market): 8 times. */
export const MAX_QUIET_FACTOR = 8;

/** Native symbol (as it appears in the exchange's payloads) to canonical `BASE/QUOTE`. */
export type NativeSymbols = ReadonlyMap<string, string>;

/**
 * One exchange's protocol: where to connect, what to send, how to read what
 * comes back. Everything that is the same for every exchange (socket
 * lifecycle, backoff, liveness, gaps, logging, status) lives once in
 * `connectorTicks`; adding an exchange is one object like this plus its tests.
 *
 * @example
 * const ticks$ = connectorTicks(binance, { symbols: ['BTC/USDT'], reconnect_delay: 5,
 *   reconnect_max_delay: 60, stale_after_ms: 30_000, enabled: true });
 */
export interface Connector {
  /** Exchange id, as in the config and on every tick (`binance`). */
  readonly id: string;
  /** Default endpoint: the exchange's public WebSocket URL. */
  readonly url: string;
  readonly limits: ConnectorLimits;
  /** How a stalled data path is told from a quiet market (see {@link ConnectorLiveness}). */
  readonly liveness: ConnectorLiveness;
  /**
   * The exchange's own name for a canonical symbol, as it appears in payloads
   * (`BTC/USDT` → `BTCUSDT` on Binance, `BTC-USDT` on Coinbase), or why this
   * exchange cannot carry it (a config error).
   */
  nativeSymbol(symbol: string): string | SymbolError;
  /** The URL of one connection carrying `symbols` (canonical). Default: `baseUrl` itself. */
  connectionUrl?(baseUrl: string, symbols: readonly string[]): string;
  /** Text frames to send once a connection is open (may be none when the URL says it all). */
  subscribeMessages(symbols: readonly string[]): string[];
  /**
   * Text frames that add `symbols` to a connection already open (a config
   * reload added them). Default: {@link Connector.subscribeMessages}. Binance,
   * whose initial streams are in the URL, sends a `SUBSCRIBE` request here.
   */
  liveSubscribeMessages?(symbols: readonly string[]): string[];
  /**
   * Text frames that stop `symbols` on an open connection (a config reload
   * removed them). Without it, the lifecycle drops the removed symbols' frames
   * until the connection next reconnects, which subscribes the current set only.
   */
  unsubscribeMessages?(symbols: readonly string[]): string[];
  /**
   * Pure: one raw text frame, read once, to what it is (see {@link ParsedFrame}):
   * ticks, a heartbeat-channel message, a transport-only message (acks,
   * pongs, answers), a control the lifecycle acts on, or a typed rejection.
   * `symbols` maps native names back to canonical ones; without it the
   * connector derives them itself.
   */
  parse(frame: string, receivedAt: number, symbols?: NativeSymbols): ParsedFrame;
  /** An application-level ping to send instead of a WebSocket ping frame (Kraken). */
  pingMessage?(): string;
}
