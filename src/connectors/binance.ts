import type { Observable } from 'rxjs';
import type { ExchangeConfig } from '../domain/config-types.js';
import { canonicalSymbol, isSymbolError, type SymbolError } from '../domain/symbol.js';
import type { Tick } from '../domain/tick.js';
import type { Connector, NativeSymbols, ParsedFrame } from './connector.js';
import { connectorTicks } from './connector-ticks.js';
import type { FeedOptions } from './feed-options.js';
import { isJsonObject, parseJsonObject, readEpochMs, readString, readTick, type JsonObject } from './frame-fields.js';
import { rejectFrame } from './frame-rejection.js';
import { controlFrame, rejectedFrame, ticksFrame, transportFrame } from './parsed-frame.js';

// Protocol facts: docs/protocols/binance.md (streams in the URL, `{stream, data}` wrapper,
// 1024 streams and 5 incoming messages/s per connection, 24 h connection lifetime, serverShutdown).

const CANONICAL = /^([A-Z0-9]+)\/([A-Z0-9]+)$/;

/** The ticker stream of a canonical symbol: `BTC/USDT` → `btcusdt@ticker` (stream names are lower case). */
const streamName = (symbol: string): string => `${symbol.replace('/', '').toLowerCase()}@ticker`;

/** A combined-stream frame is `{"stream": ..., "data": payload}`; a raw-stream frame is the payload. */
function payloadOf(message: JsonObject): JsonObject {
  return typeof message['stream'] === 'string' && isJsonObject(message['data']) ? message['data'] : message;
}

function isResponseOrError(payload: JsonObject): boolean {
  return ('result' in payload && 'id' in payload) || 'error' in payload || ('code' in payload && 'msg' in payload);
}

function errorText(payload: JsonObject): string | undefined {
  const error = isJsonObject(payload['error']) ? payload['error'] : payload;
  if (!('code' in error) || !('msg' in error)) return undefined;
  return `error ${String(error['code'])}: ${String(error['msg'])}`;
}

/** A payload that is not a 24hrTicker: serverShutdown, an error, a response, another stream's event, or junk. */
function nonTicker(payload: JsonObject, frame: string): ParsedFrame {
  if (payload['e'] === 'serverShutdown') return controlFrame({ kind: 'shutdown', message: 'server announced shutdown' });
  const error = errorText(payload);
  if (error !== undefined) return controlFrame({ kind: 'error', message: error });
  // Responses (LIST_SUBSCRIPTIONS...) and events of streams we do not read prove the transport only.
  if (isResponseOrError(payload) || typeof payload['e'] === 'string') return transportFrame;
  return rejectedFrame(rejectFrame('wrong_shape', frame, 'neither an event nor a response'));
}

/**
 * Binance Spot market streams: one `<symbol>@ticker` stream per symbol (last
 * price, best bid/ask, rolling 24 h open), put in the URL of combined-stream
 * connections so no SUBSCRIBE frame counts against the 5 messages/s limit.
 *
 * Liveness: Binance market streams have no heartbeat channel, and a ticker is
 * pushed (at most once a second) only when its 24 h statistics change, so a
 * connection of pairs that do not trade is silent while healthy. Only tickers
 * prove the data path, and a connection is replaced after 5 minutes without
 * one unless `stale_after_ms` says otherwise (server pings and our pongs
 * prove the transport only).
 *
 * @example
 * binance.connectionUrl!('wss://stream.binance.com:9443', ['BTC/USDT', 'ETH/USDT']);
 * // 'wss://stream.binance.com:9443/stream?streams=btcusdt@ticker/ethusdt@ticker'
 */
export const binance: Connector = {
  id: 'binance',
  url: 'wss://stream.binance.com:9443',
  limits: {
    maxSymbolsPerConnection: 1024,
    minConnectIntervalMs: 1000, // 300 connection attempts per 5 minutes per IP
    connectionLifetimeMs: 23.5 * 3_600_000, // the server closes at 24 h; hand over well before
    pingIntervalMs: 20_000, // client pings count against the 5 messages/s limit: keep them rare
    maxFrameBytes: 1 << 20,
  },
  liveness: { heartbeat: undefined, staleAfterMs: 300_000 },

  nativeSymbol(symbol: string): string | SymbolError {
    const match = CANONICAL.exec(symbol);
    return match ? `${match[1]}${match[2]}` : { message: `"${symbol}" is not a canonical BASE/QUOTE symbol` };
  },

  connectionUrl(baseUrl: string, symbols: readonly string[]): string {
    const root = baseUrl.replace(/\/+$/, '').replace(/\/(ws|stream)$/, '');
    const streams = symbols.map(streamName);
    return `${root}/stream?streams=${streams.join('/')}`;
  },

  subscribeMessages: () => [],

  // A reload's changes on an open connection: live SUBSCRIBE / UNSUBSCRIBE requests, one each (a request counts
  // against the 5 messages/s; a reconnect puts the current streams in the URL instead). The answer,
  // {"result":null,"id":…}, proves the transport only.
  liveSubscribeMessages: (symbols) => [JSON.stringify({ method: 'SUBSCRIBE', params: symbols.map(streamName), id: 1 })],
  unsubscribeMessages: (symbols) => [JSON.stringify({ method: 'UNSUBSCRIBE', params: symbols.map(streamName), id: 2 })],

  parse(frame: string, receivedAt: number, symbols?: NativeSymbols): ParsedFrame {
    const decoded = parseJsonObject(frame);
    if ('rejection' in decoded) return rejectedFrame(decoded.rejection);
    const payload = payloadOf(decoded.object);
    if (payload['e'] !== '24hrTicker') return nonTicker(payload, frame);
    const native = readString(payload, 's', frame);
    if (typeof native !== 'string') return rejectedFrame(native);
    const symbol = symbols ? symbols.get(native) : canonicalSymbol(native);
    if (symbol === undefined || isSymbolError(symbol)) return rejectedFrame(rejectFrame('unknown_symbol', frame, native));
    const ts = readEpochMs(payload, 'E', frame);
    if (typeof ts !== 'number') return rejectedFrame(ts);
    const tick = readTick(payload, frame, { exchange: 'binance', symbol, ts, receivedAt }, { price: 'c', bid: 'b', ask: 'a', open24h: 'o' });
    return 'reason' in tick ? rejectedFrame(tick) : ticksFrame([tick]);
  },
};

/**
 * Binance ticks for the configured symbols: cold, reconnecting, never
 * completing; unsubscribing closes every socket and timer.
 *
 * @example
 * binanceTicks({ symbols: ['BTC/USDT'], reconnect_delay: 5, reconnect_max_delay: 60,
 *   stale_after_ms: 30_000, enabled: true, url: 'ws://127.0.0.1:8765' }).subscribe(console.log);
 * // Logs: { exchange: 'binance', symbol: 'BTC/USDT', price: 101234.5, ... }
 */
export function binanceTicks(cfg: ExchangeConfig, options?: FeedOptions): Observable<Tick> {
  return connectorTicks(binance, cfg, options);
}
