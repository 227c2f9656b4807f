import type { WebSocket } from 'ws';
import { FakeExchangeServer } from './fake-exchange-server.js';
import type { TickerFields } from './fake-binance-server.js';

const CONN_ID = '2324d924-aa4d-45b0-a858-7b8be29ab52b';

/**
 * A loopback Bybit v5 public spot stream: `subscribe` with at most 10 topic
 * strings per request (more are refused with the observed `args size >10`),
 * one response per request; a request naming an unknown symbol is refused
 * whole (`Invalid symbol :[tickers.X]`, none of its topics subscribed: the
 * stricter of the two readings the docs allow); `{"op":"ping"}` answered with
 * the spot pong; `tickers.<SYMBOL>` snapshots on demand. It also counts the
 * characters of all `args` per connection (Bybit allows 21,000).
 *
 * ```ts
 * const bybit = await FakeBybitServer.start();
 * bybit.pushTicker('BTC/USDT', 65000, { open24h: 64000 });
 * bybit.subscribed();     // ['BTCUSDT', ...]
 * ```
 */
export class FakeBybitServer extends FakeExchangeServer {
  /** Symbols (`NOPEUSDT`) whose topics are refused. */
  readonly unknownSymbols = new Set<string>();
  /** Topic count of every subscribe request, in order. */
  readonly requestSizes: number[] = [];
  /** Characters of all `args` received per connection index. */
  readonly argsCharacters: number[] = [];
  /** JSON pings received. */
  pings = 0;
  /** Text frames that were not JSON (a text `ping` would be one). */
  nonJsonFrames = 0;
  private readonly symbols = new Map<WebSocket, Set<string>>();
  private sequence = 2588407389;

  /** Starts a fake Bybit on 127.0.0.1 with an ephemeral port. */
  static override async start(): Promise<FakeBybitServer> {
    return new FakeBybitServer().listen();
  }

  /** Symbols subscribed to `tickers` on any open connection. */
  subscribed(): string[] {
    const all = new Set<string>();
    for (const set of this.symbols.values()) for (const symbol of set) all.add(symbol);
    return [...all];
  }

  protected override onConnection(ws: WebSocket): void {
    this.symbols.set(ws, new Set());
    this.argsCharacters.push(0);
    ws.on('close', () => this.symbols.delete(ws));
  }

  protected override onMessage(ws: WebSocket, text: string): void {
    let request: { op?: unknown; args?: unknown; req_id?: unknown };
    try {
      request = JSON.parse(text);
    } catch {
      this.nonJsonFrames += 1;
      return;
    }
    const reqId = typeof request.req_id === 'string' ? `,"req_id":"${request.req_id}"` : '';
    if (request.op === 'ping') {
      this.pings += 1;
      ws.send(`{"success":true,"ret_msg":"pong","conn_id":"${CONN_ID}"${reqId},"op":"ping"}`);
      return;
    }
    if (request.op === 'unsubscribe' && Array.isArray(request.args)) {
      for (const topic of request.args.map(String)) this.symbols.get(ws)?.delete(topic.slice(8));
      ws.send(`{"success":true,"ret_msg":"","conn_id":"${CONN_ID}"${reqId},"op":"unsubscribe"}`);
      return;
    }
    if (request.op !== 'subscribe' || !Array.isArray(request.args)) return;
    const topics = request.args.map(String);
    this.requestSizes.push(topics.length);
    const index = this.sockets.get(ws);
    if (index !== undefined) this.argsCharacters[index] = (this.argsCharacters[index] ?? 0) + topics.join('').length;
    const refuse = (message: string) => ws.send(`{"success":false,"ret_msg":"${message}","conn_id":"${CONN_ID}"${reqId},"op":"subscribe"}`);
    if (topics.length > 10) return refuse('args size >10');
    const unknown = topics.filter((topic) => !topic.startsWith('tickers.') || this.unknownSymbols.has(topic.slice(8)));
    if (unknown.length > 0) return refuse(`Invalid symbol :[${unknown.join(', ')}]`);
    const mine = this.symbols.get(ws);
    const again = topics.find((topic) => mine?.has(topic.slice(8)));
    for (const topic of topics) mine?.add(topic.slice(8));
    if (again !== undefined) return refuse(`error:already subscribed,topic:${again}`);
    ws.send(`{"success":true,"ret_msg":"subscribe","conn_id":"${CONN_ID}"${reqId},"op":"subscribe"}`);
  }

  /** The spot ticker snapshot for a canonical symbol (`BTC/USDT`): prices as strings, `ts` a number, no bid/ask. */
  tickerFrame(symbol: string, price: number, fields: TickerFields = {}): string {
    const native = symbol.replace('/', '');
    const previous = fields.open24h ?? price;
    return JSON.stringify({
      topic: `tickers.${native}`, ts: fields.ts ?? Date.now(), type: 'snapshot', cs: this.sequence++,
      data: {
        symbol: native, lastPrice: String(price), highPrice24h: String(Math.max(price, previous)), lowPrice24h: String(Math.min(price, previous)),
        prevPrice24h: String(previous), volume24h: '1', turnover24h: String(price), price24hPcnt: (price / previous - 1).toFixed(4), usdIndexPrice: '',
      },
    });
  }

  /** Sends a ticker snapshot to every connection subscribed to the symbol; returns the frame. */
  pushTicker(symbol: string, price: number, fields: TickerFields = {}): string {
    const frame = this.tickerFrame(symbol, price, fields);
    const native = symbol.replace('/', '');
    this.push(frame, (ws) => this.symbols.get(ws)?.has(native) ?? false);
    return frame;
  }
}
