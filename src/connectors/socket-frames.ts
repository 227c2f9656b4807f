import { Observable } from 'rxjs';
import { createRequire } from 'node:module';
import type WebSocket from 'ws';

/** What an open connection lets the feed do. */
export interface SocketControl {
  send(text: string): void;
  /** Sends a WebSocket ping frame; the pong arrives as a `pong` event. */
  ping(): void;
}

/** One thing that happened on a connection. */
export type SocketEvent =
  | { readonly type: 'open'; readonly socket: SocketControl }
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'binary'; readonly bytes: number }
  | { readonly type: 'ping' }
  | { readonly type: 'pong' };

/** The server (or the network) closed the connection. Feeds never end, so this is an error. */
export class SocketClosedError extends Error {
  override readonly name = 'SocketClosedError';
  constructor(
    readonly code: number,
    readonly reason: string,
  ) {
    super(`connection closed (code ${code}${reason ? `, ${reason}` : ''})`);
  }
}

/** A frame exceeded the size limit; the connection is dropped. */
export class FrameTooLargeError extends Error {
  override readonly name = 'FrameTooLargeError';
  constructor(readonly maxBytes: number) {
    super(`frame larger than ${maxBytes} bytes`);
  }
}

/** How {@link socketFrames} opens its connection. */
export interface SocketFramesOptions {
  /** Largest frame accepted, bytes (default 1 MiB). */
  readonly maxFrameBytes?: number;
  /** Creates the socket (default `new WebSocket(url, { maxPayload })` from `ws`). */
  readonly createSocket?: (url: string) => WebSocket;
}

const ignore = () => undefined;

/** `ws`, required on the first socket opened rather than imported: a replay or a check never loads it. */
let WebSocketClass: typeof WebSocket | undefined;
const loadWebSocket = (): typeof WebSocket => (WebSocketClass ??= createRequire(import.meta.url)('ws') as typeof WebSocket);

function defaultOptions(maxPayload: number): WebSocket.ClientOptions {
  // closeTimeout (ws >= 8.18, not in @types/ws yet): an unanswered close frame must not keep the process up for 30 s.
  const options = { maxPayload, closeTimeout: 2000 };
  return options;
}

function textOf(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function sizeOf(data: WebSocket.RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, part) => sum + part.length, 0);
  return data.byteLength;
}

/**
 * One WebSocket connection as a cold Observable: subscribing connects,
 * unsubscribing closes the socket (a close handshake when open, an abort while
 * connecting).
 *
 * 1. Emits `open` (with `send`/`ping`), then one event per frame, ping and pong.
 * 2. Errors when the connection fails or closes ({@link SocketClosedError}),
 *    or when a frame is too large ({@link FrameTooLargeError}).
 * 3. Never completes.
 *
 * @example
 * socketFrames('ws://127.0.0.1:8765').subscribe((event) => console.log(event.type));
 * // Logs: open, then text for each frame
 */
export function socketFrames(url: string, options: SocketFramesOptions = {}): Observable<SocketEvent> {
  const maxFrameBytes = options.maxFrameBytes ?? 1 << 20;
  return new Observable<SocketEvent>((subscriber) => {
    const ws = options.createSocket?.(url) ?? new (loadWebSocket())(url, defaultOptions(maxFrameBytes));
    const control: SocketControl = {
      send: (text) => ws.send(text),
      ping: () => ws.ping(),
    };
    ws.on('open', () => subscriber.next({ type: 'open', socket: control }));
    ws.on('message', (data, isBinary) => {
      if (sizeOf(data) > maxFrameBytes) subscriber.error(new FrameTooLargeError(maxFrameBytes));
      else if (isBinary) subscriber.next({ type: 'binary', bytes: sizeOf(data) });
      else subscriber.next({ type: 'text', text: textOf(data) });
    });
    ws.on('ping', () => subscriber.next({ type: 'ping' }));
    ws.on('pong', () => subscriber.next({ type: 'pong' }));
    ws.on('error', (error: Error & { code?: string }) => {
      subscriber.error(error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? new FrameTooLargeError(maxFrameBytes) : error);
    });
    ws.on('close', (code, reason) => subscriber.error(new SocketClosedError(code, reason.toString('utf8'))));
    return () => {
      ws.removeAllListeners();
      ws.on('error', ignore); // an abort or a late network error must not become an unhandled 'error' event
      if (ws.readyState === ws.CONNECTING) ws.terminate();
      else if (ws.readyState === ws.OPEN) ws.close(1000);
    };
  });
}
