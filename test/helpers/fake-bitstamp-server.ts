import type { WebSocket } from 'ws';
import { FakeExchangeServer } from './fake-exchange-server.js';

/** Optional fields of a pushed trade. */
export interface TradeFields {
  /** Trade time, epoch ms (default `Date.now()`); sent as `microtimestamp` in µs and `timestamp` in s. */
  readonly ts?: number;
  /** 0 buy, 1 sell (default 0). */
  readonly type?: 0 | 1;
}

// Verbatim: the heartbeat reply (frames/bitstamp.jsonl line 10) and the error for input that is not JSON (line 11).
const HEARTBEAT_REPLY = '{"event":"bts:heartbeat","channel":"","data":{"status":"success"}}';
const NOT_JSON = '{"event": "bts:error","channel": "","data": { "code": null, "message": "Incorrect JSON format." }}';
// Verbatim: bts:request_reconnect as the 2023 docs show it (line 5, data "") and as the current docs do (line 6, data null).
const REQUEST_RECONNECT = {
  empty: '{"event": "bts:request_reconnect","channel": "","data": ""}',
  null: '{"event": "bts:request_reconnect", "channel": "", "data": null}',
} as const;

const CHANNEL = /^[a-z0-9_-]+$/;

/**
 * A loopback Bitstamp WebSocket v2: one `bts:subscribe` per channel, each
 * acknowledged with `bts:subscription_succeeded`, even for a well-formed pair
 * it does not list (`unknownPairs`: acknowledged, then silent, as observed); a
 * malformed channel refused with a `bts:error` that names no channel;
 * `bts:heartbeat` answered; `trade` events on demand; and
 * `bts:request_reconnect` followed, a moment later, by the server dropping
 * the old connection. Client frames of 512 bytes or more are closed with 1009,
 * and a 1,025th subscription closes the connection silently, as Bitstamp does.
 *
 * ```ts
 * const bitstamp = await FakeBitstampServer.start();
 * bitstamp.pushTrade('BTC/USD', 24629, { ts: 1676510678160 });
 * bitstamp.requestReconnect('null', 200);   // announce, then drop every current connection after 200 ms
 * ```
 */
export class FakeBitstampServer extends FakeExchangeServer {
  /** Well-formed pairs (`foousd`) the server acknowledges and then never trades. */
  readonly unknownPairs = new Set<string>();
  /** Heartbeats received. */
  heartbeats = 0;
  private readonly channels = new Map<WebSocket, Set<string>>();
  private nextId = 272944338;

  /** Starts a fake Bitstamp on 127.0.0.1 with an ephemeral port. */
  static override async start(): Promise<FakeBitstampServer> {
    return new FakeBitstampServer().listen();
  }

  /** Channels subscribed on any open connection. */
  subscribed(): string[] {
    const all = new Set<string>();
    for (const set of this.channels.values()) for (const channel of set) all.add(channel);
    return [...all];
  }

  protected override onConnection(ws: WebSocket): void {
    this.channels.set(ws, new Set());
    ws.on('close', () => this.channels.delete(ws));
  }

  protected override onMessage(ws: WebSocket, text: string): void {
    if (Buffer.byteLength(text) >= 512) {
      ws.close(1009, 'read limited at 513 bytes');
      return;
    }
    let request: { event?: unknown; data?: { channel?: unknown } };
    try {
      request = JSON.parse(text);
    } catch {
      ws.send(NOT_JSON);
      return;
    }
    if (request.event === 'bts:heartbeat') {
      this.heartbeats += 1;
      ws.send(HEARTBEAT_REPLY);
      return;
    }
    const channel = request.data?.channel;
    if (request.event === 'bts:unsubscribe' && typeof channel === 'string') {
      this.channels.get(ws)?.delete(channel);
      ws.send(`{"event":"bts:unsubscription_succeeded","channel":"${channel}","data":{}}`);
      return;
    }
    if (request.event !== 'bts:subscribe' || typeof channel !== 'string') {
      ws.send('{"event":"bts:error","channel":"","data":{"code":null,"message":"Bad subscription string."}}');
      return;
    }
    if (!CHANNEL.test(channel)) {
      ws.send('{"event":"bts:error","channel":"","data":{"code":null,"message":"Invalid channel provided."}}');
      return;
    }
    const mine = this.channels.get(ws);
    if (!mine) return;
    mine.add(channel);
    if (mine.size > 1024) {
      ws.terminate(); // "silently closed"
      return;
    }
    ws.send(`{"event":"bts:subscription_succeeded","channel":"${channel}","data":{}}`);
  }

  /** The trade event for a canonical symbol (`BTC/USD`), shaped like the observed spot frame. */
  tradeFrame(symbol: string, price: number, fields: TradeFields = {}): string {
    const pair = symbol.replace('/', '').toLowerCase();
    const ms = fields.ts ?? Date.now();
    const id = this.nextId++;
    return JSON.stringify({
      data: {
        id, timestamp: String(Math.floor(ms / 1000)), amount: 0.01, amount_str: '0.01000000', price, price_str: String(price),
        type: fields.type ?? 0, microtimestamp: `${ms}000`, buy_order_id: 1587919681548289 + id, sell_order_id: 1587919680561152 + id,
      },
      channel: `live_trades_${pair}`,
      event: 'trade',
    });
  }

  /** Sends a trade to every connection subscribed to the pair's `live_trades_` channel, unless the pair is unknown. */
  pushTrade(symbol: string, price: number, fields: TradeFields = {}): string {
    const frame = this.tradeFrame(symbol, price, fields);
    const pair = symbol.replace('/', '').toLowerCase();
    if (!this.unknownPairs.has(pair)) this.push(frame, (ws) => this.channels.get(ws)?.has(`live_trades_${pair}`) ?? false);
    return frame;
  }

  /**
   * Sends `bts:request_reconnect` (with `data` "" or null, both documented) to
   * every open connection, and drops those connections `dropAfterMs` later, as
   * the server does when the client does not leave in time.
   */
  requestReconnect(data: keyof typeof REQUEST_RECONNECT, dropAfterMs: number): void {
    const doomed = this.openSockets();
    for (const ws of doomed) ws.send(REQUEST_RECONNECT[data]);
    setTimeout(() => {
      for (const ws of doomed) ws.close(1001, 'going away');
    }, dropAfterMs);
  }
}
