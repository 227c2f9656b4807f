import type { WebSocket } from 'ws';
import { requestedChannels } from '../../src/demo/simulated-coinbase.js';
import { FakeExchangeServer } from './fake-exchange-server.js';
import type { TickerFields } from './fake-binance-server.js';

/** How the fake Coinbase behaves. */
export interface FakeCoinbaseOptions {
  /** Send a `heartbeat` per subscribed product this often, ms (the real server: 1000). Default: never. */
  readonly heartbeatEveryMs?: number;
}

type Channels = Map<string, Set<string>>;

/**
 * A loopback Coinbase Exchange `ws-feed`: `subscribe` and `unsubscribe` (channel objects with
 * `product_ids`, or root `product_ids`) answered with `subscriptions`; a
 * subscribe naming an unknown product is refused whole with the observed
 * `Failed to subscribe` error; `ticker` and `heartbeat` frames on demand.
 *
 * ```ts
 * const coinbase = await FakeCoinbaseServer.start({ heartbeatEveryMs: 50 });
 * coinbase.unknownProducts.add('FOO-USD');
 * coinbase.pushTicker('BTC/USD', 65000, { open24h: 64000 });
 * coinbase.subscribed('ticker');   // ['BTC-USD', ...] over every open connection
 * ```
 */
export class FakeCoinbaseServer extends FakeExchangeServer {
  /** Products this server does not list: subscribing to one fails the whole subscribe message. */
  readonly unknownProducts = new Set<string>();
  private readonly channels = new Map<WebSocket, Channels>();
  private sequence = 1;

  private constructor(private readonly options: FakeCoinbaseOptions) {
    super();
  }

  /** Starts a fake Coinbase on 127.0.0.1 with an ephemeral port. */
  static override async start(options: FakeCoinbaseOptions = {}): Promise<FakeCoinbaseServer> {
    return new FakeCoinbaseServer(options).listen();
  }

  /** Product ids subscribed to `channel` on any open connection. */
  subscribed(channel: string): string[] {
    const all = new Set<string>();
    for (const channels of this.channels.values()) for (const id of channels.get(channel) ?? []) all.add(id);
    return [...all];
  }

  protected override onConnection(ws: WebSocket): void {
    this.channels.set(ws, new Map());
    if (this.options.heartbeatEveryMs !== undefined) {
      const beat = setInterval(() => {
        if (this.silent || this.stalled) return;
        for (const id of this.channels.get(ws)?.get('heartbeat') ?? []) ws.send(this.heartbeatFrame(id));
      }, this.options.heartbeatEveryMs);
      ws.on('close', () => clearInterval(beat));
    }
    ws.on('close', () => this.channels.delete(ws));
  }

  protected override onMessage(ws: WebSocket, text: string): void {
    let request: { type?: unknown; product_ids?: unknown; channels?: unknown };
    try {
      request = JSON.parse(text);
    } catch {
      ws.send('{"type":"error","message":"Malformed JSON"}');
      return;
    }
    if (request.type !== 'subscribe' && request.type !== 'unsubscribe') return;
    const wanted = requestedChannels(request);
    if (wanted.length === 0) {
      ws.send('{"message":"Failed to subscribe","reason":"No channels provided","type":"error"}');
      return;
    }
    const unknown = wanted.flatMap(([, ids]) => ids).find((id) => this.unknownProducts.has(id));
    if (request.type === 'unsubscribe') {
      const channels = this.channels.get(ws);
      for (const [name, ids] of wanted) for (const id of ids) channels?.get(name)?.delete(id);
      ws.send(JSON.stringify({ type: 'subscriptions', channels: [...(channels ?? [])].map(([name, ids]) => ({ name, product_ids: [...ids] })) }));
      return;
    }
    if (unknown !== undefined) {
      // Observed server behaviour: one bad product id rejects the whole message.
      ws.send(`{"type":"error","message":"Failed to subscribe","reason":"${unknown} is not a valid product"}`);
      return;
    }
    const channels = this.channels.get(ws);
    if (!channels) return;
    for (const [name, ids] of wanted) {
      const set = channels.get(name) ?? new Set<string>();
      for (const id of ids) set.add(id);
      channels.set(name, set);
    }
    ws.send(JSON.stringify({
      type: 'subscriptions',
      channels: [...channels].map(([name, ids]) => ({ name, product_ids: [...ids] })),
    }));
  }

  /** A heartbeat frame for one product id. */
  heartbeatFrame(productId: string): string {
    return JSON.stringify({
      type: 'heartbeat', sequence: this.sequence++, last_trade_id: 20, product_id: productId, time: new Date().toISOString(),
    });
  }

  /** The ticker frame for a canonical symbol (`BTC/USD`), decimals as strings like Coinbase. */
  tickerFrame(symbol: string, price: number, fields: TickerFields = {}): string {
    const time = new Date(fields.ts ?? Date.now()).toISOString().replace('Z', '123Z'); // microseconds, like the real feed
    return JSON.stringify({
      type: 'ticker', sequence: this.sequence++, product_id: symbol.replace('/', '-'), price: String(price),
      open_24h: String(fields.open24h ?? price), volume_24h: '1', low_24h: String(price), high_24h: String(price),
      volume_30d: '1', best_bid: String(fields.bid ?? price), best_bid_size: '1', best_ask: String(fields.ask ?? price),
      best_ask_size: '1', side: 'buy', time, trade_id: this.sequence, last_size: '1',
    });
  }

  /** Sends a ticker to every connection subscribed to the product's ticker; returns the frame. */
  pushTicker(symbol: string, price: number, fields: TickerFields = {}): string {
    const frame = this.tickerFrame(symbol, price, fields);
    const id = symbol.replace('/', '-');
    this.push(frame, (ws) => this.channels.get(ws)?.get('ticker')?.has(id) ?? false);
    return frame;
  }
}
