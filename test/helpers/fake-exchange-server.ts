import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A loopback WebSocket server for tests, the base of the fake exchanges
 * (`fake-binance-server.ts`, `fake-coinbase-server.ts`, `fake-kraken-server.ts`, `fake-okx-server.ts`,
 * `fake-bybit-server.ts`, `fake-bitstamp-server.ts`).
 *
 * ```ts
 * const server = await FakeExchangeServer.start();   // 127.0.0.1, ephemeral port
 * server.url;                  // 'ws://127.0.0.1:54321'
 * server.openConnections;      // sockets open right now
 * server.push('{"a":1}');      // a text frame to every open socket (a Buffer goes as binary)
 * server.kill();               // drop every socket hard (no close frame)
 * server.refuse = true;        // answer new upgrades with HTTP 503
 * server.silent = true;        // new and open sockets get no pongs and no protocol replies
 * server.stalled = true;       // pongs and replies go on, market data and heartbeats stop (push drops them)
 * await server.close();        // kill, then stop listening
 * ```
 */
export class FakeExchangeServer {
  /** Text frames received from clients, in order, with the index of the connection that sent them. */
  readonly received: { readonly connection: number; readonly text: string }[] = [];
  /** Request path and query of every accepted connection, in order. */
  readonly paths: string[] = [];
  /** Upgrade requests seen, refused ones included. */
  connectionAttempts = 0;
  /** Most client sockets open at once so far (2 during a handover that opens the new one first). */
  peakOpenConnections = 0;
  /** Pings received from clients. */
  pingsReceived = 0;
  /** Pongs received from clients (answers to the server's pings, or unsolicited). */
  pongsReceived = 0;
  /** When true, upgrades are answered with HTTP 503. */
  refuse = false;
  /** When true, the server answers no ping and sends no protocol replies (a dead transport). */
  silent = false;
  /**
   * When true, the server keeps answering pings and requests but sends no
   * market data and no heartbeat: `push` drops its frames (a stalled exchange
   * handler behind a healthy socket).
   */
  stalled = false;

  protected readonly sockets = new Map<WebSocket, number>();
  private readonly wss = new WebSocketServer({ noServer: true, autoPong: false });
  private url_ = '';

  // 1024 Binance streams in one URL exceed Node's default 16 KiB header limit.
  protected constructor(private readonly http: Server = createServer({ maxHeaderSize: 256 * 1024 })) {}

  /** Starts a server on 127.0.0.1 with an ephemeral port. */
  static async start(): Promise<FakeExchangeServer> {
    return new FakeExchangeServer().listen();
  }

  /** `ws://127.0.0.1:<port>`. */
  get url(): string {
    return this.url_;
  }

  /** How many client sockets are open right now. */
  get openConnections(): number {
    return this.sockets.size;
  }

  protected async listen(): Promise<this> {
    this.http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.connectionAttempts += 1;
      if (this.refuse) {
        socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws, request));
    });
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    this.url_ = `ws://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
    return this;
  }

  private accept(ws: WebSocket, request: IncomingMessage): void {
    const index = this.paths.length;
    this.paths.push(request.url ?? '/');
    this.sockets.set(ws, index);
    this.peakOpenConnections = Math.max(this.peakOpenConnections, this.sockets.size);
    ws.on('close', () => this.sockets.delete(ws));
    ws.on('error', () => this.sockets.delete(ws));
    ws.on('ping', (data) => {
      this.pingsReceived += 1;
      this.onPing(ws);
      if (!this.silent) ws.pong(data);
    });
    ws.on('pong', () => {
      this.pongsReceived += 1;
      this.onPong(ws);
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const text = data.toString();
      this.received.push({ connection: index, text });
      if (!this.silent) this.onMessage(ws, text);
    });
    this.onConnection(ws, request.url ?? '/');
  }

  /** Hook: a client connected (`path` includes the query). */
  protected onConnection(_ws: WebSocket, _path: string): void {}

  /** Hook: a client sent a text frame (not called while `silent`). */
  protected onMessage(_ws: WebSocket, _text: string): void {}

  /** Hook: a client sent a ping. */
  protected onPing(_ws: WebSocket): void {}

  /** Hook: a client sent a pong. */
  protected onPong(_ws: WebSocket): void {}

  /** Sends a WebSocket ping to every open socket. */
  ping(): void {
    for (const ws of this.sockets.keys()) if (ws.readyState === ws.OPEN) ws.ping();
  }

  /** Sends one frame to every open socket, or to those `to` selects: text for a string, binary for a Buffer. Nothing while `stalled`. */
  push(frame: string | Buffer, to: (ws: WebSocket) => boolean = () => true): void {
    if (this.stalled) return;
    for (const ws of this.sockets.keys()) {
      if (ws.readyState === ws.OPEN && to(ws)) ws.send(frame, { binary: Buffer.isBuffer(frame) });
    }
  }

  /** The open sockets, oldest first. */
  protected openSockets(): WebSocket[] {
    return [...this.sockets.keys()];
  }

  /** Drops every open socket at once, without a close frame (a network failure). */
  kill(): void {
    for (const ws of this.sockets.keys()) ws.terminate();
  }

  /** Closes one socket politely (code, reason), like a server's planned disconnect. */
  closeOldest(code = 1001, reason = 'going away'): void {
    this.openSockets()[0]?.close(code, reason);
  }

  /** Kills every socket and stops listening. */
  async close(): Promise<void> {
    this.kill();
    this.sockets.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}

/**
 * Resolves once `condition()` holds, polling every few ms; rejects after
 * `timeoutMs` with `what` in the message. For socket tests on loopback.
 */
export async function waitUntil(condition: () => boolean, what = 'condition', timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
