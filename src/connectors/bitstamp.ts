import { canonicalSymbol, isSymbolError, type SymbolError } from '../domain/symbol.js';
import type { Connector, FeedControl, NativeSymbols, ParsedFrame } from './connector.js';
import { isJsonObject, parseJsonObject, readEpoch, readPrice, type JsonObject } from './frame-fields.js';
import { rejectFrame } from './frame-rejection.js';
import { controlFrame, rejectedFrame, ticksFrame, transportFrame } from './parsed-frame.js';

// Protocol facts: docs/protocols/bitstamp.md (no ticker channel: `live_trades_<pair>` trade events; one
// `bts:subscribe` per channel; `bts:heartbeat` answered by the server; `bts:request_reconnect` a few seconds
// before a forced disconnect, its `data` "" or null; errors do not name the channel; an unknown lowercase pair is
// acknowledged and then silent; 1,024 subscriptions per connection; client frames under 512 bytes; 90-day lifetime).

const CANONICAL = /^([A-Z0-9]+)\/([A-Z0-9]+)$/;
const CHANNEL_PREFIX = 'live_trades_';
/** A spot pair (`btcusd`); perpetuals add a suffix (`btcusd-perp`). */
const SPOT_PAIR = /^[a-z0-9]+$/;
/** The longest timer Node keeps (about 24.8 days); a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A subscribe or unsubscribe of the symbol's `live_trades_<pair>` channel. */
const channelMessage = (event: 'bts:subscribe' | 'bts:unsubscribe', symbol: string): string =>
  JSON.stringify({ event, data: { channel: `${CHANNEL_PREFIX}${symbol.replace('/', '').toLowerCase()}` } });

/** What a `bts:` event asks the lifecycle: a reconnect request or an error does; acks and heartbeats do not. */
function eventControl(message: JsonObject): FeedControl | undefined {
  // Match on the event alone: its `data` has been documented as "" and as null.
  if (message['event'] === 'bts:request_reconnect') return { kind: 'shutdown', message: 'server requested a reconnect' };
  if (message['event'] !== 'bts:error') return undefined;
  const data = isJsonObject(message['data']) ? message['data'] : {};
  // The error's channel is empty: it cannot say which subscription it refers to.
  const code = data['code'] === null || data['code'] === undefined ? '' : ` ${String(data['code'])}`;
  return { kind: 'error', message: `error${code}: ${String(data['message'] ?? 'unknown error')}` };
}

/**
 * Bitstamp WebSocket API v2: one tick per trade of the `live_trades_<pair>`
 * channels (the trade's price and its microsecond time). Bitstamp has no
 * ticker, no best bid/ask and no 24 h open on its socket, so the 24 h rule
 * uses our own window. Its `bts:request_reconnect` starts a handover: the new
 * connection opens before the old one is dropped.
 *
 * @example
 * bitstamp.subscribeMessages(['BTC/USD']);
 * // ['{"event":"bts:subscribe","data":{"channel":"live_trades_btcusd"}}']
 */
export const bitstamp: Connector = {
  id: 'bitstamp',
  url: 'wss://ws.bitstamp.net',
  limits: {
    maxSymbolsPerConnection: 1000, // a 1,025th subscription silently closes the connection
    minConnectIntervalMs: 1000, // no connection-rate limit is published: stay polite
    // The server disconnects at 90 days; hand over well before, within what a timer can wait.
    connectionLifetimeMs: Math.min(20 * 86_400_000, MAX_TIMER_MS),
    pingIntervalMs: 20_000, // no interval documented; the server itself pings every ~54 s
    maxFrameBytes: 1 << 20,
  },
  // No heartbeat channel (bts:heartbeat is a request we make: its reply proves the transport only), and a tick
  // only per trade: a quiet pair trades a few times in minutes. Ten minutes without a trade on a whole connection is
  // taken as a stall, the same span after which a single silent symbol is reported.
  liveness: { heartbeat: undefined, staleAfterMs: 600_000 },

  nativeSymbol(symbol: string): string | SymbolError {
    const match = CANONICAL.exec(symbol);
    return match ? `${match[1]}${match[2]}`.toLowerCase() : { message: `"${symbol}" is not a canonical BASE/QUOTE symbol` };
  },

  // One channel per message: the protocol has no list form.
  subscribeMessages: (symbols) => symbols.map((symbol) => channelMessage('bts:subscribe', symbol)),

  // Acked with `bts:unsubscription_succeeded` (transport only).
  unsubscribeMessages: (symbols) => symbols.map((symbol) => channelMessage('bts:unsubscribe', symbol)),

  parse(frame: string, receivedAt: number, symbols?: NativeSymbols): ParsedFrame {
    const decoded = parseJsonObject(frame);
    if ('rejection' in decoded) return rejectedFrame(decoded.rejection);
    const message = decoded.object;
    if (typeof message['event'] !== 'string') return rejectedFrame(rejectFrame('wrong_shape', frame, 'no event'));
    if (message['event'] !== 'trade') {
      // Acks and the replies to our bts:heartbeat requests prove the transport only (they answer us).
      const control = eventControl(message);
      return control === undefined ? transportFrame : controlFrame(control);
    }
    const channel = message['channel'];
    if (typeof channel !== 'string' || !channel.startsWith(CHANNEL_PREFIX)) return transportFrame;
    // The pair is named only by the channel, never in the trade itself.
    const pair = channel.slice(CHANNEL_PREFIX.length);
    const symbol = symbols ? symbols.get(pair) : SPOT_PAIR.test(pair) ? canonicalSymbol(pair) : undefined;
    if (symbol === undefined || isSymbolError(symbol)) return rejectedFrame(rejectFrame('unknown_symbol', frame, pair));
    const data = message['data'];
    if (!isJsonObject(data)) return rejectedFrame(rejectFrame('wrong_shape', frame, 'data is not an object'));
    const price = readPrice(data, 'price', frame);
    if (typeof price !== 'number') return rejectedFrame(price);
    // `timestamp` is seconds on spot but was seen in ms on perpetuals; `microtimestamp` is µs on both.
    const ts = readEpoch(data, 'microtimestamp', frame, 'us');
    if (typeof ts !== 'number') return rejectedFrame(ts);
    return ticksFrame([{ exchange: 'bitstamp', symbol, price, ts, receivedAt }]);
  },

  pingMessage: () => '{"event":"bts:heartbeat"}',
};
