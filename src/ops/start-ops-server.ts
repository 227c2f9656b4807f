import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { type Observable, Subject, Subscription, auditTime } from 'rxjs';
import { type Logger, silentLogger } from '../log.js';
import { assessHealth } from './assess-health.js';
import { createOpsMetrics } from './ops-metrics.js';
import { promClient } from './prom-client.js';
import type { OpsSources } from './ops-sources.js';
import { parseListenAddress } from './parse-listen-address.js';
import { createSseHub } from './sse-hub.js';
import { guardConnections } from './guard-connections.js';
import { createStatusBoard } from './status-board.js';
import { renderStatusPage } from './render-status-page.js';
import { STATUS_PAGE_SCRIPT } from './status-page-script.js';
import { errorMessage } from '../domain/error-message.js';
import { describeSilence, type Silence, type SilenceRequest } from '../domain/silence.js';
import { parseSilenceRequest } from './parse-silence-request.js';
import type { ReloadResult } from '../domain/reload-result.js';
import { silenceView } from './silence-view.js';

/** The runtime silences behind `/api/silences` (the supervisor passes its silence store). */
export interface SilenceApi {
  /** Every silence in force, configured ones first. */
  list(): Silence[];
  /** Adds a runtime silence, kept before answering; throws when it cannot be kept. */
  add(request: SilenceRequest): Silence;
  /** Removes a runtime silence; false when there is none with this id. */
  remove(id: string): boolean;
  /** The whole set on every change (API, expiry at a change, config reload): pushed to open status pages. */
  readonly silences$?: Observable<readonly Silence[]>;
}

/** Options of {@link startOpsServer}. */
export interface OpsServerOptions {
  /** Where the server logs (listening address, exposure warning, failed requests). Default: nothing is logged. */
  readonly logger?: Logger;
  /** The clock for health and ages. Default `Date.now`. */
  readonly now?: () => number;
  /** How long after start a feed still on its first connection counts as `starting`, not down (ms). Default 10000. */
  readonly startupGraceMs?: number;
  /** Where the metrics are registered. Default: a new registry per server (never prom-client's global one). */
  readonly registry?: Registry;
  /** Status page pushes are at most this frequent (ms). Default 250. */
  readonly pushEveryMs?: number;
  /** SSE keep-alive comment period (ms). Default 15000. */
  readonly keepAliveMs?: number;
  /** How long a browser waits before reconnecting its event stream (ms). Default 2000. */
  readonly sseRetryMs?: number;
  /** Most HTTP connections held at once; a new one pushes out the longest idle one (see `guardConnections`). Default 256. */
  readonly maxConnections?: number;
  /** A client must send its request headers within this time (ms), or its connection is closed. Default 10000. */
  readonly headersTimeoutMs?: number;
  /** A connection with no traffic either way for this long is closed (ms); event streams are exempt. Default 15000. */
  readonly idleTimeoutMs?: number;
  /** Most status page event streams at once; one more gets 503. Default 64. */
  readonly maxEventStreams?: number;
  /** An event stream client with more unsent data than this (or twice its opening snapshot, if larger) has stopped reading and is dropped (bytes). Default 1048576. */
  readonly maxEventBufferBytes?: number;
  /** The runtime silences: `/api/silences` answers 404 without them. */
  readonly silences?: SilenceApi;
  /** Reads the config again and applies it: `POST /-/reload` answers 404 without it. */
  readonly reload?: () => Promise<ReloadResult>;
}

/** A running HTTP surface. */
export interface OpsServer {
  /** `http://127.0.0.1:PORT`: the bound address, with the real port when 0 was asked. */
  readonly url: string;
  /** The registry `/metrics` serves. */
  readonly registry: Registry;
  /** Ends the event streams, stops listening, closes every connection. Idempotent. */
  close(): Promise<void>;
}

const MAX_SILENCE_BODY = 16_384;

/** The request body as text, or undefined when it exceeds `max` bytes (the rest is not read). */
async function readBody(req: IncomingMessage, max: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const PATHS = ['/', '/status.js', '/livez', '/readyz', '/healthz', '/metrics', '/events'];
const COMMON_HEADERS = { 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' };
const PAGE_HEADERS = {
  ...COMMON_HEADERS,
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

/**
 * Starts the optional HTTP surface: `GET /livez`, `GET /readyz` (alias
 * `/healthz`), `GET /metrics`, the live status page `GET /` (+ `/status.js`)
 * and its event stream `GET /events`.
 *
 * 1. Subscribes to every source at once (they are hot: no socket is opened),
 *    so metrics and state are complete from the start.
 * 2. `/livez`: 200 `{ status: 'alive', uptimeMs }` whenever the process answers
 *    at all (its event loop runs), whatever the feeds do: for restarts.
 * 3. `/readyz` and `/healthz`: 200 `{ status: 'ok' | 'starting', feeds, reasons: [] }`
 *    when every enabled feed is live, or still on its first connection within
 *    `startupGraceMs` of start; else 503 `{ status: 'down', reasons }`: for
 *    traffic and alerting, never for restarts (an exchange outage is not cured
 *    by restarting us).
 * 4. `/metrics`: Prometheus text from a per-server registry (see `createOpsMetrics`).
 * 5. `/events`: Server-Sent Events; a `snapshot` on every (re)connect, then
 *    `update`s with what changed, at most every `pushEveryMs`. At most
 *    `maxEventStreams` at once (503 beyond); a client that stops reading is
 *    dropped once `maxEventBufferBytes` are unsent.
 * 6. Holds at most `maxConnections` connections (the longest idle one makes
 *    room for a new one), closes one that has not sent its headers within
 *    `headersTimeoutMs` or has been silent for `idleTimeoutMs`: idle clients
 *    cannot exhaust the file descriptors.
 * 7. Unknown paths get 404, other methods than GET/HEAD 405, bad requests 400; never a crash.
 * 8. Binds where asked; a non-loopback address is logged at WARN, because the
 *    surface has no authentication.
 *
 * @param listen `host:port` (`127.0.0.1:9464`); a bare `9464` or `:9464` binds to 127.0.0.1; port 0 picks a free one.
 * @returns the running server, once it listens; rejects when it cannot (address in use...).
 *
 * @example
 * const server = await startOpsServer('127.0.0.1:0', { feeds, feedEvents$, symbols$, alerts$ });
 * console.log((await fetch(`${server.url}/healthz`)).status);
 * // Logs: 200
 * await server.close();
 */
export async function startOpsServer(listen: string, sources: OpsSources, options: OpsServerOptions = {}): Promise<OpsServer> {
  const address = parseListenAddress(listen);
  if (typeof address === 'string') throw new Error(`http.listen: ${address}`);
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const startupGraceMs = options.startupGraceMs ?? 10_000;
  const registry = options.registry ?? new (promClient().Registry)();

  const metrics = createOpsMetrics(registry);
  const changes$ = new Subject<void>();
  const board = createStatusBoard(sources.feeds, now, () => changes$.next(), { mailPanel: sources.caughtMail$ !== undefined });
  const startedAt = now();
  const hub = createSseHub({
    ...(options.keepAliveMs === undefined ? {} : { keepAliveMs: options.keepAliveMs }),
    ...(options.sseRetryMs === undefined ? {} : { retryMs: options.sseRetryMs }),
    ...(options.maxEventBufferBytes === undefined ? {} : { maxBufferedBytes: options.maxEventBufferBytes }),
    logger,
    onClients: (count) => metrics.statusPageClients(count),
  });
  const maxEventStreams = options.maxEventStreams ?? 64;
  let enabled = new Set(sources.feeds.map((feed) => feed.exchange));

  const health = () =>
    assessHealth(board.feeds().filter((feed) => enabled.has(feed.exchange)), now(), startedAt, startupGraceMs);

  const subscription = new Subscription();
  // A failing source or a throwing handler is logged; it must not take the server down.
  const watch = <T>(name: string, source$: Observable<T> | undefined, next: (value: T) => void) => {
    if (source$ === undefined) return;
    subscription.add(
      source$.subscribe({
        next: (value) => {
          try {
            next(value);
          } catch (error) {
            logger.error(`ops ${name}: ${errorMessage(error)}`);
          }
        },
        error: (error: unknown) => logger.error(`ops: ${name} failed: ${errorMessage(error)}`),
      }),
    );
  };
  watch('symbols$', sources.symbols$, (view) => {
    metrics.tick(view, view.receivedAt ?? now());
    board.symbol(view);
  });
  watch('feedEvents$', sources.feedEvents$, (event) => {
    metrics.feedEvent(event);
    board.feedEvent(event);
  });
  watch('alerts$', sources.alerts$, (alert) => {
    metrics.alert(alert);
    board.alert(alert);
  });
  watch('silences$', sources.silences$, (silence) => {
    metrics.silence(silence);
    board.silence(silence);
  });
  watch('deliveries$', sources.deliveries$, (event) => {
    metrics.delivery(event);
    board.channelEvent(event);
  });
  watch('caughtMail$', sources.caughtMail$, (mail) => board.mail(mail));
  watch('latencyMs$', sources.latencyMs$, (ms) => metrics.latency(ms));
  watch('heartbeats$', sources.heartbeats$, (result) => metrics.heartbeat(result));
  watch('feeds$', sources.feeds$, (feeds) => {
    enabled = new Set(feeds.map((feed) => feed.exchange));
    board.setFeeds(feeds);
  });
  watch('reloads$', sources.reloads$, (outcome) => metrics.reload(outcome));
  metrics.reload({ ok: true, at: startedAt });
  // The silences section of open pages follows every change (the first response only had the list of its moment).
  watch('silences', options.silences?.silences$, (silences) => hub.broadcast('silences', silences.map(silenceView)));
  // Ticks come by the hundred per second; browsers get the latest state per key, a few times a second.
  const pushUpdate = () => {
    const update = board.takeUpdate();
    if (update !== undefined) hub.broadcast('update', update);
  };
  subscription.add(changes$.pipe(auditTime(options.pushEveryMs ?? 250)).subscribe(pushUpdate));

  const send = (res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = COMMON_HEADERS) => {
    res.writeHead(status, { ...headers, 'content-type': type, 'content-length': Buffer.byteLength(body) }).end(body);
  };
  const sendJson = (res: ServerResponse, status: number, value: unknown) =>
    send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(value, null, 2)}\n`);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    let path: string;
    try {
      path = new URL(req.url ?? '/', 'http://localhost').pathname;
    } catch {
      send(res, 400, 'text/plain; charset=utf-8', 'bad request\n');
      return;
    }
    if (options.silences && (path === '/api/silences' || path.startsWith('/api/silences/'))) {
      await handleSilences(options.silences, path, req, res);
      return;
    }
    if (options.reload && path === '/-/reload') {
      await handleReload(options.reload, req, res);
      return;
    }
    if (!PATHS.includes(path)) {
      send(res, 404, 'text/plain; charset=utf-8', `not found; try ${PATHS.join(' ')}\n`);
      return;
    }
    const allowed = path === '/events' ? ['GET'] : ['GET', 'HEAD'];
    if (!allowed.includes(req.method ?? '')) {
      send(res, 405, 'text/plain; charset=utf-8', `method not allowed; use ${allowed.join(' or ')}\n`, {
        ...COMMON_HEADERS, allow: allowed.join(', '),
      });
      return;
    }
    switch (path) {
      case '/':
        send(res, 200, 'text/html; charset=utf-8', renderStatusPage(board.snapshot(), options.silences?.list()), PAGE_HEADERS);
        return;
      case '/status.js':
        send(res, 200, 'text/javascript; charset=utf-8', STATUS_PAGE_SCRIPT);
        return;
      case '/livez':
        sendJson(res, 200, { status: 'alive', uptimeMs: now() - startedAt });
        return;
      case '/readyz':
      case '/healthz': {
        const { httpStatus, ...report } = health();
        sendJson(res, httpStatus, report);
        return;
      }
      case '/metrics':
        send(res, 200, registry.contentType, await registry.metrics());
        return;
      case '/events':
        if (hub.size >= maxEventStreams) {
          send(res, 503, 'text/plain; charset=utf-8', `too many event streams (${maxEventStreams}); try again later\n`, {
            ...COMMON_HEADERS, 'retry-after': '10',
          });
          return;
        }
        // Pending changes go to the clients already there first: the newcomer's snapshot
        // includes them, and must not see a new alert twice.
        pushUpdate();
        hub.open(req, res, { event: 'snapshot', data: board.snapshot() });
        // A page reconnecting may have missed a change of the silences while it was away (idempotent for the others).
        if (options.silences?.silences$) hub.broadcast('silences', options.silences.list().map(silenceView));
        return;
    }
  };

  const sendError = (res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) =>
    send(res, status, 'application/json; charset=utf-8', `${JSON.stringify({ error: message })}\n`, { ...COMMON_HEADERS, ...headers });

  // These change behaviour (alerts stop being delivered): the surface is loopback by default, and a
  // browser page elsewhere cannot post here (no CORS, and a JSON content type is required).
  const handleSilences = async (api: SilenceApi, path: string, req: IncomingMessage, res: ServerResponse) => {
    const id = path === '/api/silences' ? undefined : decodeURIComponent(path.slice('/api/silences/'.length));
    const allowed = id === undefined ? ['GET', 'HEAD', 'POST'] : ['DELETE'];
    if (!allowed.includes(req.method ?? '')) {
      sendError(res, 405, `method not allowed; use ${allowed.join(' or ')}`, { allow: allowed.join(', ') });
      return;
    }
    if (req.method === 'DELETE') {
      if (api.remove(id!)) {
        logger.info(`silence ${id} removed over HTTP`);
        sendJson(res, 200, { removed: id });
      } else sendError(res, 404, `no runtime silence with id ${id} (configured silences are removed in the config file)`);
      return;
    }
    if (req.method !== 'POST') {
      sendJson(res, 200, { silences: api.list() });
      return;
    }
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      sendError(res, 415, 'expected content-type: application/json');
      return;
    }
    const text = await readBody(req, MAX_SILENCE_BODY);
    if (text === undefined) {
      sendError(res, 413, `body larger than ${MAX_SILENCE_BODY} bytes`);
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      sendError(res, 400, 'body is not JSON');
      return;
    }
    const request = parseSilenceRequest(body, now());
    if (typeof request === 'string') {
      sendError(res, 400, request);
      return;
    }
    const silence = api.add(request);
    logger.info(`silence ${silence.id} created over HTTP: ${describeSilence(silence)}`);
    sendJson(res, 201, silence);
  };

  // Changes behaviour like the silences API: POST only, and never from a browser page (a form can post
  // across origins without CORS; a browser always sends Origin with it, curl and scripts do not).
  const handleReload = async (reload: () => Promise<ReloadResult>, req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') {
      sendError(res, 405, 'method not allowed; use POST', { allow: 'POST' });
      return;
    }
    if (req.headers.origin !== undefined) {
      sendError(res, 403, 'a config reload is not accepted from a web page (the request has an Origin header)');
      return;
    }
    req.resume();
    logger.info('config reload asked over HTTP');
    const result = await reload();
    if (result.ok) sendJson(res, 200, { status: 'ok', changes: result.changes, needsRestart: result.needsRestart });
    else sendJson(res, 500, { status: 'error', error: result.error });
  };

  const headersTimeoutMs = options.headersTimeoutMs ?? 10_000;
  const server = createServer({
    headersTimeout: headersTimeoutMs,
    // Node's default of 5 min lets a slow sender hold a connection; none of our answers take long.
    requestTimeout: Math.max(headersTimeoutMs, 30_000),
    // How often Node checks the two timeouts above (default 30 s, which would triple a short headers timeout).
    connectionsCheckingInterval: Math.min(1000, headersTimeoutMs),
  }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error(`${req.method} ${req.url}: ${errorMessage(error)}`);
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else res.destroy();
    });
  });
  // A socket silent both ways for this long is closed (Node's default is never); event streams opt out.
  server.timeout = options.idleTimeoutMs ?? 15_000;
  guardConnections(server, { ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }), logger });
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    // Headers not complete within headersTimeoutMs (a slow or stalled sender): 408, as Node itself would answer.
    const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\n\r\n`);
    else socket.destroy();
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(address.port, address.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    subscription.unsubscribe();
    throw new Error(`cannot listen on ${listen}: ${errorMessage(error)}`);
  }
  server.on('error', (error) => logger.error(`http server: ${error.message}`));

  const bound = server.address() as AddressInfo;
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  const url = `http://${host}:${bound.port}`;
  if (address.loopback) {
    logger.info(`status page on ${url}/ (also /livez, /readyz, /metrics)`);
  } else {
    logger.warn(
      `status page, /livez, /readyz and /metrics listen on ${url}, beyond this machine: anyone who can reach it sees the feeds, symbols, prices and alerts (no authentication)`,
    );
  }

  let closing: Promise<void> | undefined;
  return {
    url,
    registry,
    close() {
      closing ??= new Promise<void>((resolve) => {
        subscription.unsubscribe();
        hub.closeAll();
        server.close(() => resolve());
        // Keep-alive and half-open connections would hold close() for minutes.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
