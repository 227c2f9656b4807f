import type { Observable } from 'rxjs';
import type { ExchangeConfig } from '../domain/config-types.js';
import type { FrameRejection } from '../domain/feed-status.js';
import type { SymbolError } from '../domain/symbol.js';
import type { Tick } from '../domain/tick.js';
import type { Connector, FeedControl, NativeSymbols, ParsedFrame } from './connector.js';
import { connectorTicks } from './connector-ticks.js';
import type { FeedOptions } from './feed-options.js';
import { parseJsonObject, readIsoTime, readString, readTick, type JsonObject } from './frame-fields.js';
import { rejectFrame } from './frame-rejection.js';
import { controlFrame, heartbeatFrame, rejectedFrame, ticksOfDataArray, transportFrame } from './parsed-frame.js';

// Protocol facts: docs/protocols/kraken.md (v2 JSON objects, `BTC/USD` symbols, automatic
// `heartbeat` channel, idle connections closed after about a minute, ~150 connection attempts / 10 min).

// Mixed case is Kraken's: its tokenized stocks are AAPLx/USD, and AAPLX/USD does not exist.
const CANONICAL = /^([A-Za-z0-9]+)\/([A-Za-z0-9]+)$/;

/** Kraken v1 (and older tools) say XBT for bitcoin; v2 and our canonical symbols say BTC. */
const fromKrakenAsset = (asset: string) => (asset === 'XBT' ? 'BTC' : asset);

function tickOf(entry: JsonObject, frame: string, receivedAt: number, symbols?: NativeSymbols): Tick | FrameRejection {
  const native = readString(entry, 'symbol', frame);
  if (typeof native !== 'string') return native;
  const split = CANONICAL.exec(native);
  const symbol = symbols ? symbols.get(native) : split ? `${fromKrakenAsset(split[1]!)}/${fromKrakenAsset(split[2]!)}` : undefined;
  if (symbol === undefined) return rejectFrame('unknown_symbol', frame, native);
  const ts = readIsoTime(entry, 'timestamp', frame);
  if (typeof ts !== 'number') return ts;
  // No open24h: v2 has no open price, and `last - change` is not documented to be one.
  return readTick(entry, frame, { exchange: 'kraken', symbol, ts, receivedAt }, { price: 'last', bid: 'bid', ask: 'ask' });
}

/** What an answer to a request that failed (`success: false`) asks the lifecycle. */
function failureControl(message: JsonObject): FeedControl {
  const error = typeof message['error'] === 'string' ? message['error'] : `${String(message['method'])} failed`;
  // Kraken acknowledges each symbol on its own, so the other symbols are subscribed already.
  if (typeof message['symbol'] === 'string') {
    return { kind: 'symbol_rejected', native: message['symbol'], message: error, resubscribe: false };
  }
  return { kind: 'error', message: error };
}

/**
 * Kraken Spot WebSocket v2: the `ticker` channel (last price, best bid/ask;
 * no open price). The `heartbeat` channel arrives by itself about once a
 * second when no other channel update is sent, so a quiet market is told from
 * a stalled feed (a connection without ticker or heartbeat for
 * `stale_after_ms`, default 30 s, is replaced; acks, `status` and pongs prove
 * the transport only).
 *
 * @example
 * kraken.subscribeMessages(['BTC/USD']);
 * // ['{"method":"subscribe","params":{"channel":"ticker","symbol":["BTC/USD"]}}']
 */
export const kraken: Connector = {
  id: 'kraken',
  url: 'wss://ws.kraken.com/v2',
  limits: {
    maxSymbolsPerConnection: Infinity,
    minConnectIntervalMs: 4000, // about 150 connection attempts per rolling 10 minutes per IP
    connectionLifetimeMs: Infinity,
    pingIntervalMs: 20_000, // the server closes connections idle for about a minute
    maxFrameBytes: 1 << 20,
  },
  liveness: { heartbeat: 'heartbeat channel, about once a second when nothing else is sent', staleAfterMs: 30_000 },

  nativeSymbol(symbol: string): string | SymbolError {
    const match = CANONICAL.exec(symbol);
    if (!match) return { message: `"${symbol}" is not a canonical BASE/QUOTE symbol` };
    // The config decoder already reads XBT as BTC; a hand-built config may still say XBT.
    return `${fromKrakenAsset(match[1]!)}/${fromKrakenAsset(match[2]!)}`;
  },

  subscribeMessages(symbols: readonly string[]): string[] {
    return [JSON.stringify({ method: 'subscribe', params: { channel: 'ticker', symbol: symbols } })];
  },

  // Acknowledged per symbol with `method: unsubscribe` (transport only).
  unsubscribeMessages(symbols: readonly string[]): string[] {
    return [JSON.stringify({ method: 'unsubscribe', params: { channel: 'ticker', symbol: symbols } })];
  },

  parse(frame: string, receivedAt: number, symbols?: NativeSymbols): ParsedFrame {
    const decoded = parseJsonObject(frame);
    if ('rejection' in decoded) return rejectedFrame(decoded.rejection);
    const message = decoded.object;
    if (typeof message['method'] === 'string') {
      return message['success'] === false ? controlFrame(failureControl(message)) : transportFrame; // acks, pongs
    }
    const channel = message['channel'];
    if (typeof channel !== 'string') return rejectedFrame(rejectFrame('wrong_shape', frame, 'neither channel nor method'));
    if (channel === 'heartbeat') return heartbeatFrame;
    if (channel !== 'ticker') return transportFrame; // status, channels we did not ask for
    return ticksOfDataArray(message['data'], frame, (entry) => tickOf(entry, frame, receivedAt, symbols));
  },

  pingMessage: () => '{"method":"ping"}',
};

/**
 * Kraken ticks for the configured symbols: cold, reconnecting, never
 * completing; unsubscribing closes every socket and timer.
 *
 * @example
 * krakenTicks({ symbols: ['BTC/USD'], reconnect_delay: 5, reconnect_max_delay: 60,
 *   stale_after_ms: 30_000, enabled: true, url: 'ws://127.0.0.1:8767' }).subscribe(console.log);
 * // Logs: { exchange: 'kraken', symbol: 'BTC/USD', price: 65000.5, bid: 65000, ask: 65001, ... }
 */
export function krakenTicks(cfg: ExchangeConfig, options?: FeedOptions): Observable<Tick> {
  return connectorTicks(kraken, cfg, options);
}
