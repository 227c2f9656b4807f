import type { WebSocket } from 'ws';
import { FakeExchangeServer } from './fake-exchange-server.js';

/** Optional fields of a pushed ticker; each defaults to something plausible. */
export interface TickerFields {
  /** Exchange event time, ms (default `Date.now()`). */
  readonly ts?: number;
  readonly bid?: number;
  readonly ask?: number;
  readonly open24h?: number;
}

/** How the fake Binance behaves. */
export interface FakeBinanceOptions {
  /** Send a WebSocket ping to each client this often, ms (the real server: 20000). Default: never. */
  readonly pingEveryMs?: number;
}

// The combined-stream serverShutdown frame, verbatim from the docs (frames/binance.jsonl line 2).
const SERVER_SHUTDOWN = '{"stream": "!serverShutdown","data": {"e": "serverShutdown","E": 1770123456789}}';

/**
 * A loopback Binance Spot market-stream server: `/stream?streams=a@ticker/b@ticker`
 * (combined, wrapped `{"stream","data"}`) and `/ws/<stream>` (raw), SUBSCRIBE and UNSUBSCRIBE
 * answered with `{"result":null,"id":…}`, and the 5-incoming-messages-per-second
 * limit enforced the way Binance does (disconnect), counted in `rateViolations`.
 *
 * ```ts
 * const binance = await FakeBinanceServer.start();
 * binance.pushTicker('BTC/USDT', 101234.5, { open24h: 96200 });
 * binance.serverShutdown();
 * binance.streamsOf(0);        // ['btcusdt@ticker', ...] of the oldest open connection
 * ```
 */
export class FakeBinanceServer extends FakeExchangeServer {
  /** Connections dropped for sending more than 5 messages (frames, pings, pongs) in a second. */
  rateViolations = 0;
  private readonly streams = new Map<WebSocket, { combined: boolean; names: Set<string> }>();
  private readonly incoming = new Map<WebSocket, number[]>();

  private constructor(private readonly options: FakeBinanceOptions) {
    super();
  }

  /** Starts a fake Binance on 127.0.0.1 with an ephemeral port. */
  static override async start(options: FakeBinanceOptions = {}): Promise<FakeBinanceServer> {
    return new FakeBinanceServer(options).listen();
  }

  /** The streams of the i-th open connection (oldest first). */
  streamsOf(index: number): string[] {
    const ws = this.openSockets()[index];
    return ws ? [...(this.streams.get(ws)?.names ?? [])] : [];
  }

  protected override onConnection(ws: WebSocket, path: string): void {
    const url = new URL(path, 'http://fake');
    const combined = url.pathname.replace(/\/$/, '') === '/stream';
    const names = combined
      ? (url.searchParams.get('streams') ?? '').split('/').filter(Boolean)
      : url.pathname.startsWith('/ws/') ? [url.pathname.slice(4)] : [];
    this.streams.set(ws, { combined, names: new Set(names) });
    if (this.options.pingEveryMs !== undefined) {
      const pinger = setInterval(() => ws.ping(), this.options.pingEveryMs);
      ws.on('close', () => clearInterval(pinger));
    }
    ws.on('close', () => {
      this.streams.delete(ws);
      this.incoming.delete(ws);
    });
  }

  // Binance counts pings and pongs against the 5 messages per second too.
  protected override onPing(ws: WebSocket): void {
    this.countIncoming(ws);
  }

  protected override onPong(ws: WebSocket): void {
    this.countIncoming(ws);
  }

  protected override onMessage(ws: WebSocket, text: string): void {
    if (!this.countIncoming(ws)) return;
    let request: { method?: unknown; params?: unknown; id?: unknown };
    try {
      request = JSON.parse(text);
    } catch {
      ws.send('{"code":3,"msg":"Invalid JSON: expected value at line 1 column 1"}');
      return;
    }
    if (request.method === 'SUBSCRIBE' && Array.isArray(request.params)) {
      for (const name of request.params) this.streams.get(ws)?.names.add(String(name));
    }
    if (request.method === 'UNSUBSCRIBE' && Array.isArray(request.params)) {
      for (const name of request.params) this.streams.get(ws)?.names.delete(String(name));
    }
    ws.send(JSON.stringify({ result: null, id: request.id ?? null }));
  }

  /** Records one incoming message; drops the connection past 5 in a second, as Binance does. */
  private countIncoming(ws: WebSocket): boolean {
    const now = Date.now();
    const recent = (this.incoming.get(ws) ?? []).filter((at) => now - at < 1000);
    recent.push(now);
    this.incoming.set(ws, recent);
    if (recent.length <= 5) return true;
    this.rateViolations += 1;
    ws.terminate();
    return false;
  }

  /** The 24hrTicker payload for a canonical symbol (`BTC/USDT`), numbers as strings like Binance. */
  tickerPayload(symbol: string, price: number, fields: TickerFields = {}): string {
    const ts = fields.ts ?? Date.now();
    const s = symbol.replace('/', '').toUpperCase();
    const open = fields.open24h ?? price;
    return JSON.stringify({
      e: '24hrTicker', E: ts, s, p: String(price - open), P: '0.00', w: String(price), x: String(open),
      c: String(price), Q: '1', b: String(fields.bid ?? price), B: '1', a: String(fields.ask ?? price), A: '1',
      o: String(open), h: String(Math.max(price, open)), l: String(Math.min(price, open)), v: '1', q: String(price),
      O: ts - 86_400_000, C: ts, F: 0, L: 1, n: 1,
    });
  }

  /** Sends a `<symbol>@ticker` event to every connection carrying that stream; returns the payload. */
  pushTicker(symbol: string, price: number, fields: TickerFields = {}): string {
    const payload = this.tickerPayload(symbol, price, fields);
    const stream = `${symbol.replace('/', '').toLowerCase()}@ticker`;
    for (const ws of this.openSockets()) {
      const subscription = this.streams.get(ws);
      if (!subscription?.names.has(stream)) continue;
      ws.send(subscription.combined ? `{"stream":"${stream}","data":${payload}}` : payload);
    }
    return payload;
  }

  /** Announces a planned disconnect on every open connection (the documented frame, verbatim). */
  serverShutdown(): void {
    this.push(SERVER_SHUTDOWN);
  }
}
