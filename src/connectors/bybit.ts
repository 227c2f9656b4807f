import { canonicalSymbol, isSymbolError, type SymbolError } from '../domain/symbol.js';
import type { Connector, FeedControl, NativeSymbols, ParsedFrame } from './connector.js';
import { isJsonObject, parseJsonObject, readEpochMs, readString, readTick, type JsonObject } from './frame-fields.js';
import { rejectFrame } from './frame-rejection.js';
import { controlFrame, rejectedFrame, ticksFrame, transportFrame } from './parsed-frame.js';

// Protocol facts: docs/protocols/bybit.md (topics `tickers.<SYMBOL>`, at most 10 args per spot subscribe request,
// one response per request, spot tickers are snapshots without bid/ask, JSON {"op":"ping"} every 20 s, 21,000
// characters of args per connection, 500 connections per 5 minutes per host).

const CANONICAL = /^([A-Z0-9]+)\/([A-Z0-9]+)$/;
const TOPIC_PREFIX = 'tickers.';
/** Most topics one spot subscribe request may carry ("args size >10" beyond). */
export const BYBIT_TOPICS_PER_REQUEST = 10;
// Refusals name the topics in one of two forms (neither is documented): "Invalid symbol :[tickers.A, tickers.B]"
// and "error:handler not found,topic:tickers.A".
const REFUSED_TOPIC = /tickers\.([A-Z0-9]+)/;

/** Requests of `op` for the symbols' ticker topics, at most ten topics each. */
function topicRequests(op: 'subscribe' | 'unsubscribe', symbols: readonly string[]): string[] {
  const messages: string[] = [];
  for (let start = 0; start < symbols.length; start += BYBIT_TOPICS_PER_REQUEST) {
    const args = symbols.slice(start, start + BYBIT_TOPICS_PER_REQUEST).map((symbol) => `${TOPIC_PREFIX}${symbol.replace('/', '')}`);
    messages.push(JSON.stringify({ op, args }));
  }
  return messages;
}

/** What a response asks the lifecycle: a refused subscribe does; acks and pongs do not. */
function responseControl(message: JsonObject): FeedControl | undefined {
  if (message['op'] !== 'subscribe' || message['success'] !== false) return undefined;
  const text = String(message['ret_msg'] ?? 'subscribe failed');
  // Asking again for a topic we have is not a failure: it is what subscribing again after a refusal does.
  if (text.includes('already subscribed')) return undefined;
  const refused = REFUSED_TOPIC.exec(text)?.[1];
  // One response answers a whole request, and whether its valid topics stand is not documented: subscribe
  // again without the refused symbol (a refusal naming several is met once per symbol, one round each).
  if (refused !== undefined) return { kind: 'symbol_rejected', native: refused, message: text, resubscribe: true };
  return { kind: 'error', message: text };
}

/**
 * Bybit v5 public spot stream: `tickers.<SYMBOL>` topics (last price and the
 * price 24 h ago; spot tickers carry no bid/ask). Every message is a full
 * snapshot of the symbol's ticker. Topics are subscribed ten per request,
 * the most a spot request may carry.
 *
 * @example
 * bybit.subscribeMessages(['BTC/USDT', 'ETH/USDT']);
 * // ['{"op":"subscribe","args":["tickers.BTCUSDT","tickers.ETHUSDT"]}']
 */
export const bybit: Connector = {
  id: 'bybit',
  url: 'wss://stream.bybit.com/v5/public/spot',
  limits: {
    // The args of all requests on a connection may total 21,000 characters; a refusal makes us send them again.
    maxSymbolsPerConnection: 200,
    minConnectIntervalMs: 1000, // 500 connections per 5 minutes per host, and "do not frequently connect"
    connectionLifetimeMs: Infinity, // none documented for public streams, and no announced disconnect
    pingIntervalMs: 20_000, // the interval Bybit recommends
    maxFrameBytes: 1 << 20,
  },
  // No heartbeat channel. Snapshots come every 50 ms while anything in the ticker changes (the 24 h figures slide
  // even without trades), but whether an unchanged symbol is pushed is not documented: two minutes of nothing on a
  // whole connection is taken as a stall.
  liveness: { heartbeat: undefined, staleAfterMs: 120_000 },

  nativeSymbol(symbol: string): string | SymbolError {
    const match = CANONICAL.exec(symbol);
    return match ? `${match[1]}${match[2]}` : { message: `"${symbol}" is not a canonical BASE/QUOTE symbol` };
  },

  subscribeMessages: (symbols) => topicRequests('subscribe', symbols),

  // Ten topics per request too; the response (`op: unsubscribe`) proves the transport only.
  unsubscribeMessages: (symbols) => topicRequests('unsubscribe', symbols),

  parse(frame: string, receivedAt: number, symbols?: NativeSymbols): ParsedFrame {
    const decoded = parseJsonObject(frame);
    if ('rejection' in decoded) return rejectedFrame(decoded.rejection);
    const message = decoded.object;
    // Subscribe responses and pongs (spot's pong says op "ping"; option and spread answer without op, with success).
    if (typeof message['op'] === 'string' || typeof message['success'] === 'boolean') {
      const control = responseControl(message);
      return control === undefined ? transportFrame : controlFrame(control);
    }
    const topic = message['topic'];
    if (typeof topic !== 'string') return rejectedFrame(rejectFrame('wrong_shape', frame, 'neither a response nor a topic'));
    if (!topic.startsWith(TOPIC_PREFIX)) return transportFrame; // a topic we did not ask for
    const data = message['data'];
    // The docs' field table says array; every example, and the wire, has one object.
    if (!isJsonObject(data)) return rejectedFrame(rejectFrame('wrong_shape', frame, 'data is not an object'));
    const native = readString(data, 'symbol', frame);
    if (typeof native !== 'string') return rejectedFrame(native);
    const canonical = symbols ? symbols.get(native) : canonicalSymbol(native);
    if (canonical === undefined || isSymbolError(canonical)) return rejectedFrame(rejectFrame('unknown_symbol', frame, native));
    const ts = readEpochMs(message, 'ts', frame); // a JSON number here, unlike OKX
    if (typeof ts !== 'number') return rejectedFrame(ts);
    const tick = readTick(data, frame, { exchange: 'bybit', symbol: canonical, ts, receivedAt },
      { price: 'lastPrice', bid: 'bid1Price', ask: 'ask1Price', open24h: 'prevPrice24h' });
    return 'reason' in tick ? rejectedFrame(tick) : ticksFrame([tick]);
  },

  pingMessage: () => '{"op":"ping"}',
};
