import type { Observable } from 'rxjs';
import type { ExchangeConfig } from '../domain/config-types.js';
import type { SymbolError } from '../domain/symbol.js';
import type { Tick } from '../domain/tick.js';
import type { Connector, FeedControl, NativeSymbols, ParsedFrame } from './connector.js';
import { connectorTicks } from './connector-ticks.js';
import type { FeedOptions } from './feed-options.js';
import { parseJsonObject, readIsoTime, readString, readTick, type JsonObject } from './frame-fields.js';
import { rejectFrame } from './frame-rejection.js';
import { controlFrame, heartbeatFrame, rejectedFrame, ticksFrame, transportFrame } from './parsed-frame.js';

// Protocol facts: docs/protocols/coinbase.md (subscribe within 5 s, product_ids inside each
// channel object, `heartbeat` once a second per product, unknown types must be ignored).

const CANONICAL = /^([A-Z0-9]+)\/([A-Z0-9]+)$/;
const NATIVE = /^([A-Z0-9]+)-([A-Z0-9]+)$/;
// Observed (not in the docs): {"type":"error","message":"Failed to subscribe","reason":"FOO-USD is not a valid product"}
const INVALID_PRODUCT = /^(\S+) is not a valid product/;

/** A subscribe or unsubscribe of the `ticker` and `heartbeat` channels for `symbols`. */
function channelsMessage(type: 'subscribe' | 'unsubscribe', symbols: readonly string[]): string {
  // product_ids go inside each channel object: root product_ids are reported as rejected.
  const productIds = symbols.map((symbol) => symbol.replace('/', '-'));
  return JSON.stringify({ type, channels: [{ name: 'ticker', product_ids: productIds }, { name: 'heartbeat', product_ids: productIds }] });
}

/** What an `error` message asks: a refused product (subscribe again without it) or a plain error. */
function errorControl(message: JsonObject): FeedControl {
  const headline = String(message['message'] ?? 'error');
  const reason = typeof message['reason'] === 'string' ? message['reason'] : undefined;
  const text = reason === undefined ? headline : `${headline}: ${reason.trim()}`;
  const invalid = reason === undefined ? null : INVALID_PRODUCT.exec(reason);
  // One bad product id makes the server ignore the whole subscribe message: subscribe again without it.
  if (invalid?.[1] !== undefined) return { kind: 'symbol_rejected', native: invalid[1], message: text, resubscribe: true };
  return { kind: 'error', message: text };
}

/**
 * Coinbase Exchange market data feed: the `ticker` channel (last price, best
 * bid/ask, `open_24h`) plus the `heartbeat` channel: one message per product
 * every second, on the data path, so a quiet market is told from a stalled
 * feed (a connection without ticker or heartbeat for `stale_after_ms`,
 * default 30 s, is replaced; `subscriptions` acks prove the transport only).
 *
 * @example
 * coinbase.subscribeMessages(['BTC/USD']);
 * // ['{"type":"subscribe","channels":[{"name":"ticker","product_ids":["BTC-USD"]},{"name":"heartbeat","product_ids":["BTC-USD"]}]}']
 */
export const coinbase: Connector = {
  id: 'coinbase',
  url: 'wss://ws-feed.exchange.coinbase.com',
  limits: {
    maxSymbolsPerConnection: Infinity,
    minConnectIntervalMs: 1000,
    connectionLifetimeMs: Infinity,
    pingIntervalMs: 15_000,
    maxFrameBytes: 1 << 20,
  },
  liveness: { heartbeat: 'heartbeat channel, once a second per product', staleAfterMs: 30_000 },

  nativeSymbol(symbol: string): string | SymbolError {
    const match = CANONICAL.exec(symbol);
    return match ? `${match[1]}-${match[2]}` : { message: `"${symbol}" is not a canonical BASE/QUOTE symbol` };
  },

  subscribeMessages: (symbols) => [channelsMessage('subscribe', symbols)],

  // Same structure; the server answers with the `subscriptions` left (transport only).
  unsubscribeMessages: (symbols) => [channelsMessage('unsubscribe', symbols)],

  parse(frame: string, receivedAt: number, symbols?: NativeSymbols): ParsedFrame {
    const decoded = parseJsonObject(frame);
    if ('rejection' in decoded) return rejectedFrame(decoded.rejection);
    const message = decoded.object;
    const type = message['type'];
    if (typeof type !== 'string') return rejectedFrame(rejectFrame('wrong_shape', frame, 'no type'));
    if (type !== 'ticker') {
      if (type === 'heartbeat') return heartbeatFrame;
      if (type === 'error') return controlFrame(errorControl(message));
      return transportFrame; // subscriptions, and types added later (unknown types must be ignored)
    }
    const native = readString(message, 'product_id', frame);
    if (typeof native !== 'string') return rejectedFrame(native);
    let symbol: string | undefined;
    if (symbols) symbol = symbols.get(native);
    else {
      const split = NATIVE.exec(native);
      symbol = split ? `${split[1]}/${split[2]}` : undefined;
    }
    if (symbol === undefined) return rejectedFrame(rejectFrame('unknown_symbol', frame, native));
    const ts = readIsoTime(message, 'time', frame);
    if (typeof ts !== 'number') return rejectedFrame(ts);
    const tick = readTick(message, frame, { exchange: 'coinbase', symbol, ts, receivedAt },
      { price: 'price', bid: 'best_bid', ask: 'best_ask', open24h: 'open_24h' });
    return 'reason' in tick ? rejectedFrame(tick) : ticksFrame([tick]);
  },
};

/**
 * Coinbase ticks for the configured symbols: cold, reconnecting, never
 * completing; unsubscribing closes every socket and timer.
 *
 * @example
 * coinbaseTicks({ symbols: ['BTC/USD'], reconnect_delay: 5, reconnect_max_delay: 60,
 *   stale_after_ms: 30_000, enabled: true, url: 'ws://127.0.0.1:8766' }).subscribe(console.log);
 * // Logs: { exchange: 'coinbase', symbol: 'BTC/USD', price: 1285.22, open24h: 1310.79, ... }
 */
export function coinbaseTicks(cfg: ExchangeConfig, options?: FeedOptions): Observable<Tick> {
  return connectorTicks(coinbase, cfg, options);
}
