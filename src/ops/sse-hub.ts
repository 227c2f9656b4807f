import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Logger, silentLogger } from '../log.js';

/** The open Server-Sent Events streams of the status page. */
export interface SseHub {
  /** Number of connected clients. */
  readonly size: number;
  /** Takes over a `GET /events` response: headers, then `first` as the opening event. */
  open(req: IncomingMessage, res: ServerResponse, first: { event: string; data: unknown }): void;
  /** Sends one event to every client. */
  broadcast(event: string, data: unknown): void;
  /** Ends every stream (the browsers' EventSource will try to reconnect). */
  closeAll(): void;
}

/** Options of {@link createSseHub}. */
export interface SseHubOptions {
  /** A comment line this often keeps proxies from closing idle streams (ms). Default 15000. */
  readonly keepAliveMs?: number;
  /** The browser waits this long before reconnecting (ms, sent as `retry:`). Default 2000. */
  readonly retryMs?: number;
  /**
   * A client whose unsent data passes this many bytes has stopped reading (a
   * stalled or malicious client): it is dropped, so it cannot make the service
   * buffer without bound. Default 1048576 (1 MiB: hundreds of updates); twice
   * the opening snapshot when that is larger.
   */
  readonly maxBufferedBytes?: number;
  /** Where a dropped slow client is reported (WARN). Default: nothing is logged. */
  readonly logger?: Logger;
  /** Called when the number of clients changes. */
  readonly onClients?: (count: number) => void;
}

/**
 * Creates the set of SSE streams behind `GET /events`. A client that goes
 * away is dropped, and so is one that stops reading (its unsent data passes
 * `maxBufferedBytes`); one keep-alive timer serves every client and runs only
 * while there is one. A stream is exempt from the server's idle timeout: the
 * keep-alive comments are its traffic.
 *
 * @example
 * const hub = createSseHub();
 * // in the request handler: hub.open(req, res, { event: 'snapshot', data: board.snapshot() });
 * hub.broadcast('update', { now: Date.now() });
 * // Each client receives: event: update / data: {"now":...}
 */
export function createSseHub(options: SseHubOptions = {}): SseHub {
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const retryMs = options.retryMs ?? 2000;
  const maxBufferedBytes = options.maxBufferedBytes ?? 1_048_576;
  const logger = options.logger ?? silentLogger;
  /** Open streams, each with the unsent bytes it may reach before it is dropped. */
  const clients = new Map<ServerResponse, number>();
  let keepAlive: NodeJS.Timeout | undefined;

  /** Writes to one client, and drops it if its unsent data passed the limit. */
  const send = (res: ServerResponse, text: string) => {
    res.write(text);
    const limit = clients.get(res);
    if (limit === undefined || res.writableLength <= limit) return;
    clients.delete(res);
    logger.warn(
      `status page client ${res.socket?.remoteAddress ?? '?'}:${res.socket?.remotePort ?? '?'} dropped: ` +
        `${res.writableLength} bytes unsent (limit ${limit}); it stopped reading`,
    );
    res.destroy();
    changed();
  };

  const changed = () => {
    if (clients.size > 0 && keepAlive === undefined) {
      keepAlive = setInterval(() => {
        for (const res of clients.keys()) send(res, ': keep-alive\n\n');
      }, keepAliveMs);
    } else if (clients.size === 0 && keepAlive !== undefined) {
      clearInterval(keepAlive);
      keepAlive = undefined;
    }
    options.onClients?.(clients.size);
  };
  const frame = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

  return {
    get size() {
      return clients.size;
    },
    open(req, res, first) {
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        // nginx buffers responses unless told not to
        'x-accel-buffering': 'no',
        'x-content-type-options': 'nosniff',
      });
      const opening = `retry: ${retryMs}\n${frame(first.event, first.data)}`;
      res.write(opening);
      // A big snapshot on a slow link is not a client that stopped reading: allow twice the snapshot.
      clients.set(res, Math.max(maxBufferedBytes, 2 * Buffer.byteLength(opening)));
      const drop = () => {
        if (clients.delete(res)) changed();
      };
      req.socket.setNoDelay(true);
      req.socket.setTimeout(0);
      res.on('close', drop);
      res.on('error', drop);
      changed();
    },
    broadcast(event, data) {
      if (clients.size === 0) return;
      const text = frame(event, data);
      for (const res of clients.keys()) send(res, text);
    },
    closeAll() {
      const open = [...clients.keys()];
      clients.clear();
      for (const res of open) res.end();
      changed();
    },
  };
}
