import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import type { Browser } from 'playwright-core';
import { decodeConfig } from '../src/config/decode-config.js';
import type { Config } from '../src/domain/config-types.js';
import { createSupervisor, type SupervisorHandle } from '../src/supervisor/create-supervisor.js';
import { artifactPath, launchChromium } from './helpers/browser.js';
import { FakeBinanceServer } from './helpers/fake-binance-server.js';
import { waitUntil } from './helpers/fake-exchange-server.js';
import { startHttpSinkServer, type HttpSinkServer } from './helpers/http-sink-server.js';
import { tempDir, type TempDir } from './helpers/temp-dir.js';
import { parsePrometheusText } from './ops/prometheus-text.js';
import { eventually } from './helpers/eventually.js';


describe('supervisor with the HTTP surface (end to end over loopback)', function () {
  this.timeout(30000);
  let binance: FakeBinanceServer;
  let dir: TempDir;
  let handle: SupervisorHandle | undefined;
  let base: string;

  const start = async (extra: Record<string, unknown> = {}, options = {}) => {
    const decoded = decodeConfig(
      {
        exchanges: { binance: { symbols: ['BTC/USDT', 'ETH/USDT'], reconnect_delay: 0.05, reconnect_max_delay: 0.2, url: binance.url } },
        state_dir: dir.path,
        http: { listen: '127.0.0.1:0' },
        ...extra,
      },
      { env: {} },
    );
    if (E.isLeft(decoded)) throw new Error(JSON.stringify(decoded.left));
    const config: Config = decoded.right;
    handle = createSupervisor(config, options).run();
    await handle.ready;
    base = handle.httpUrl()!;
  };

  beforeEach(async () => {
    binance = await FakeBinanceServer.start();
    dir = tempDir();
    handle = undefined;
  });
  afterEach(async () => {
    await handle?.stop();
    await binance.close();
    dir.remove();
  });

  const health = async () => {
    const response = await fetch(`${base}/healthz`);
    return { status: response.status, body: (await response.json()) as { status: string; reasons?: string[] } };
  };

  it('/healthz goes 200 -> 503 -> 200 across a killed exchange', async () => {
    await start();
    await waitUntil(() => binance.openConnections === 1, 'connected');
    binance.pushTicker('BTC/USDT', 100);
    await eventually(async () => expect(await health()).to.deep.include({ status: 200 }));
    expect((await health()).body.status).to.equal('ok');

    binance.refuse = true;
    binance.kill();
    await eventually(async () => {
      const { status, body } = await health();
      expect(status).to.equal(503);
      expect(body.status).to.equal('down');
      expect(body.reasons![0]).to.match(/^binance: /);
    });

    binance.refuse = false;
    await waitUntil(() => binance.openConnections === 1, 'reconnected');
    binance.pushTicker('BTC/USDT', 101);
    await eventually(async () => expect((await health()).status).to.equal(200));
  });

  it('/metrics counts the exchange\'s ticks and malformed frames', async () => {
    await start();
    await waitUntil(() => binance.openConnections === 1, 'connected');
    const ts = Date.now();
    for (let i = 0; i < 7; i++) binance.pushTicker(i % 2 ? 'ETH/USDT' : 'BTC/USDT', 100 + i, { ts: ts + i });
    binance.push('not json at all');
    binance.push('{"stream":"btcusdt@ticker","data":{"e":"24hrTicker","E":1,"s":"BTCUSDT","c":"-5"}}');
    binance.push('also not json');
    await eventually(async () => {
      const metrics = parsePrometheusText(await (await fetch(`${base}/metrics`)).text());
      expect(metrics.value('crypto_supervisor_ticks_total', { exchange: 'binance' })).to.equal(7);
      expect(metrics.value('crypto_supervisor_frames_rejected_total', { exchange: 'binance', reason: 'not_json' })).to.equal(2);
      expect(metrics.value('crypto_supervisor_frames_rejected_total', { exchange: 'binance', reason: 'bad_price' })).to.equal(1);
      expect(metrics.value('crypto_supervisor_feed_up', { exchange: 'binance' })).to.equal(1);
    });
  });

  describe('heartbeat', () => {
    let sink: HttpSinkServer;
    beforeEach(async () => (sink = await startHttpSinkServer()));
    afterEach(async () => sink.close());

    it('pings the monitor while the feed is live and stops while it is down', async () => {
      await start({ ops: { heartbeat_url: `${sink.url}/ping/secret-token`, heartbeat_every_ms: 100 } });
      await waitUntil(() => binance.openConnections === 1, 'connected');
      binance.pushTicker('BTC/USDT', 100);
      await waitUntil(() => sink.requests.length >= 2, 'pings while live');
      binance.refuse = true;
      binance.kill();
      await eventually(async () => expect((await health()).status).to.equal(503));
      const whileDown = sink.requests.length;
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(sink.requests.length).to.equal(whileDown);
      binance.refuse = false;
      await waitUntil(() => binance.openConnections === 1, 'reconnected');
      binance.pushTicker('BTC/USDT', 101);
      await waitUntil(() => sink.requests.length > whileDown, 'pings again once live');
      expect(sink.requests[0]).to.include({ method: 'GET', path: '/ping/secret-token' });
    });
  });

  describe('status page in headless Chromium', () => {
    let browser: Browser;
    before(async () => (browser = await launchChromium()));
    after(async () => browser?.close());

    it('shows the exchange moving BTC/USDT, the alert it raises, and the feed light turning red when it dies', async () => {
      await start();
      const page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
      try {
        await page.goto(base);
        await waitUntil(() => binance.openConnections === 1, 'connected');
        const ts = Date.now();
        const price = page.locator('tr[data-key="binance BTC/USDT"] td.price');
        binance.pushTicker('BTC/USDT', 64738, { ts, open24h: 64738 });
        await eventually(async () => expect(await price.textContent()).to.equal('64,738.00'));
        await eventually(async () => expect(await page.locator('[data-feed="binance"] .light').getAttribute('data-color')).to.equal('green'));

        binance.pushTicker('BTC/USDT', 68123.45, { ts: ts + 1000, open24h: 64738 });
        await eventually(async () => expect(await price.textContent()).to.equal('68,123.45'));
        await eventually(async () =>
          expect(await page.locator('#alerts li[data-rule="pct_24h"] .what').textContent()).to.match(/^binance BTC\/USDT \+5\.23 % in 24 h/),
        );

        binance.refuse = true;
        binance.kill();
        await eventually(async () => expect(await page.locator('[data-feed="binance"] .light').getAttribute('data-color')).to.equal('red'));
        await page.screenshot({ path: artifactPath('status-page-e2e.png') });
      } finally {
        await page.close();
      }
    });
  });
});
