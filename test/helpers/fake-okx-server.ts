import type { WebSocket } from 'ws';
import { FakeExchangeServer } from './fake-exchange-server.js';
import type { TickerFields } from './fake-binance-server.js';

/** How the fake OKX behaves. */
export interface FakeOkxOptions {
  /** Close a connection with 4004 after this long without a frame either way, ms (the real server: 30000). Default: never. */
  readonly idleCloseMs?: number;
}

// Verbatim from the docs (frames/okx.jsonl line 7).
const UPGRADE_NOTICE = '{"event": "notice","code": "64008","msg": "The connection will soon be closed for a service upgrade. Please reconnect.","connId": "a4d3ae55"}';
const CONN_ID = 'a4d3ae55';

/**
 * A loopback OKX public WebSocket v5: `subscribe` with an `args` object per
 * instrument, answered by one ack per arg (or the observed 60018 error, which
 * names the instrument only in `msg`, for `unknownInstruments`); the text
 * `ping` answered by the text `pong`; the 64008 notice and the 4004 idle close
 * on demand; subscribe requests counted per connection and connection
 * attempts per second, as OKX limits them.
 *
 * ```ts
 * const okx = await FakeOkxServer.start({ idleCloseMs: 300 });
 * okx.pushTicker('BTC/USDT', 65000, { open24h: 64000 });
 * okx.subscribed();            // ['BTC-USDT', ...]
 * okx.upgradeNotice();
 * ```
 */
export class FakeOkxServer extends FakeExchangeServer {
  /** instIds refused with 60018. */
  readonly unknownInstruments = new Set<string>();
  /** Subscribe requests of each accepted connection, by its index (OKX allows 480 per connection per hour). */
  readonly subscribeRequests: number[] = [];
  /** Accepted connections that were the 4th or later within one second (OKX allows 3 per second per IP). */
  connectionRateViolations = 0;
  /** Text pings received (`ping`, not JSON). */
  textPings = 0;
  private readonly instruments = new Map<WebSocket, Set<string>>();
  private readonly idle = new Map<WebSocket, NodeJS.Timeout>();
  private readonly acceptedAt: number[] = [];

  private constructor(private readonly options: FakeOkxOptions) {
    super();
  }

  /** Starts a fake OKX on 127.0.0.1 with an ephemeral port. */
  static override async start(options: FakeOkxOptions = {}): Promise<FakeOkxServer> {
    return new FakeOkxServer(options).listen();
  }

  /** instIds subscribed to `tickers` on any open connection. */
  subscribed(): string[] {
    const all = new Set<string>();
    for (const set of this.instruments.values()) for (const id of set) all.add(id);
    return [...all];
  }

  protected override onConnection(ws: WebSocket): void {
    const now = Date.now();
    this.acceptedAt.push(now);
    if (this.acceptedAt.filter((at) => now - at < 1000).length > 3) this.connectionRateViolations += 1;
    this.subscribeRequests.push(0);
    this.instruments.set(ws, new Set());
    this.touch(ws);
    ws.on('close', () => {
      this.instruments.delete(ws);
      clearTimeout(this.idle.get(ws));
      this.idle.delete(ws);
    });
  }

  /** Restarts a connection's idle timer: OKX closes one that stays silent too long. */
  private touch(ws: WebSocket): void {
    if (this.options.idleCloseMs === undefined) return;
    clearTimeout(this.idle.get(ws));
    this.idle.set(ws, setTimeout(() => ws.close(4004, 'No data received in 30s.'), this.options.idleCloseMs));
  }

  private send(ws: WebSocket, frame: string): void {
    this.touch(ws);
    ws.send(frame);
  }

  override push(frame: string | Buffer, to: (ws: WebSocket) => boolean = () => true): void {
    super.push(frame, (ws) => {
      const selected = to(ws);
      if (selected) this.touch(ws);
      return selected;
    });
  }

  protected override onMessage(ws: WebSocket, text: string): void {
    this.touch(ws);
    if (text === 'ping') {
      this.textPings += 1;
      this.send(ws, 'pong');
      return;
    }
    let request: { id?: unknown; op?: unknown; args?: unknown };
    try {
      request = JSON.parse(text);
    } catch {
      this.send(ws, `{"event":"error","code":"60012","msg":"Invalid request: ${text.replace(/["\\]/g, '')}","connId":"${CONN_ID}"}`);
      return;
    }
    const id = typeof request.id === 'string' ? `"id":"${request.id}",` : '';
    if (request.op === 'unsubscribe' && Array.isArray(request.args)) {
      for (const arg of request.args as { channel?: unknown; instId?: unknown }[]) {
        this.instruments.get(ws)?.delete(String(arg?.instId));
        this.send(ws, `{${id}"event":"unsubscribe","arg":{"channel":"tickers","instId":"${String(arg?.instId)}"},"connId":"${CONN_ID}"}`);
      }
      return;
    }
    if (request.op !== 'subscribe' || !Array.isArray(request.args)) {
      this.send(ws, `{${id}"event":"error","code":"60019","msg":"Invalid op: ${String(request.op)}","connId":"${CONN_ID}"}`);
      return;
    }
    const index = this.sockets.get(ws);
    if (index !== undefined) this.subscribeRequests[index] = (this.subscribeRequests[index] ?? 0) + 1;
    for (const arg of request.args as { channel?: unknown; instId?: unknown }[]) {
      const instId = String(arg?.instId);
      if (arg?.channel !== 'tickers' || this.unknownInstruments.has(instId)) {
        // Observed current wording (frames/okx.jsonl line 14): no arg, the instId only inside msg.
        this.send(ws, `{${id}"event":"error","msg":"Wrong URL or channel:${String(arg?.channel)},instId:${instId} doesn't exist. Please use the correct URL, channel and parameters referring to API document.","code":"60018","connId":"${CONN_ID}"}`);
        continue;
      }
      this.instruments.get(ws)?.add(instId);
      this.send(ws, `{${id}"event":"subscribe","arg":{"channel":"tickers","instId":"${instId}"},"connId":"${CONN_ID}"}`);
    }
  }

  /** The tickers push for a canonical symbol (`BTC/USDT`): every value a string, `ts` a string of ms. */
  tickerFrame(symbol: string, price: number, fields: TickerFields = {}): string {
    const instId = symbol.replace('/', '-');
    const open = fields.open24h ?? price;
    const entry = {
      instType: 'SPOT', instId, last: String(price), lastSz: '0.1', askPx: String(fields.ask ?? price), askSz: '1',
      bidPx: String(fields.bid ?? price), bidSz: '1', open24h: String(open), high24h: String(Math.max(price, open)),
      low24h: String(Math.min(price, open)), volCcy24h: '1', vol24h: '1', sodUtc0: String(open), sodUtc8: String(open),
      ts: String(fields.ts ?? Date.now()),
    };
    return JSON.stringify({ arg: { channel: 'tickers', instId }, data: [entry] });
  }

  /** Sends a tickers push to every connection subscribed to the instrument; returns the frame. */
  pushTicker(symbol: string, price: number, fields: TickerFields = {}): string {
    const frame = this.tickerFrame(symbol, price, fields);
    const instId = symbol.replace('/', '-');
    this.push(frame, (ws) => this.instruments.get(ws)?.has(instId) ?? false);
    return frame;
  }

  /** Sends the documented 64008 notice (a service upgrade will close the connection) to every open connection. */
  upgradeNotice(): void {
    this.push(UPGRADE_NOTICE);
  }
}
