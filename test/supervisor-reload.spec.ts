import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import { decodeConfig } from '../src/config/decode-config.js';
import type { Config } from '../src/domain/config-types.js';
import { createLogger } from '../src/log.js';
import { createSupervisor, type SupervisorHandle } from '../src/supervisor/create-supervisor.js';
import { eventually } from './helpers/eventually.js';
import { FakeBinanceServer } from './helpers/fake-binance-server.js';
import { FakeCoinbaseServer } from './helpers/fake-coinbase-server.js';
import { waitUntil } from './helpers/fake-exchange-server.js';
import { type HttpSinkServer, startHttpSinkServer } from './helpers/http-sink-server.js';
import { tempDir, type TempDir } from './helpers/temp-dir.js';

describe('supervisor: reload(config) on the running handle (library use, loopback)', function () {
  this.timeout(30000);
  let binance: FakeBinanceServer;
  let coinbase: FakeCoinbaseServer;
  let sink: HttpSinkServer;
  let dir: TempDir;
  let handle: SupervisorHandle | undefined;
  const lines: string[] = [];
  const logger = createLogger('supervisor', { level: 'INFO', write: (line) => lines.push(line) });

  beforeEach(async () => {
    [binance, coinbase, sink] = await Promise.all([FakeBinanceServer.start(), FakeCoinbaseServer.start({ heartbeatEveryMs: 50 }), startHttpSinkServer()]);
    dir = tempDir();
    handle = undefined;
    lines.length = 0;
  });
  afterEach(async () => {
    await handle?.stop();
    await Promise.all([binance.close(), coinbase.close(), sink.close()]);
    dir.remove();
  });

  const configOf = (extra: { coinbase?: boolean; webhooks?: string[]; binanceSymbols?: string[]; quiet?: 'digest' | 'drop'; divergence?: boolean; alertmanager?: string } = {}): Config => {
    const decoded = decodeConfig(
      {
        exchanges: {
          binance: { symbols: extra.binanceSymbols ?? ['BTC/USDT'], reconnect_delay: 0.05, url: binance.url },
          coinbase: { symbols: ['BTC/USD'], reconnect_delay: 0.05, url: coinbase.url, enabled: extra.coinbase ?? true },
        },
        alerts: {
          webhooks: (extra.webhooks ?? []).map((path) => ({ url: `${sink.url}${path}`, group_wait_ms: 0 })),
          ...(extra.quiet ? { quiet_hours: { ...quietNow(), deliver: extra.quiet } } : {}),
          ...(extra.alertmanager ? { alertmanager: { urls: [`${sink.url}${extra.alertmanager}`], resend_every_ms: 3_600_000 } } : {}),
          ...(extra.divergence ? { divergence: { pct: 0.01, pairs: [['binance:BTC/USDT', 'coinbase:BTC/USD']] } } : {}),
        },
        ops: { heartbeat_url: `${sink.url}/ping`, heartbeat_every_ms: 50 },
        state_dir: dir.path,
        http: { listen: '127.0.0.1:0' },
      },
      { env: {} },
    );
    if (E.isLeft(decoded)) throw new Error(JSON.stringify(decoded.left));
    return decoded.right;
  };

  /** Quiet hours (UTC) from an hour ago to an hour from now. */
  const quietNow = () => {
    const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
    return { from: hhmm(Date.now() - 3_600_000), to: hhmm(Date.now() + 3_600_000) };
  };
  const ready = async (url: string) => (await fetch(`${url}/readyz`)).status;
  const pings = () => sink.requests.filter((request) => request.path === '/ping').length;
  const hooks = (path: string) => sink.requests.filter((request) => request.path === path).length;

  it('disabling an exchange closes only its feed: readiness and the heartbeat count the feeds enabled now', async () => {
    handle = createSupervisor(configOf(), { logger }).run();
    await handle.ready;
    const url = handle.httpUrl()!;
    await waitUntil(() => binance.openConnections === 1 && coinbase.openConnections === 1, 'both connected');
    binance.pushTicker('BTC/USDT', 100);
    await eventually(async () => expect(await ready(url)).to.equal(200));

    const result = await handle.reload(configOf({ coinbase: false }));
    expect(result).to.deep.equal({ ok: true, changes: 'coinbase: disabled', needsRestart: [] });
    await waitUntil(() => coinbase.openConnections === 0, 'coinbase closed');
    expect(binance.connectionAttempts).to.equal(1);
    expect(await ready(url)).to.equal(200);
    const before = pings();
    await waitUntil(() => pings() > before + 2, 'pings go on with coinbase stopped');
  });

  it('matches the TSDoc example of reload(): new thresholds apply, and the result says so', async () => {
    const config = configOf();
    handle = createSupervisor(config, { logger }).run();
    await handle.ready;
    const result = await handle.reload({ ...config, alerts: { ...config.alerts, thresholds: { ...config.alerts.thresholds, pct_24h: 0.1 } } });
    expect([result.ok, result.ok && result.changes]).to.deep.equal([true, 'thresholds changed']);
    expect(lines.filter((line) => line.includes('[INFO] supervisor: config reloaded: thresholds changed'))).to.have.length(1);
  });

  it('says that the divergence rule keeps the markets of the start when symbols change', async () => {
    handle = createSupervisor(configOf({ divergence: true }), { logger }).run();
    await handle.ready;
    expect(await handle.reload(configOf({ divergence: true, binanceSymbols: ['BTC/USDT', 'ETH/USDT'] }))).to.deep.include({ ok: true, changes: 'binance: +ETH/USDT' });
    expect(lines.filter((line) => line.includes('[WARN] supervisor: config reload: the divergence rule keeps comparing the markets it compared at start'))).to.have.length(1);
  });

  it('a changed http.listen needs a restart, unless --http (options.http) overrides it: then no WARN', async () => {
    const moved = (config: Config): Config => ({ ...config, http: { ...config.http, listen: '127.0.0.1:1' } });
    handle = createSupervisor(configOf(), { logger }).run();
    await handle.ready;
    expect(await handle.reload(moved(configOf()))).to.deep.include({ ok: true, needsRestart: ['http.listen'] });
    expect(lines.filter((line) => line.includes('[WARN] supervisor: config reload: http.listen changed'))).to.have.length(1);
    await handle.stop();

    lines.length = 0;
    handle = createSupervisor(configOf(), { logger, http: '127.0.0.1:0' }).run();
    await handle.ready;
    expect(await handle.reload(moved(configOf()))).to.deep.include({ ok: true, needsRestart: [] });
    expect(lines.filter((line) => line.includes('[WARN]'))).to.deep.equal([]);
    // The server still listens where --http put it.
    expect((await fetch(`${handle.httpUrl()}/livez`)).status).to.equal(200);
  });

  it('refuses a config a start would refuse, naming the key, and keeps the old one', async () => {
    handle = createSupervisor(configOf(), { logger }).run();
    await handle.ready;
    await waitUntil(() => binance.openConnections === 1, 'connected');
    const bad = configOf({ binanceSymbols: ['BTC/USDT', 'Eth/USDT'] });
    const result = await handle.reload(bad);
    expect(result.ok).to.equal(false);
    expect(result.ok === false && result.error).to.match(/^exchanges\.binance\.symbols\[1\]: "Eth\/USDT" is not a canonical/);
    expect(lines.filter((line) => line.includes('[ERROR]'))).to.have.length(1);
    expect(binance.streamsOf(0)).to.deep.equal(['btcusdt@ticker']);
    // Without a config and without loadConfig there is nothing to read again.
    expect(await handle.reload()).to.deep.include({ ok: false });
  });

  it('rebuilds channels: an added webhook gets the next alert, an unchanged one keeps its cursor, a removed one stops', async () => {
    handle = createSupervisor(configOf({ webhooks: ['/one'] }), { logger }).run();
    await handle.ready;
    await waitUntil(() => binance.openConnections === 1, 'connected');
    const t = Date.now();
    binance.pushTicker('BTC/USDT', 100, { ts: t, open24h: 100 });
    binance.pushTicker('BTC/USDT', 106, { ts: t + 1, open24h: 100 });
    await waitUntil(() => hooks('/one') === 1, 'the first alert on webhook one');

    expect(await handle.reload(configOf({ webhooks: ['/one', '/two'] }))).to.deep.include({ ok: true, changes: 'channels rebuilt' });
    binance.pushTicker('BTC/USDT', 100, { ts: t + 2, open24h: 100 }); // re-arms
    binance.pushTicker('BTC/USDT', 106, { ts: t + 3, open24h: 100 });
    await waitUntil(() => hooks('/one') === 2 && hooks('/two') === 1, 'the next alert on both');
    // webhook-1 kept running: one first start only, and it never delivered its first alert again.
    expect(lines.filter((line) => line.includes('webhook') && line.includes('first start'))).to.have.length(2);

    expect(await handle.reload(configOf({ webhooks: ['/three'] }))).to.deep.include({ ok: true });
    binance.pushTicker('BTC/USDT', 100, { ts: t + 4, open24h: 100 });
    binance.pushTicker('BTC/USDT', 106, { ts: t + 5, open24h: 100 });
    await waitUntil(() => hooks('/three') === 1, 'the next alert on the changed webhook-1');
    expect([hooks('/one'), hooks('/two')]).to.deep.equal([2, 1]);
    expect(lines.some((line) => /webhook .*settings changed: replaced once the old one has stopped/.test(line))).to.equal(true);
    expect(lines.some((line) => /no longer configured/.test(line))).to.equal(true);
  });

  it('quiet hours follow a reload: what a digest held goes out when they are removed; with drop, alerts are delivered again from the next one', async () => {
    handle = createSupervisor(configOf({ webhooks: ['/hook'], quiet: 'digest' }), { logger }).run();
    await handle.ready;
    await waitUntil(() => binance.openConnections === 1, 'connected');
    const t = Date.now();
    binance.pushTicker('BTC/USDT', 100, { ts: t, open24h: 100 });
    binance.pushTicker('BTC/USDT', 106, { ts: t + 1, open24h: 100 });
    await waitUntil(() => lines.some((line) => line.includes('+6.00% in 24h')), 'the alert journaled');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(hooks('/hook'), 'held for the quiet hours').to.equal(0);

    expect(await handle.reload(configOf({ webhooks: ['/hook'] }))).to.deep.include({ ok: true, changes: 'quiet hours changed' });
    await waitUntil(() => hooks('/hook') === 1, 'the held alert delivered once the quiet hours are gone');

    expect(await handle.reload(configOf({ webhooks: ['/hook'], quiet: 'drop' }))).to.deep.include({ ok: true });
    binance.pushTicker('BTC/USDT', 100, { ts: t + 2, open24h: 100 });
    binance.pushTicker('BTC/USDT', 106, { ts: t + 3, open24h: 100 });
    await waitUntil(() => lines.some((line) => line.includes('silenced by quiet-hours')), 'dropped by the new quiet hours');
    expect(await handle.reload(configOf({ webhooks: ['/hook'] }))).to.deep.include({ ok: true });
    binance.pushTicker('BTC/USDT', 100, { ts: t + 4, open24h: 100 });
    binance.pushTicker('BTC/USDT', 106, { ts: t + 5, open24h: 100 });
    await waitUntil(() => hooks('/hook') === 2, 'delivered again');
  });

  it('an Alertmanager channel rebuilt by a reload fires again what is in force, at its new address', async () => {
    handle = createSupervisor(configOf({ alertmanager: '/old' }), { logger }).run();
    await handle.ready;
    await waitUntil(() => binance.openConnections === 1, 'connected');
    const t = Date.now();
    binance.pushTicker('BTC/USDT', 100, { ts: t, open24h: 100 });
    binance.pushTicker('BTC/USDT', 106, { ts: t + 1, open24h: 100 });
    await waitUntil(() => hooks('/old/api/v2/alerts') === 1, 'fired at the old address');

    expect(await handle.reload(configOf({ alertmanager: '/new' }))).to.deep.include({ ok: true, changes: 'channels rebuilt' });
    // No new alert: the move still holds, and the new channel fires it from the journal (not once an hour later).
    await waitUntil(() => hooks('/new/api/v2/alerts') >= 1, 'fired again at the new address');
  });
});
