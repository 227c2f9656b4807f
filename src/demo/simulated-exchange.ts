import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Logger } from '../log.js';
import { scriptedMove } from './scripted-market.js';

/** Options of a simulated exchange; every one has a default. */
export interface SimulatedExchangeOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one. Default 8765. */
  readonly port?: number;
  /** One ticker per subscribed symbol this often, ms. Default 500. */
  readonly tickEveryMs?: number;
  /** Length of one pass of the scripted market ({@link scriptedMove}), ms. Default 60000. */
  readonly cycleMs?: number;
  /** Whether each cycle has its outage (sockets dropped, then refused). Default true. */
  readonly outages?: boolean;
  /** How far behind the script this exchange's prices run, ms: two exchanges apart make a divergence. Default 0. */
  readonly lagMs?: number;
  /** Clock. Default `Date.now`. */
  readonly now?: () => number;
  /** Where it says what the market does (rally, outage, ...). Default: nothing is logged. */
  readonly logger?: Logger;
}

/** A running simulator. */
export interface SimulatedExchange {
  /** `ws://127.0.0.1:<port>`: put it in `exchanges.<id>.url`. */
  readonly url: string;
  /** Stops pushing, drops every socket and stops listening. */
  close(): Promise<void>;
}

/** The market at one push: the scripted move from the 24 h open, and the time. */
export interface MarketStep {
  readonly move: number;
  readonly ts: number;
}

/**
 * One exchange's wire protocol, as a simulator speaks it: what a new socket
 * subscribes from its URL, how it answers a client's message, and the frames
 * it pushes at each step. `T` is one socket's subscription state.
 */
export interface SimulatedProtocol<T> {
  /** The subscription state of a socket opened on `url` (path and query). */
  opened(url: URL): T;
  /** Answers one client message (subscribe, ping, ...), updating the state; returns the replies. */
  answer(text: string, state: T): string[];
  /** The frames to push to a socket at this step. */
  frames(state: T, step: MarketStep): string[];
  /** Words for the log: what a socket subscribed. */
  describe(state: T): string;
}

/**
 * Serves a protocol on loopback, playing the scripted market: one push per
 * `tickEveryMs`, an outage per cycle (sockets dropped, upgrades refused with
 * 503) unless `outages: false`, and the script `lagMs` late.
 */
export async function startSimulatedExchange<T>(protocol: SimulatedProtocol<T>, options: SimulatedExchangeOptions = {}): Promise<SimulatedExchange> {
  const now = options.now ?? Date.now;
  const cycleMs = options.cycleMs ?? 60_000;
  const outages = options.outages ?? true;
  const lagMs = options.lagMs ?? 0;
  const log = options.logger;
  const started = now();
  const sockets = new Map<WebSocket, T>();
  // Imported here, not at the top: the CLI's bundle holds this module, and a static
  // import there would load ws on every start of the CLI, not only for the demo.
  const { WebSocketServer } = await import('ws');
  const wss = new WebSocketServer({ noServer: true });
  const http = createServer((_req, res) => res.writeHead(426, { 'content-type': 'text/plain' }).end('a WebSocket endpoint: ws://\n'));
  // A lagging exchange starts a lag behind the script (the modulo keeps the phase in 0..1).
  const phase = () => ((((now() - started - lagMs) % cycleMs) + cycleMs) % cycleMs) / cycleMs;
  let reachable = true;

  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!reachable) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const state = protocol.opened(new URL(request.url ?? '/', 'http://simulator'));
      sockets.set(ws, state);
      log?.info(`client connected: ${protocol.describe(state)}`);
      ws.on('message', (data) => {
        for (const reply of protocol.answer(data.toString(), state)) ws.send(reply);
      });
      ws.on('close', () => sockets.delete(ws));
      ws.on('error', () => sockets.delete(ws));
    });
  });

  const push = () => {
    const step = scriptedMove(phase());
    if (outages && step.reachable !== reachable) {
      reachable = step.reachable;
      if (!reachable) {
        log?.info('outage: dropping every connection and refusing new ones');
        for (const ws of sockets.keys()) ws.terminate();
        sockets.clear();
      } else log?.info('outage over: accepting connections');
    }
    const at: MarketStep = { move: step.move, ts: now() };
    for (const [ws, state] of sockets) for (const frame of protocol.frames(state, at)) ws.send(frame);
  };
  const timer = setInterval(push, options.tickEveryMs ?? 500);

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 8765, '127.0.0.1', () => resolve());
  });
  const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    url,
    close: async () => {
      clearInterval(timer);
      for (const ws of sockets.keys()) ws.terminate();
      sockets.clear();
      wss.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
