import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { type Logger, silentLogger } from '../log.js';

/** Options of {@link guardConnections}. */
export interface ConnectionGuardOptions {
  /** Most connections held open at once; the oldest idle one makes room for a new one. Default 256. */
  readonly maxConnections?: number;
  /** Where the guard says that the cap was reached (WARN, once per crowding). Default: nothing is logged. */
  readonly logger?: Logger;
}

/** What {@link guardConnections} reports. */
export interface ConnectionGuard {
  /** Connections open now. */
  readonly size: number;
  /** Connections closed to make room since the server started. */
  readonly evicted: number;
}

/**
 * Caps the connections an HTTP server holds, so idle or half-open clients can
 * never exhaust the process's file descriptors (which the journal and the
 * delivery cursors need too) nor starve `/livez`.
 *
 * A connection is busy while one of its requests is being answered (an event
 * stream stays busy until it ends) and idle otherwise: just opened, between
 * keep-alive requests, or still sending its headers. When a new connection
 * would pass `maxConnections`, the oldest idle connection is closed to make
 * room; when every held connection is busy, the new one is closed instead.
 * So a flood of idle connections cannot lock out a health check: each newcomer
 * pushes out the longest-idle one.
 *
 * 1. Logs one WARN when the cap is first reached, and again only after the
 *    number of connections fell below half the cap.
 * 2. Never throws; destroying a socket is all it does.
 *
 * @example
 * const guard = guardConnections(createServer(handler), { maxConnections: 256, logger });
 * // 1000 idle sockets later: guard.size === 256, and GET /livez still answers
 */
export function guardConnections(server: Server, options: ConnectionGuardOptions = {}): ConnectionGuard {
  const maxConnections = options.maxConnections ?? 256;
  if (!(Number.isInteger(maxConnections) && maxConnections >= 1)) {
    throw new RangeError(`maxConnections must be an integer >= 1, got ${maxConnections}`);
  }
  const logger = options.logger ?? silentLogger;
  /** Open sockets, oldest first, with the number of requests in flight on each. */
  const open = new Map<Socket, { busy: number }>();
  let evicted = 0;
  let crowded = false;

  server.on('connection', (socket: Socket) => {
    open.set(socket, { busy: 0 });
    socket.once('close', () => {
      open.delete(socket);
      if (crowded && open.size < maxConnections / 2) crowded = false;
    });
    if (open.size <= maxConnections) return;
    if (!crowded) {
      crowded = true;
      logger.warn(`${maxConnections} HTTP connections open (the cap): closing the longest idle ones to make room for new ones`);
    }
    let victim: Socket = socket;
    for (const [held, state] of open) {
      if (held !== socket && state.busy === 0) {
        victim = held;
        break;
      }
    }
    // Forget it now: its 'close' comes later, and the count must hold the cap at once.
    open.delete(victim);
    evicted += 1;
    victim.destroy();
  });
  server.on('request', (req, res) => {
    const state = open.get(req.socket);
    if (state === undefined) return;
    state.busy += 1;
    res.once('close', () => (state.busy -= 1));
  });

  return {
    get size() {
      return open.size;
    },
    get evicted() {
      return evicted;
    },
  };
}
