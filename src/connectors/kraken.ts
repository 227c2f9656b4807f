import type { Observable } from 'rxjs';
import type { ExchangeConfig } from '../domain/config-types.js';
import type { FrameRejection } from '../domain/feed-status.js';
import type { SymbolError } from '../domain/symbol.js';
import type { Tick } from '../domain/tick.js';
import type { Connector, FeedControl, NativeSymbols } from './connector.js';
import { connectorTicks } from './connector-ticks.js';
import type { FeedOptions } from './feed-options.js';
import { isJsonObject, parseJsonObject, readIsoTime, readString, readTick, type JsonObject } from './frame-fields.js';
import { rejectFrame } from './frame-rejection.js';

// Protocol facts: docs/protocols/kraken.md (v2 JSON objects, `BTC/USD` symbols, automatic
// `heartbeat` channel, idle connections closed after about a minute, ~150 connection attempts / 10 min).

const CANONICAL = /^([A-Z0-9]+)\/([A-Z0-9]+)$/;

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

/**
 * Kraken Spot WebSocket v2: the `ticker` channel (last price, best bid/ask;
 * no open price). Heartbeats arrive by themselves once a channel is subscribed.
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

  nativeSymbol(symbol: string): string | SymbolError {
    const match = CANONICAL.exec(symbol);
    if (!match) return { message: `"${symbol}" is not a canonical BASE/QUOTE symbol` };
    if (match[1] === 'XBT' || match[2] === 'XBT') {
      return { message: `Kraken's v2 API calls bitcoin BTC: write ${symbol.replace(/XBT/g, 'BTC')}` };
    }
    return symbol;
  },

  subscribeMessages(symbols: readonly string[]): string[] {
    return [JSON.stringify({ method: 'subscribe', params: { channel: 'ticker', symbol: symbols } })];
  },

  parse(frame: string, receivedAt: number, symbols?: NativeSymbols): Tick[] | FrameRejection {
    const decoded = parseJsonObject(frame);
    if ('rejection' in decoded) return decoded.rejection;
    const message = decoded.object;
    if (typeof message['method'] === 'string') return []; // acks, errors, pongs
    if (typeof message['channel'] !== 'string') return rejectFrame('wrong_shape', frame, 'neither channel nor method');
    if (message['channel'] !== 'ticker') return []; // heartbeat, status, channels we did not ask for
    const data = message['data'];
    if (!Array.isArray(data) || data.length === 0) return rejectFrame('wrong_shape', frame, 'data is not a non-empty array');
    const ticks: Tick[] = [];
    for (const entry of data) {
      if (!isJsonObject(entry)) return rejectFrame('wrong_shape', frame, 'data entry is not an object');
      const tick = tickOf(entry, frame, receivedAt, symbols);
      if ('reason' in tick) return tick;
      ticks.push(tick);
    }
    return ticks;
  },

  control(frame: string): FeedControl | undefined {
    const decoded = parseJsonObject(frame);
    if ('rejection' in decoded) return undefined;
    const message = decoded.object;
    if (typeof message['method'] !== 'string' || message['success'] !== false) return undefined;
    const error = typeof message['error'] === 'string' ? message['error'] : `${message['method']} failed`;
    // Kraken acknowledges each symbol on its own, so the other symbols are subscribed already.
    if (typeof message['symbol'] === 'string') {
      return { kind: 'symbol_rejected', native: message['symbol'], message: error, resubscribe: false };
    }
    return { kind: 'error', message: error };
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
