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
  /** How often the client pings, ms; the pong counts as liveness for the watchdog. */
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

/** Native symbol (as it appears in the exchange's payloads) to canonical `BASE/QUOTE`. */
export type NativeSymbols = ReadonlyMap<string, string>;

/**
 * One exchange's protocol: where to connect, what to send, how to read what
 * comes back. Everything that is the same for every exchange (socket
 * lifecycle, backoff, watchdog, gaps, logging, status) lives once in
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
   * Pure: one raw text frame to ticks, `[]` for a frame that carries none
   * (acks, heartbeats), or a typed rejection. `symbols` maps native names back
   * to canonical ones; without it the connector derives them itself.
   */
  parse(frame: string, receivedAt: number, symbols?: NativeSymbols): Tick[] | FrameRejection;
  /** Pure: what a frame that carried no ticks asks the lifecycle to do, if anything. */
  control?(frame: string): FeedControl | undefined;
  /** An application-level ping to send instead of a WebSocket ping frame (Kraken). */
  pingMessage?(): string;
}
