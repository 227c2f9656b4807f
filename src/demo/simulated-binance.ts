import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../log.js';

/** Options of {@link startSimulatedBinance}; every one has a default. */
export interface SimulatedBinanceOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one. Default 8765. */
  readonly port?: number;
  /** One ticker per subscribed symbol this often, ms. Default 500. */
  readonly tickEveryMs?: number;
  /** Length of one pass of the scripted market ({@link scriptedMove}), ms. Default 60000. */
  readonly cycleMs?: number;
  /** Whether each cycle has its outage (sockets dropped, then refused). Default true. */
  readonly outages?: boolean;
  /** Clock. Default `Date.now`. */
  readonly now?: () => number;
  /** Where it says what the market does (rally, outage, ...). Default: nothing is logged. */
  readonly logger?: Logger;
}

/** A running simulator. */
export interface SimulatedBinance {
  /** `ws://127.0.0.1:<port>`: put it in `exchanges.binance.url`. */
  readonly url: string;
  /** Stops pushing, drops every socket and stops listening. */
  close(): Promise<void>;
}

/** Where each symbol's price starts (its exchange 24 h open); others start at 100. */
const BASE_PRICES: Readonly<Record<string, number>> = { BTCUSDT: 64_000, ETHUSDT: 3_200, SOLUSDT: 150, XRPUSDT: 0.52 };

/**
 * The scripted market, as a fraction of the cycle (0..1) -> move from the 24 h
 * open and whether the exchange is reachable. One cycle: calm, a rally to +7 %
 * (crosses the default 5 % 24 h threshold), a plateau, a fall to -1 % (re-arms
 * the rule), then an outage (every socket dropped, connections refused), then
 * calm again. Deterministic: the same time gives the same price.
 */
export function scriptedMove(phase: number): { readonly move: number; readonly reachable: boolean } {
  const ramp = (from: number, to: number, a: number, b: number) => from + ((to - from) * (phase - a)) / (b - a);
  const wobble = 0.002 * Math.sin(phase * 2 * Math.PI * 17);
  if (phase < 0.1) return { move: 0.005 + wobble, reachable: true };
  if (phase < 0.25) return { move: ramp(0.005, 0.07, 0.1, 0.25) + wobble, reachable: true };
  if (phase < 0.5) return { move: 0.07 + wobble, reachable: true };
  if (phase < 0.65) return { move: ramp(0.07, -0.01, 0.5, 0.65) + wobble, reachable: true };
  if (phase < 0.85) return { move: -0.01 + wobble, reachable: false };
  return { move: -0.01 + wobble, reachable: true };
}

/** Binance's 24hrTicker payload, numbers as strings as Binance sends them. */
function tickerPayload(symbol: string, price: number, open: number, ts: number): string {
  const p = (n: number) => n.toFixed(open >= 1 ? 2 : 6);
  return JSON.stringify({
    e: '24hrTicker', E: ts, s: symbol, p: p(price - open), P: ((100 * (price - open)) / open).toFixed(3), w: p(price), x: p(open),
    c: p(price), Q: '0.01', b: p(price), B: '1', a: p(price), A: '1', o: p(open), h: p(Math.max(price, open)), l: p(Math.min(price, open)),
    v: '1000', q: p(price * 1000), O: ts - 86_400_000, C: ts, F: 0, L: 1, n: 1,
  });
}

/**
 * A loopback Binance Spot market-stream server playing a scripted, volatile
 * market ({@link scriptedMove}): the real protocol (`/stream?streams=btcusdt@ticker/...`
 * combined and `/ws/<stream>` raw, `SUBSCRIBE` answered with `{"result":null,"id":…}`),
 * so the service runs against it unchanged. For trying the service without
 * exchange access: `npm run fake-exchange -- --port 8765`.
 *
 * @example
 * const market = await startSimulatedBinance({ port: 0 });
 * // config: exchanges.binance.url = market.url
 * await market.close();
 */
export async function startSimulatedBinance(options: SimulatedBinanceOptions = {}): Promise<SimulatedBinance> {
  const now = options.now ?? Date.now;
  const cycleMs = options.cycleMs ?? 60_000;
  const outages = options.outages ?? true;
  const log = options.logger;
  const started = now();
  const sockets = new Map<WebSocket, { combined: boolean; streams: Set<string> }>();
  const wss = new WebSocketServer({ noServer: true });
  const http = createServer((_req, res) => res.writeHead(426, { 'content-type': 'text/plain' }).end('a WebSocket endpoint: ws://\n'));
  const phase = () => ((now() - started) % cycleMs) / cycleMs;
  let reachable = true;

  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!reachable) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const url = new URL(request.url ?? '/', 'http://simulator');
      const combined = url.pathname.replace(/\/$/, '') === '/stream';
      const names = combined ? (url.searchParams.get('streams') ?? '').split('/').filter(Boolean) : url.pathname.startsWith('/ws/') ? [url.pathname.slice(4)] : [];
      sockets.set(ws, { combined, streams: new Set(names) });
      log?.info(`client connected: ${names.join(', ') || '(no stream yet)'}`);
      ws.on('message', (data) => {
        let request: { method?: unknown; params?: unknown; id?: unknown } = {};
        try {
          request = JSON.parse(data.toString()) as typeof request;
        } catch {
          ws.send('{"code":3,"msg":"Invalid JSON"}');
          return;
        }
        if (request.method === 'SUBSCRIBE' && Array.isArray(request.params)) {
          for (const name of request.params) sockets.get(ws)?.streams.add(String(name));
        }
        ws.send(JSON.stringify({ result: null, id: request.id ?? null }));
      });
      ws.on('close', () => sockets.delete(ws));
      ws.on('error', () => sockets.delete(ws));
    });
  });

  const tick = () => {
    const step = scriptedMove(phase());
    if (outages && step.reachable !== reachable) {
      reachable = step.reachable;
      if (!reachable) {
        log?.info('outage: dropping every connection and refusing new ones');
        for (const ws of sockets.keys()) ws.terminate();
        sockets.clear();
      } else log?.info('outage over: accepting connections');
    }
    const ts = now();
    for (const [ws, subscription] of sockets) {
      for (const stream of subscription.streams) {
        if (!stream.endsWith('@ticker')) continue;
        const symbol = stream.slice(0, -'@ticker'.length).toUpperCase();
        const open = BASE_PRICES[symbol] ?? 100;
        const payload = tickerPayload(symbol, open * (1 + step.move), open, ts);
        ws.send(subscription.combined ? `{"stream":"${stream}","data":${payload}}` : payload);
      }
    }
  };
  const timer = setInterval(tick, options.tickEveryMs ?? 500);

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
