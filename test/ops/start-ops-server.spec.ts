import { connect, type Socket } from 'node:net';
import { expect } from 'chai';
import type { FeedAlert, PriceAlert } from '../../src/domain/alert.js';
import type { FeedEvent, FeedState, RejectionReason } from '../../src/domain/feed-status.js';
import { createLogger } from '../../src/log.js';
import type { SymbolView } from '../../src/ops/ops-sources.js';
import { type OpsServer, startOpsServer } from '../../src/ops/start-ops-server.js';
import type { StatusSnapshot, StatusUpdate } from '../../src/ops/status-board.js';
import { parsePrometheusText } from './prometheus-text.js';
import { makeSources } from './ops-sources-fixture.js';
import { openSse } from './sse-client.js';
import { eventually } from '../helpers/eventually.js';

const status = (exchange: string, state: FeedState, reconnects = 0, reason?: string): FeedEvent => ({
  type: 'status', status: { exchange, state, since: Date.UTC(2025, 0, 1, 10, 0, reconnects), reconnects, ...(reason ? { reason } : {}) },
});
const rejected = (exchange: string, reason: RejectionReason): FeedEvent => ({
  type: 'rejected', exchange, rejection: { reason, excerpt: '{"oops"' },
});
const view = (exchange: string, symbol: string, price: number): SymbolView => ({ exchange, symbol, price, ts: 1_700_000_000_000 });
const priceAlert: PriceAlert = {
  kind: 'price', ts: 1_700_000_000_000, exchange: 'binance', symbol: 'BTC/USDT', rule: 'pct_24h', direction: 'up',
  change: 0.0523, price: 105.23, reference: 100, windowMs: 86_400_000, level: 1, coverage: 1,
};
const feedDown: FeedAlert = {
  kind: 'feed', ts: 1_700_000_120_000, exchange: 'kraken', rule: 'feed_down', downSince: 1_700_000_000_000, blindMs: 120_000, reason: 'backoff',
};

async function getJson(url: string) {
  const response = await fetch(url);
  return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as Record<string, unknown> };
}

describe('startOpsServer', () => {
  let sources: ReturnType<typeof makeSources>;
  let server: OpsServer | undefined;
  let clock: number;
  const START = Date.UTC(2025, 0, 1, 10, 0, 0);
  beforeEach(() => {
    sources = makeSources();
    clock = START;
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const start = (options = {}) => startOpsServer('127.0.0.1:0', sources, { now: () => clock, pushEveryMs: 20, ...options });

  describe('GET /healthz', () => {
    it('answers 200 while feeds are live, 503 with the reason while one is down, 200 again when it is back', async () => {
      server = await start();
      expect(server.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);

      let health = await getJson(`${server.url}/healthz`);
      expect(health.status).to.equal(200);
      expect(health.type).to.match(/^application\/json/);
      expect(health.body).to.include({ status: 'starting' });

      sources.feedEvents$.next(status('binance', 'connecting'));
      sources.feedEvents$.next(status('binance', 'live'));
      sources.feedEvents$.next(status('kraken', 'live'));
      health = await getJson(`${server.url}/healthz`);
      expect(health.status).to.equal(200);
      expect(health.body).to.deep.equal({
        status: 'ok',
        feeds: [
          { exchange: 'binance', state: 'live', since: START, reconnects: 0 },
          { exchange: 'kraken', state: 'live', since: START, reconnects: 0 },
        ],
        reasons: [],
      });

      sources.feedEvents$.next(status('binance', 'backoff', 1, 'server closed 1006'));
      health = await getJson(`${server.url}/healthz`);
      expect(health.status).to.equal(503);
      expect(health.body.status).to.equal('down');
      expect(health.body.reasons).to.deep.equal(['binance: backoff, not live since 2025-01-01T10:00:01.000Z (server closed 1006)']);

      // The retry's status carries the outage's start: /healthz keeps counting from there.
      sources.feedEvents$.next({
        type: 'status',
        status: { exchange: 'binance', state: 'connecting', since: Date.UTC(2025, 0, 1, 10, 0, 2), reconnects: 2, notLiveSince: Date.UTC(2025, 0, 1, 10, 0, 1) },
      });
      health = await getJson(`${server.url}/healthz`);
      expect(health.status).to.equal(503);
      expect(health.body.reasons).to.deep.equal(['binance: connecting, not live since 2025-01-01T10:00:01.000Z']);

      sources.feedEvents$.next(status('binance', 'live', 2));
      health = await getJson(`${server.url}/healthz`);
      expect(health.status).to.equal(200);
      expect(health.body.status).to.equal('ok');
    });

    it('reports a feed still not live after the startup grace, and ignores exchanges that are not enabled', async () => {
      server = await start({ startupGraceMs: 10_000 });
      sources.feedEvents$.next(status('binance', 'live'));
      sources.feedEvents$.next(status('coinbase', 'backoff', 1)); // not in sources.feeds
      expect((await getJson(`${server.url}/healthz`)).body.status).to.equal('starting');
      clock = START + 11_000;
      const health = await getJson(`${server.url}/healthz`);
      expect(health.status).to.equal(503);
      expect(health.body.reasons).to.deep.equal(['kraken: not live 11 s after start (no status yet)']);
    });

    it('answers HEAD without a body', async () => {
      server = await start();
      const response = await fetch(`${server.url}/healthz`, { method: 'HEAD' });
      expect(response.status).to.equal(200);
      expect(await response.text()).to.equal('');
    });
  });

  describe('GET /metrics', () => {
    it('parses as Prometheus text and counts ticks and malformed frames per exchange and reason exactly', async () => {
      server = await start();
      for (let i = 0; i < 5; i++) sources.symbols$.next(view('binance', 'BTC/USDT', 100 + i));
      for (let i = 0; i < 3; i++) sources.symbols$.next(view('kraken', 'BTC/USD', 100 + i));
      sources.feedEvents$.next(rejected('binance', 'not_json'));
      sources.feedEvents$.next(rejected('binance', 'not_json'));
      sources.feedEvents$.next(rejected('binance', 'bad_price'));
      sources.feedEvents$.next(rejected('kraken', 'wrong_shape'));
      sources.feedEvents$.next(status('binance', 'live', 0));
      sources.feedEvents$.next(status('binance', 'backoff', 1));
      sources.feedEvents$.next(status('binance', 'live', 3));
      sources.feedEvents$.next(status('kraken', 'stale', 0));
      sources.feedEvents$.next(status('coinbase', 'degraded', 1, 'all 3 frames of the last 30000 ms rejected (last: wrong_shape)'));
      sources.feedEvents$.next({ type: 'gap', gap: { exchange: 'kraken', from: 1, to: 2 } });
      sources.alerts$.next(priceAlert);
      sources.alerts$.next({ ...priceAlert, level: 2 });
      sources.alerts$.next(feedDown);
      sources.silences$.next({ type: 'silent', exchange: 'binance', symbol: 'ETH/USDT', silentSinceTs: 1, ts: 2 });
      sources.deliveries$.next({ type: 'started', channel: 'email', label: 'email (127.0.0.1)', backlog: 2 });
      sources.deliveries$.next({ type: 'started', channel: 'webhook-1', label: 'webhook 1 (127.0.0.1)', backlog: 0 });
      sources.deliveries$.next({ type: 'retry', channel: 'email', reason: '451 later', since: 5, backlog: 2 });
      sources.deliveries$.next({ type: 'delivered', channel: 'email', entries: 1, backlog: 1 });
      sources.deliveries$.next({ type: 'quarantined', channel: 'email', entries: 1, reason: '550 no', backlog: 0 });
      sources.deliveries$.next({ type: 'delivered', channel: 'webhook-1', entries: 2, backlog: 3 });
      sources.latencyMs$.next(0.7);
      sources.latencyMs$.next(30);
      sources.heartbeats$.next({ url: 'x', ts: 0, ok: true, status: 200 });

      const response = await fetch(`${server.url}/metrics`);
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
      const metrics = parsePrometheusText(await response.text());
      const m = (name: string, labels?: Record<string, string>) => metrics.value(`crypto_supervisor_${name}`, labels);

      expect(metrics.types.get('crypto_supervisor_ticks_total')).to.equal('counter');
      expect(m('ticks_total', { exchange: 'binance' })).to.equal(5);
      expect(m('ticks_total', { exchange: 'kraken' })).to.equal(3);
      expect(m('frames_rejected_total', { exchange: 'binance', reason: 'not_json' })).to.equal(2);
      expect(m('frames_rejected_total', { exchange: 'binance', reason: 'bad_price' })).to.equal(1);
      expect(m('frames_rejected_total', { exchange: 'kraken', reason: 'wrong_shape' })).to.equal(1);
      expect(m('frames_rejected_total', { exchange: 'kraken', reason: 'not_json' })).to.equal(undefined);
      expect(m('feed_reconnects_total', { exchange: 'binance' })).to.equal(3);
      expect(m('feed_up', { exchange: 'binance' })).to.equal(1);
      expect(m('feed_up', { exchange: 'kraken' })).to.equal(0);
      expect(m('feed_state', { exchange: 'kraken', state: 'stale' })).to.equal(1);
      expect(m('feed_state', { exchange: 'kraken', state: 'live' })).to.equal(0);
      expect(m('feed_state', { exchange: 'coinbase', state: 'degraded' })).to.equal(1);
      expect(m('feed_state', { exchange: 'coinbase', state: 'live' })).to.equal(0);
      expect(m('feed_up', { exchange: 'coinbase' })).to.equal(0);
      expect(m('feed_gaps_total', { exchange: 'kraken' })).to.equal(1);
      expect(m('last_tick_timestamp_seconds', { exchange: 'binance' })).to.equal(START / 1000);
      expect(m('alerts_total', { exchange: 'binance', rule: 'pct_24h', direction: 'up' })).to.equal(2);
      expect(m('alerts_total', { exchange: 'kraken', rule: 'feed_down', direction: '' })).to.equal(1);
      expect(m('symbols_silent', { exchange: 'binance' })).to.equal(1);
      expect(m('deliveries_total', { channel: 'email', result: 'delivered' })).to.equal(1);
      expect(m('deliveries_total', { channel: 'email', result: 'quarantined' })).to.equal(1);
      expect(m('deliveries_total', { channel: 'webhook-1', result: 'delivered' })).to.equal(1);
      expect(m('deliveries_total', { channel: 'webhook-1', result: 'quarantined' })).to.equal(0);
      expect(m('delivery_retries_total', { channel: 'email' })).to.equal(1);
      expect(m('delivery_retries_total', { channel: 'webhook-1' })).to.equal(0);
      expect(m('delivery_backlog', { channel: 'email' })).to.equal(0);
      expect(m('delivery_backlog', { channel: 'webhook-1' })).to.equal(3);
      expect(m('emails_sent_total')).to.equal(1);
      expect(m('email_retries_total')).to.equal(1);
      expect(m('emails_failed_total')).to.equal(1);
      expect(metrics.types.get('crypto_supervisor_tick_to_alert_latency_seconds')).to.equal('histogram');
      expect(m('tick_to_alert_latency_seconds_count')).to.equal(2);
      expect(m('tick_to_alert_latency_seconds_bucket', { le: '0.001' })).to.equal(1);
      expect(m('tick_to_alert_latency_seconds_bucket', { le: '+Inf' })).to.equal(2);
      expect(m('heartbeats_total', { result: 'ok' })).to.equal(1);
      expect(metrics.types.get('process_cpu_user_seconds_total')).to.equal('counter');
      expect(metrics.value('process_resident_memory_bytes')).to.be.greaterThan(0);
    });

    it('keeps each server\'s metrics apart', async () => {
      server = await start();
      const other = await startOpsServer('127.0.0.1:0', makeSources());
      try {
        sources.symbols$.next(view('binance', 'BTC/USDT', 1));
        const theirs = parsePrometheusText(await (await fetch(`${other.url}/metrics`)).text());
        expect(theirs.value('crypto_supervisor_ticks_total', { exchange: 'binance' })).to.equal(undefined);
      } finally {
        await other.close();
      }
    });
  });

  describe('GET /livez, /readyz', () => {
    it('/livez answers 200 while a feed is down; /readyz answers 503 then, like its alias /healthz', async () => {
      server = await start();
      sources.feedEvents$.next(status('binance', 'live'));
      sources.feedEvents$.next(status('kraken', 'backoff', 1, 'server closed 1006'));
      const live = await getJson(`${server.url}/livez`);
      expect(live.status).to.equal(200);
      expect(live.body).to.deep.equal({ status: 'alive', uptimeMs: 0 });
      const ready = await getJson(`${server.url}/readyz`);
      expect(ready.status).to.equal(503);
      expect(ready.body.status).to.equal('down');
      expect(await getJson(`${server.url}/healthz`)).to.deep.equal(ready);
      sources.feedEvents$.next(status('kraken', 'live', 1));
      expect((await getJson(`${server.url}/readyz`)).status).to.equal(200);
      expect((await fetch(`${server.url}/livez`, { method: 'HEAD' })).status).to.equal(200);
    });
  });

  describe('under abuse', () => {
    /** Opens `count` TCP connections that send nothing; resolves once all are connected (or refused). */
    async function idleSockets(url: string, count: number): Promise<Socket[]> {
      const { port } = new URL(url);
      return Promise.all(
        Array.from({ length: count }, () =>
          new Promise<Socket>((resolve) => {
            const socket = connect(Number(port), '127.0.0.1', () => resolve(socket));
            socket.on('error', () => resolve(socket)); // reset by the server to make room: expected
          }),
        ),
      );
    }
    /** Resolves when the server closed `socket` (reading whatever it sent last, so that 'close' can come). */
    const closed = (socket: Socket) =>
      new Promise<void>((resolve) => {
        if (socket.destroyed) resolve();
        socket.once('close', () => resolve()).resume();
      });

    it('holds at most maxConnections: 1000 idle connections later, /livez and /readyz still answer', async () => {
      const lines: string[] = [];
      server = await start({ maxConnections: 50, logger: createLogger('http', { write: (l) => lines.push(l) }) });
      const flood = await idleSockets(server.url, 1000);
      try {
        expect((await fetch(`${server.url}/livez`)).status).to.equal(200);
        expect((await fetch(`${server.url}/readyz`)).status).to.equal(200);
        // The server pushed out the oldest idle ones: at most 50 of the flood are still open.
        await eventually(async () => expect(flood.filter((s) => !s.destroyed && s.readyState === 'open').length).to.be.at.most(50));
        expect(lines.filter((l) => l.includes('[WARN]') && l.includes('50 HTTP connections open (the cap)'))).to.have.length(1);
      } finally {
        for (const socket of flood) socket.destroy();
      }
    });

    it('closes a connection that sends nothing for idleTimeoutMs, and one that never finishes its headers', async () => {
      server = await start({ idleTimeoutMs: 200, headersTimeoutMs: 60_000 });
      const [idle] = await idleSockets(server.url, 1);
      await closed(idle!);
      const slowServer = await start({ idleTimeoutMs: 60_000, headersTimeoutMs: 300 });
      try {
        const [slow] = await idleSockets(slowServer.url, 1);
        let answer = '';
        slow!.on('data', (chunk: Buffer) => (answer += chunk.toString()));
        slow!.write('GET /livez HTTP/1.1\r\nhost: x\r\n'); // ...and never the blank line
        await closed(slow!);
        expect(answer).to.match(/^HTTP\/1\.1 408 Request Timeout\r\n/);
      } finally {
        await slowServer.close();
      }
    });
  });

  describe('GET / and /status.js', () => {
    it('serves the page with a strict content security policy, and a script that parses', async () => {
      server = await start();
      const page = await fetch(`${server.url}/?from=bookmark`);
      expect(page.status).to.equal(200);
      expect(page.headers.get('content-type')).to.equal('text/html; charset=utf-8');
      expect(page.headers.get('content-security-policy')).to.include("script-src 'self'");
      const html = await page.text();
      expect(html).to.include('<script src="status.js" defer></script>');
      const script = await fetch(`${server.url}/status.js`);
      expect(script.headers.get('content-type')).to.equal('text/javascript; charset=utf-8');
      const source = await script.text();
      expect(() => new Function(source)).not.to.throw();
    });
  });

  describe('bad requests', () => {
    it('answers 404 for unknown paths and 405 with Allow for other methods', async () => {
      server = await start();
      const missing = await fetch(`${server.url}/admin?x=1`);
      expect(missing.status).to.equal(404);
      await missing.text();
      const post = await fetch(`${server.url}/healthz`, { method: 'POST', body: 'x' });
      expect(post.status).to.equal(405);
      expect(post.headers.get('allow')).to.equal('GET, HEAD');
      await post.text();
      const headEvents = await fetch(`${server.url}/events`, { method: 'HEAD' });
      expect(headEvents.status).to.equal(405);
      expect(headEvents.headers.get('allow')).to.equal('GET');
    });

    it('answers a malformed request with 400 and keeps serving', async () => {
      server = await start();
      const { port } = new URL(server.url);
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.write('NONSENSE\r\n\r\n'));
        let text = '';
        socket.on('data', (chunk) => (text += chunk.toString()));
        socket.on('close', () => resolve(text));
        socket.on('error', reject);
      });
      expect(answer).to.match(/^HTTP\/1\.1 400 Bad Request/);
      expect((await fetch(`${server.url}/healthz`)).status).to.equal(200);
    });

    it('logs a failing source and keeps serving', async () => {
      const lines: string[] = [];
      server = await start({ logger: createLogger('ops', { write: (l) => lines.push(l) }) });
      sources.alerts$.error(new Error('journal exploded'));
      expect(lines.filter((l) => l.includes('[ERROR]'))).to.have.length(1);
      expect(lines.join('\n')).to.match(/\[ERROR\] ops: ops: alerts\$ failed: journal exploded/);
      expect((await fetch(`${server.url}/healthz`)).status).to.equal(200);
    });

    it('rejects with a clear message when the address is taken or invalid', async () => {
      server = await start();
      const { port } = new URL(server.url);
      const failure = (listen: string) => startOpsServer(listen, makeSources()).then(() => 'started', (e: Error) => e.message);
      expect(await failure(`127.0.0.1:${port}`)).to.match(new RegExp(`^cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
      expect(await failure('localhost')).to.equal('http.listen: "localhost" is not host:port (for example 127.0.0.1:9464)');
    });
  });

  describe('GET /events', () => {
    it('sends a snapshot on connect, then the latest state per symbol, throttled', async () => {
      server = await start();
      sources.feedEvents$.next(status('binance', 'live'));
      sources.alerts$.next(priceAlert);
      const client = await openSse(`${server.url}/events`);
      try {
        expect(client.response.headers['content-type']).to.match(/^text\/event-stream/);
        const snapshot = JSON.parse((await client.waitFor('snapshot')).data) as StatusSnapshot;
        expect(snapshot.now).to.equal(START);
        expect(snapshot.symbols.map((r) => `${r.exchange} ${r.symbol}`)).to.deep.equal(['binance BTC/USDT', 'binance ETH/USDT', 'kraken BTC/USD']);
        expect(snapshot.feeds.map((f) => [f.exchange, f.light])).to.deep.equal([['binance', 'green'], ['kraken', 'amber']]);
        expect(snapshot.alerts).to.deep.equal([priceAlert]);

        for (let i = 1; i <= 100; i++) sources.symbols$.next(view('binance', 'BTC/USDT', 60_000 + i));
        sources.alerts$.next(feedDown);
        const update = JSON.parse((await client.waitFor('update')).data) as StatusUpdate;
        expect(update.symbols).to.deep.equal([view('binance', 'BTC/USDT', 60_100)]);
        expect(update.alerts).to.deep.equal([feedDown]);
        expect(update.feeds?.map((f) => [f.exchange, f.ticks, f.light, f.blindSince])).to.deep.equal([
          ['binance', 100, 'green', undefined],
          ['kraken', 0, 'red', feedDown.downSince],
        ]);
      } finally {
        client.close();
      }
    });

    it('drops a client that stops reading once its unsent data passes maxEventBufferBytes; a reading client keeps its stream', async () => {
      const lines: string[] = [];
      server = await start({ pushEveryMs: 5, maxEventBufferBytes: 256 * 1024, logger: createLogger('http', { write: (l) => lines.push(l) }) });
      const { port } = new URL(server.url);
      const stalled = connect(Number(port), '127.0.0.1');
      stalled.on('error', () => undefined);
      stalled.write('GET /events HTTP/1.1\r\nhost: x\r\naccept: text/event-stream\r\n\r\n');
      await new Promise((resolve) => stalled.once('data', resolve));
      stalled.pause(); // it never reads again
      const reader = await openSse(`${server.url}/events`);
      const clients = async () =>
        parsePrometheusText(await (await fetch(`${server!.url}/metrics`)).text()).value('crypto_supervisor_status_page_clients');
      try {
        await reader.waitFor('snapshot');
        expect(await clients()).to.equal(2);
        // About 200 kB per update (long symbol names), until the stalled client is dropped.
        const bulky = 'X'.repeat(2_000);
        for (let round = 0; round < 1000 && !lines.some((l) => l.includes('dropped')); round++) {
          for (let i = 0; i < 100; i++) sources.symbols$.next(view('binance', `${bulky}${i}/USDT`, 60_000 + round));
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        expect(lines.filter((l) => l.includes('[WARN]') && /status page client .* dropped: \d+ bytes unsent \(limit 262144\); it stopped reading/.test(l))).to.have.length(1);
        await eventually(async () => expect(await clients()).to.equal(1));
        // The reading client still gets its updates.
        const seen = reader.events.length;
        sources.feedEvents$.next(status('kraken', 'live'));
        await eventually(async () => expect(reader.events.length).to.be.greaterThan(seen));
      } finally {
        reader.close();
        stalled.destroy();
      }
    });

    it('answers 503 beyond maxEventStreams', async () => {
      server = await start({ maxEventStreams: 1 });
      const first = await openSse(`${server.url}/events`);
      try {
        await first.waitFor('snapshot');
        const second = await fetch(`${server.url}/events`);
        expect(second.status).to.equal(503);
        expect(second.headers.get('retry-after')).to.equal('10');
        expect(await second.text()).to.equal('too many event streams (1); try again later\n');
      } finally {
        first.close();
      }
    });

    it('closes with an event stream open, ending the stream, well within the 5 s shutdown budget', async () => {
      const running = await start();
      const client = await openSse(`${running.url}/events`);
      await client.waitFor('snapshot');
      let timer: NodeJS.Timeout | undefined;
      const budget = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('close() did not finish within 4.5 s')), 4500);
      });
      try {
        await Promise.race([Promise.all([running.close(), client.ended]), budget]);
      } finally {
        clearTimeout(timer);
      }
      await running.close(); // idempotent
      const refused = await fetch(`${running.url}/healthz`).then(() => 'answered', () => 'refused');
      expect(refused).to.equal('refused');
    });
  });
});
