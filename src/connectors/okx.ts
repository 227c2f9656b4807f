import type { FrameRejection } from '../domain/feed-status.js';
import type { SymbolError } from '../domain/symbol.js';
import type { Tick } from '../domain/tick.js';
import type { Connector, FeedControl, NativeSymbols, ParsedFrame } from './connector.js';
import { isJsonObject, parseJsonObject, readEpochMs, readString, readTick, type JsonObject } from './frame-fields.js';
import { rejectFrame } from './frame-rejection.js';
import { controlFrame, rejectedFrame, ticksOfDataArray, transportFrame } from './parsed-frame.js';

// Protocol facts: docs/protocols/okx.md (one subscribe with an `args` object per instrument, one ack per arg,
// pushes only on change, text `ping`/`pong` keepalive, 30 s idle close, 64008 notice, 60018 naming the instId
// only inside `msg`, 3 connection attempts/s per IP, 480 subscribe requests per connection per hour).

const CANONICAL = /^([A-Z0-9]+)\/([A-Z0-9]+)$/;
const SPOT_INST_ID = /^([A-Z0-9]+)-([A-Z0-9]+)$/;
// 60018, in the 2023 and the current wording: "...channel:tickers,instId:NMR-USDT doesn't exist..."
const MISSING_INSTRUMENT = /channel:(\w+),instId:(\S+) doesn't exist/;
/** The notice sent 60 s before a service upgrade closes the connection. */
const UPGRADE_NOTICE = '64008';
const UNKNOWN_INSTRUMENT = '60018';

function tickOf(entry: JsonObject, frame: string, receivedAt: number, symbols?: NativeSymbols): Tick | FrameRejection {
  const native = readString(entry, 'instId', frame);
  if (typeof native !== 'string') return native;
  const split = SPOT_INST_ID.exec(native);
  const symbol = symbols ? symbols.get(native) : split ? `${split[1]}/${split[2]}` : undefined;
  if (symbol === undefined) return rejectFrame('unknown_symbol', frame, native);
  const ts = readEpochMs(entry, 'ts', frame); // a string of ms: "1597026383085"
  if (typeof ts !== 'number') return ts;
  // open24h is the rolling 24 h open (not sodUtc0/sodUtc8, the calendar-day opens); "" bid/ask means none.
  return readTick(entry, frame, { exchange: 'okx', symbol, ts, receivedAt }, { price: 'last', bid: 'bidPx', ask: 'askPx', open24h: 'open24h' });
}

/** What an `event` message asks the lifecycle, if anything: `notice` and `error` do; acks do not. */
function eventControl(message: JsonObject): FeedControl | undefined {
  const code = String(message['code'] ?? '');
  const text = String(message['msg'] ?? '');
  if (message['event'] === 'notice') {
    return code === UPGRADE_NOTICE ? { kind: 'shutdown', message: `notice ${code}: ${text}` } : { kind: 'error', message: `notice ${code}: ${text}` };
  }
  if (message['event'] !== 'error') return undefined;
  const missing = code === UNKNOWN_INSTRUMENT ? MISSING_INSTRUMENT.exec(text) : null;
  // Each arg is acknowledged on its own, so the other instruments of the request stand.
  if (missing?.[2] !== undefined) return { kind: 'symbol_rejected', native: missing[2], message: `error ${code}: ${text}`, resubscribe: false };
  return { kind: 'error', message: `error ${code}: ${text}` };
}

/**
 * OKX public WebSocket v5: the `tickers` channel (last price, best bid/ask,
 * rolling 24 h open), every value a JSON string. OKX pushes only when
 * something trades or the best bid/ask moves, and closes a connection silent
 * for 30 s, so the client pings with the text `ping` (answered by the text
 * `pong`) well within that.
 *
 * @example
 * okx.subscribeMessages(['BTC/USDT']);
 * // ['{"op":"subscribe","args":[{"channel":"tickers","instId":"BTC-USDT"}]}']
 */
export const okx: Connector = {
  id: 'okx',
  url: 'wss://ws.okx.com:8443/ws/v5/public',
  limits: {
    // The cap of channels per connection is not published (close codes 4008/4009 say "too many"): stay modest.
    maxSymbolsPerConnection: 100,
    minConnectIntervalMs: 400, // 3 connection attempts per second per IP, with a margin
    connectionLifetimeMs: Infinity, // none documented; the 64008 notice announces upgrades
    pingIntervalMs: 20_000, // the server closes after 30 s without a message; quiet instruments push nothing
    maxFrameBytes: 1 << 20,
  },
  // No heartbeat channel, and tickers are pushed only on a trade or a best bid/ask change: a quiet instrument may
  // be silent for minutes. Five minutes of no ticker on a whole connection is taken as a stall (as on Binance).
  liveness: { heartbeat: undefined, staleAfterMs: 300_000 },

  nativeSymbol(symbol: string): string | SymbolError {
    const match = CANONICAL.exec(symbol);
    return match ? `${match[1]}-${match[2]}` : { message: `"${symbol}" is not a canonical BASE/QUOTE symbol` };
  },

  subscribeMessages(symbols: readonly string[]): string[] {
    // One request per connection attempt: far under 480 per hour, and 100 args are far under its 64 KB.
    const args = symbols.map((symbol) => ({ channel: 'tickers', instId: symbol.replace('/', '-') }));
    return [JSON.stringify({ op: 'subscribe', args })];
  },

  // One request per reload's change (480 requests per connection per hour); acked per arg with `event: unsubscribe`.
  unsubscribeMessages(symbols: readonly string[]): string[] {
    const args = symbols.map((symbol) => ({ channel: 'tickers', instId: symbol.replace('/', '-') }));
    return [JSON.stringify({ op: 'unsubscribe', args })];
  },

  parse(frame: string, receivedAt: number, symbols?: NativeSymbols): ParsedFrame {
    if (frame === 'pong') return transportFrame; // the answer to our text ping: not JSON, and not malformed
    const decoded = parseJsonObject(frame);
    if ('rejection' in decoded) return rejectedFrame(decoded.rejection);
    const message = decoded.object;
    if (typeof message['event'] === 'string') {
      const control = eventControl(message);
      return control === undefined ? transportFrame : controlFrame(control); // acks and unsubscribe acks: transport
    }
    const arg = message['arg'];
    if (!isJsonObject(arg) || typeof arg['channel'] !== 'string') {
      return rejectedFrame(rejectFrame('wrong_shape', frame, 'neither an event nor a push'));
    }
    if (arg['channel'] !== 'tickers') return transportFrame; // a channel we did not ask for
    return ticksOfDataArray(message['data'], frame, (entry) => tickOf(entry, frame, receivedAt, symbols));
  },

  pingMessage: () => 'ping',
};
