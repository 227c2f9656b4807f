import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import { firstValueFrom, take, toArray } from 'rxjs';
import { decodeConfig } from '../src/config/decode-config.js';
import type { Config } from '../src/domain/config-types.js';
import { createLogger } from '../src/log.js';
import { parseTickLine } from '../src/replay/parse-tick-line.js';
import { createSupervisor, type SupervisorHandle } from '../src/supervisor/create-supervisor.js';
import { FakeBinanceServer } from './helpers/fake-binance-server.js';
import { waitUntil } from './helpers/fake-exchange-server.js';
import { startSmtpTestServer, type SmtpTestServer } from './helpers/smtp-test-server.js';
import { tempDir, type TempDir } from './helpers/temp-dir.js';

function config(value: Record<string, unknown>): Config {
  const decoded = decodeConfig(value, { env: {} });
  if (E.isLeft(decoded)) throw new Error(JSON.stringify(decoded.left));
  return decoded.right;
}

const journalOf = (dir: TempDir) => {
  const path = join(dir.path, 'alerts.jsonl');
  return existsSync(path) ? readFileSync(path, 'utf8').trimEnd().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
};

describe('supervisor (end to end over loopback)', function () {
  this.timeout(20000);
  let binance: FakeBinanceServer;
  let smtp: SmtpTestServer;
  let dir: TempDir;
  let handle: SupervisorHandle | undefined;
  let lines: string[];

  beforeEach(async () => {
    binance = await FakeBinanceServer.start();
    smtp = await startSmtpTestServer();
    dir = tempDir();
    lines = [];
    handle = undefined;
  });
  afterEach(async () => {
    await handle?.stop();
    await binance.close();
    await smtp.close();
    dir.remove();
  });

  const baseConfig = (extra: Record<string, unknown> = {}) =>
    config({
      exchanges: { binance: { symbols: ['BTC/USDT', 'ETH/USDT'], reconnect_delay: 0.05, url: binance.url } },
      alerts: {
        email: { smtp_host: '127.0.0.1', smtp_port: smtp.port, from_addr: 'alerts@example.com', to_addrs: ['ops@example.com'], group_wait_ms: 100 },
      },
      state_dir: dir.path,
      ...extra,
    });
  const logger = () => createLogger('supervisor', { write: (line) => lines.push(line) });

  it('turns a move on the exchange into one logged, journaled and emailed alert', async () => {
    handle = createSupervisor(baseConfig(), { logger: logger() }).run();
    await handle.ready;
    await waitUntil(() => binance.openConnections === 1, 'connected');
    const ts = Date.now();
    binance.pushTicker('BTC/USDT', 100, { ts, open24h: 100 });
    binance.pushTicker('BTC/USDT', 105.5, { ts: ts + 1000, open24h: 100 });
    binance.pushTicker('BTC/USDT', 105.6, { ts: ts + 2000, open24h: 100 }); // same move: no second alert

    const [email] = await smtp.waitForMessages(1);
    const journal = journalOf(dir);
    const dayAlerts = journal.filter((a) => a.rule === 'pct_24h');
    expect(dayAlerts).to.have.length(1);
    expect(dayAlerts[0]).to.include({ kind: 'price', exchange: 'binance', symbol: 'BTC/USDT', direction: 'up', level: 1, price: 105.5, reference: 100 });
    expect(journal.map((a) => a.rule).sort()).to.deep.equal(['pct_24h', 'pct_short']);
    // One digest email for both alerts of the move.
    expect(email!.subject).to.match(/^2 alerts: BTC\/USDT \+5\.5% \((24h|1h), binance\)/);
    expect(lines.some((l) => /\[INFO\] supervisor\.alerts: BTC\/USDT \+5\.50% in 24h on binance, threshold 5% \(price 105\.50, reference 100\.00/.test(l))).to.equal(true);

    await handle.stop();
    await waitUntil(() => binance.openConnections === 0, 'socket closed on stop');
    expect(smtp.received).to.have.length(1);
  });

  it('records every tick with --record and flushes the file on stop', async () => {
    const record = join(dir.path, 'ticks.jsonl');
    handle = createSupervisor(baseConfig(), { record }).run();
    await waitUntil(() => binance.openConnections === 1, 'connected');
    const ts = Date.now();
    binance.pushTicker('BTC/USDT', 100, { ts, open24h: 99, bid: 99.9, ask: 100.1 });
    binance.pushTicker('ETH/USDT', 3000, { ts: ts + 1, open24h: 3000 });
    binance.pushTicker('BTC/USDT', 100.5, { ts: ts + 2, open24h: 99 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await handle.stop();
    const ticks = readFileSync(record, 'utf8').trimEnd().split('\n').map(parseTickLine);
    expect(ticks.map((t) => (typeof t === 'string' ? t : [t.symbol, t.price, t.ts]))).to.deep.equal([
      ['BTC/USDT', 100, ts],
      ['ETH/USDT', 3000, ts + 1],
      ['BTC/USDT', 100.5, ts + 2],
    ]);
    expect(ticks[0]).to.include({ exchange: 'binance', bid: 99.9, ask: 100.1, open24h: 99 });
  });

  it('exposes cold ticks$, state$ and alerts$ for embedding', async () => {
    const supervisor = createSupervisor(baseConfig());
    const states = firstValueFrom(supervisor.state$.pipe(take(2), toArray()));
    await waitUntil(() => binance.openConnections === 1, 'state$ connected');
    const ts = Date.now();
    binance.pushTicker('BTC/USDT', 100, { ts, open24h: 100 });
    binance.pushTicker('ETH/USDT', 3000, { ts: ts + 1, open24h: 3000 });
    const [state] = await states;
    expect(state!.getLatest('binance', 'ETH/USDT')?.price).to.equal(3000);
    expect(state!.getLatest('binance', 'BTC/USDT')?.price).to.equal(100);
    await waitUntil(() => binance.openConnections === 0, 'state$ closed its socket after take(2)');

    const alerts = firstValueFrom(supervisor.alerts$);
    await waitUntil(() => binance.openConnections === 1, 'alerts$ connected');
    binance.pushTicker('ETH/USDT', 3000, { ts, open24h: 3000 });
    binance.pushTicker('ETH/USDT', 2800, { ts: ts + 1000, open24h: 3000 });
    const alert = await alerts;
    expect(alert).to.include({ kind: 'price', symbol: 'ETH/USDT', direction: 'down' });
    await waitUntil(() => binance.openConnections === 0, 'alerts$ closed its socket');
  });

  it('reports feed status changes on feedStatus$ and closes the feed on unsubscribe', async () => {
    const supervisor = createSupervisor(baseConfig());
    const seen: string[] = [];
    const subscription = supervisor.feedStatus$.subscribe((status) => seen.push(`${status.exchange} ${status.state}`));
    await waitUntil(() => binance.openConnections === 1, 'connected');
    binance.pushTicker('BTC/USDT', 100);
    await waitUntil(() => seen.includes('binance live'), 'live');
    subscription.unsubscribe();
    await waitUntil(() => binance.openConnections === 0, 'closed');
    expect(seen).to.deep.equal(['binance connecting', 'binance live']);
  });

  it('shares one connection per exchange between alerts$, feedStatus$, ticks$ and state$ of one supervisor', async () => {
    const supervisor = createSupervisor(baseConfig());
    const statuses: string[] = [];
    const alerts: string[] = [];
    const subscriptions = [
      supervisor.alerts$.subscribe((alert) => alerts.push(`${alert.kind === 'price' ? alert.symbol : ''} ${alert.rule}`)),
      supervisor.feedStatus$.subscribe((status) => statuses.push(status.state)),
      supervisor.ticks$.subscribe(),
      supervisor.state$.subscribe(),
    ];
    await waitUntil(() => binance.openConnections === 1, 'connected');
    const ts = Date.now();
    binance.pushTicker('BTC/USDT', 100, { ts, open24h: 100 });
    binance.pushTicker('BTC/USDT', 110, { ts: ts + 1000, open24h: 100 });
    try {
      await waitUntil(() => alerts.includes('BTC/USDT pct_24h') && statuses.includes('live'), 'alerted and live');
      expect(binance.paths, 'sockets opened in all').to.have.length(1);
      expect(binance.openConnections).to.equal(1);
      subscriptions.slice(1).forEach((s) => s.unsubscribe());
      binance.pushTicker('ETH/USDT', 3000, { ts, open24h: 3000 });
      binance.pushTicker('ETH/USDT', 2800, { ts: ts + 1000, open24h: 3000 });
      await waitUntil(() => alerts.includes('ETH/USDT pct_24h'), 'alerts$ alone still holds the connection');
      expect(binance.paths).to.have.length(1);
    } finally {
      subscriptions.forEach((s) => s.unsubscribe());
    }
    await waitUntil(() => binance.openConnections === 0, 'the last one leaving closed it');
  });

  it('stops when SMTP is down, and the next start delivers what was journaled, exactly once', async () => {
    const port = smtp.port;
    await smtp.close();
    handle = createSupervisor(baseConfig(), { logger: logger(), delivery: { flushTimeoutMs: 300, retry: { baseMs: 50, maxMs: 100 } } }).run();
    await waitUntil(() => binance.openConnections === 1, 'connected');
    const ts = Date.now();
    binance.pushTicker('BTC/USDT', 100, { ts, open24h: 100 });
    binance.pushTicker('BTC/USDT', 110, { ts: ts + 1000, open24h: 100 });
    await waitUntil(() => journalOf(dir).length > 0, 'journaled');
    await handle.stop();
    const journaled = journalOf(dir).length;
    expect(lines.join('\n')).to.match(/\[WARN\] supervisor\.delivery\.email: email \(127\.0\.0\.1\): \d alerts? not delivered yet; they are in the journal and are delivered at the next start/);

    smtp = await startSmtpTestServer({ port }); // afterEach closes it
    handle = createSupervisor(baseConfig(), { logger: logger() }).run();
    await waitUntil(() => smtp.received.length > 0, 'the backlog emailed');
    await handle.stop();
    handle = undefined;
    expect(smtp.received).to.have.length(1);
    expect(smtp.received[0]!.text).to.contain('BTC/USDT on binance: up +10.00% in 24h');
    expect((smtp.received[0]!.text.match(/ on binance: up /g) ?? []).length).to.equal(journaled);
  });
});
