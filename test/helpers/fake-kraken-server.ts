import type { WebSocket } from 'ws';
import { FakeExchangeServer } from './fake-exchange-server.js';
import type { TickerFields } from './fake-binance-server.js';

/** How the fake Kraken behaves. */
export interface FakeKrakenOptions {
  /** Send `{"channel": "heartbeat"}` this often once subscribed, ms (the real server: ~1000). Default: never. */
  readonly heartbeatEveryMs?: number;
}

// Sent on connect, verbatim from the docs (frames/kraken.jsonl line 10; connection_id > 2^53 on purpose).
const STATUS = '{"channel": "status","data": [{"api_version": "v2","connection_id": 13834774380200032777,"system": "online","version": "2.0.0"}],"type": "update"}';
const HEARTBEAT = '{"channel": "heartbeat"}';
const now = () => new Date().toISOString();

/**
 * A loopback Kraken Spot WebSocket v2: the `status` frame on connect, one
 * `subscribe` ack per symbol (or the observed `Currency pair not supported`
 * error for `XBT/…` and `unknownPairs`), `ping` → `pong`, ticker updates and
 * heartbeats on demand.
 *
 * ```ts
 * const kraken = await FakeKrakenServer.start({ heartbeatEveryMs: 50 });
 * kraken.pushTicker('BTC/USD', 65000, { bid: 64999, ask: 65001 });
 * kraken.subscribedSymbols();   // ['BTC/USD', ...]
 * ```
 */
export class FakeKrakenServer extends FakeExchangeServer {
  /** Pairs answered with `Currency pair not supported`. */
  readonly unknownPairs = new Set<string>();
  private readonly symbols = new Map<WebSocket, Set<string>>();

  private constructor(private readonly options: FakeKrakenOptions) {
    super();
  }

  /** Starts a fake Kraken on 127.0.0.1 with an ephemeral port. */
  static override async start(options: FakeKrakenOptions = {}): Promise<FakeKrakenServer> {
    return new FakeKrakenServer(options).listen();
  }

  /** Symbols subscribed to `ticker` on any open connection. */
  subscribedSymbols(): string[] {
    const all = new Set<string>();
    for (const set of this.symbols.values()) for (const symbol of set) all.add(symbol);
    return [...all];
  }

  protected override onConnection(ws: WebSocket): void {
    this.symbols.set(ws, new Set());
    ws.send(STATUS);
    if (this.options.heartbeatEveryMs !== undefined) {
      const beat = setInterval(() => {
        if (!this.silent && !this.stalled && (this.symbols.get(ws)?.size ?? 0) > 0) ws.send(HEARTBEAT);
      }, this.options.heartbeatEveryMs);
      ws.on('close', () => clearInterval(beat));
    }
    ws.on('close', () => this.symbols.delete(ws));
  }

  protected override onMessage(ws: WebSocket, text: string): void {
    let request: { method?: unknown; params?: { channel?: unknown; symbol?: unknown }; req_id?: unknown };
    try {
      request = JSON.parse(text);
    } catch {
      ws.send(`{"error":"Malformed request","method":"error","success":false,"time_in":"${now()}","time_out":"${now()}"}`);
      return;
    }
    const reqId = typeof request.req_id === 'number' ? `,"req_id":${request.req_id}` : '';
    if (request.method === 'ping') {
      ws.send(`{"method":"pong"${reqId},"time_in":"${now()}","time_out":"${now()}"}`);
      return;
    }
    if (request.method === 'unsubscribe' && request.params?.channel === 'ticker' && Array.isArray(request.params.symbol)) {
      for (const symbol of request.params.symbol.map(String)) {
        this.symbols.get(ws)?.delete(symbol);
        ws.send(`{"method":"unsubscribe","result":{"channel":"ticker","event_trigger":"trades","symbol":"${symbol}"},"success":true${reqId},"time_in":"${now()}","time_out":"${now()}"}`);
      }
      return;
    }
    if (request.method !== 'subscribe' || request.params?.channel !== 'ticker' || !Array.isArray(request.params.symbol)) return;
    for (const symbol of request.params.symbol.map(String)) {
      if (symbol.includes('XBT') || this.unknownPairs.has(symbol)) {
        ws.send(`{"error":"Currency pair not supported ${symbol}","method":"subscribe","success":false,"symbol":"${symbol}"${reqId},"time_in":"${now()}","time_out":"${now()}"}`);
        continue;
      }
      this.symbols.get(ws)?.add(symbol);
      ws.send(`{"method":"subscribe","result":{"channel":"ticker","event_trigger":"trades","snapshot":true,"symbol":"${symbol}"},"success":true${reqId},"time_in":"${now()}","time_out":"${now()}"}`);
    }
  }

  /** The ticker update frame for a symbol (`BTC/USD`), numbers as JSON numbers like Kraken v2. */
  tickerFrame(symbol: string, price: number, fields: TickerFields = {}): string {
    const entry = {
      symbol, bid: fields.bid ?? price, bid_qty: 1, ask: fields.ask ?? price, ask_qty: 1, last: price, volume: 1,
      vwap: price, low: price, high: price, change: 0, change_pct: 0, timestamp: new Date(fields.ts ?? Date.now()).toISOString(),
    };
    return JSON.stringify({ channel: 'ticker', type: 'update', data: [entry] });
  }

  /** Sends a ticker update to every connection subscribed to the symbol; returns the frame. */
  pushTicker(symbol: string, price: number, fields: TickerFields = {}): string {
    const frame = this.tickerFrame(symbol, price, fields);
    this.push(frame, (ws) => this.symbols.get(ws)?.has(symbol) ?? false);
    return frame;
  }

  /** Sends one heartbeat to every open connection. */
  heartbeat(): void {
    this.push(HEARTBEAT);
  }
}
