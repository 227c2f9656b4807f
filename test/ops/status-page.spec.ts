import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import type { DivergenceAlert, FeedAlert, PriceAlert } from '../../src/domain/alert.js';
import type { FeedEvent, FeedState } from '../../src/domain/feed-status.js';
import type { SymbolView } from '../../src/ops/ops-sources.js';
import { type OpsServer, startOpsServer } from '../../src/ops/start-ops-server.js';
import { artifactPath, launchChromium } from '../helpers/browser.js';
import { eventually } from '../helpers/eventually.js';
import { makeSources } from './ops-sources-fixture.js';

const status = (exchange: string, state: FeedState, reconnects = 0, reason?: string): FeedEvent => ({
  type: 'status', status: { exchange, state, since: Date.now(), reconnects, ...(reason ? { reason } : {}) },
});
const btc = (price: number, change24h: number): SymbolView => ({
  exchange: 'binance', symbol: 'BTC/USDT', price, ts: Date.now(), receivedAt: Date.now(),
  change24h, changeShort: 0.004, coverage24h: 1, coverageShort: 0.5,
});

describe('status page in headless Chromium', function () {
  this.timeout(60_000);
  let browser: Browser;
  let page: Page;
  let server: OpsServer | undefined;
  let feeds: ReturnType<typeof makeSources>;

  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    feeds = makeSources();
    server = await startOpsServer('127.0.0.1:0', feeds, { pushEveryMs: 50, sseRetryMs: 200 });
    page = await browser.newPage({ viewport: { width: 1200, height: 820 } });
  });
  afterEach(async () => {
    await page?.close();
    await server?.close();
  });

  const text = (selector: string) => page.locator(selector).textContent();
  const attribute = (selector: string, name: string) => page.locator(selector).getAttribute(name);
  const btcPrice = 'tr[data-key="binance BTC/USDT"] td.price';

  it('shows prices, alerts and feed lights live, and stays correct across reconnects', async () => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    feeds.feedEvents$.next(status('binance', 'live'));
    feeds.feedEvents$.next(status('kraken', 'live'));
    feeds.symbols$.next(btc(67_000, 0.01));
    await page.goto(`${server!.url}/`);

    await eventually(async () => expect(await text(btcPrice)).to.equal('67,000.00'));
    expect(await text('tr[data-key="binance BTC/USDT"] td.change24h')).to.equal('+1.00 %');
    expect(await text('tr[data-key="binance BTC/USDT"] td.coverage')).to.equal('100 % / 50 %');
    expect(await text('tr[data-key="binance ETH/USDT"] td.age')).to.equal('no tick yet');
    expect(await attribute('[data-feed="binance"] .light', 'data-color')).to.equal('green');
    expect(await text('#overall')).to.equal('all feeds live');

    // the loopback exchange moves BTC/USDT
    feeds.symbols$.next(btc(68_123.45, 0.0523));
    await eventually(async () => expect(await text(btcPrice)).to.equal('68,123.45'));
    expect(await text('tr[data-key="binance BTC/USDT"] td.change24h')).to.equal('+5.23 %');

    // a new alert appears
    const alert: PriceAlert = {
      kind: 'price', ts: Date.now(), exchange: 'binance', symbol: 'BTC/USDT', rule: 'pct_24h', direction: 'up',
      change: 0.0523, price: 68_123.45, reference: 64_738, windowMs: 86_400_000, level: 1, coverage: 1, threshold: 0.05,
    };
    feeds.alerts$.next(alert);
    await eventually(async () => expect(await page.locator('#alerts li').count()).to.equal(1));
    expect(await text('#alerts li[data-rule="pct_24h"] .what')).to.equal('binance BTC/USDT +5.23 % in 24 h at 68,123.45, from 64,738.00, threshold 5 %');
    // a price level crossing names its level
    feeds.alerts$.next({
      kind: 'price', ts: Date.now(), exchange: 'binance', symbol: 'DOGE/USDT', rule: 'level_above', direction: 'up',
      change: 0.024, price: 0.512, reference: 0.5, windowMs: 0, level: 1, coverage: 1, threshold: 0.5,
    });
    await eventually(async () => expect(await page.locator('#alerts li').count()).to.equal(2));
    expect(await text('#alerts li[data-rule="level_above"] .what')).to.equal('binance DOGE/USDT rose through 0.50 at 0.512');

    // the exchange is killed: the light turns red
    feeds.feedEvents$.next(status('kraken', 'backoff', 1, 'server closed 1006'));
    await eventually(async () => expect(await attribute('[data-feed="kraken"] .light', 'data-color')).to.equal('red'));
    expect(await text('[data-feed="kraken"] .reason')).to.equal('server closed 1006');
    expect(await text('[data-feed="kraken"] .reconnects')).to.match(/^1 reconnect · 0 ticks/);
    expect(await text('#overall')).to.equal('1 feed down');
    await page.screenshot({ path: artifactPath('status-page.png'), fullPage: true });

    // the browser drops its stream; things happen meanwhile; it reconnects and is right again
    await page.evaluate('window.statusPage.disconnect()');
    const down: FeedAlert = {
      kind: 'feed', rule: 'feed_down', exchange: 'kraken', ts: Date.now(), downSince: Date.now() - 120_000, blindMs: 120_000, reason: 'backoff',
    };
    feeds.alerts$.next(down);
    feeds.symbols$.next(btc(69_000, 0.07));
    feeds.silences$.next({ type: 'silent', exchange: 'binance', symbol: 'ETH/USDT', silentSinceTs: Date.now() - 600_000, ts: Date.now() });
    await new Promise((resolve) => setTimeout(resolve, 200)); // several push periods
    expect(await text(btcPrice), 'a disconnected page cannot know').to.equal('68,123.45');
    await page.evaluate('window.statusPage.connect()');
    await eventually(async () => expect(await text(btcPrice)).to.equal('69,000.00'));
    expect(await page.locator('#alerts li').count()).to.equal(3);
    expect(await attribute('#alerts li:first-child', 'data-rule')).to.equal('feed_down');
    expect(await text('[data-feed="kraken"] .blind')).to.match(/^blind for 2 min/);
    expect(await text('tr[data-key="binance ETH/USDT"] td.age .tag')).to.match(/^silent 10 min/);

    // the service restarts on the same port: the browser's EventSource reconnects by itself
    const { port } = new URL(server!.url);
    await server!.close();
    feeds = makeSources();
    server = await startOpsServer(`127.0.0.1:${port}`, feeds, { pushEveryMs: 50, sseRetryMs: 200 });
    feeds.feedEvents$.next(status('binance', 'live'));
    feeds.feedEvents$.next(status('kraken', 'live', 2));
    await eventually(async () => expect(await page.locator('#alerts li').count()).to.equal(0));
    feeds.symbols$.next(btc(70_500.5, 0.09));
    await eventually(async () => expect(await text(btcPrice)).to.equal('70,500.50'));
    expect(await attribute('[data-feed="kraken"] .light', 'data-color')).to.equal('green');
    expect(await attribute('#connection', 'data-state')).to.equal('open');
    expect(errors).to.deep.equal([]);
  });

  it('shows a divergence live: both exchanges and prices, the spread, how long, the threshold', async () => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    feeds.feedEvents$.next(status('binance', 'live'));
    await page.goto(`${server!.url}/`);
    await eventually(async () => expect(await attribute('[data-feed="binance"] .light', 'data-color')).to.equal('green'));
    const apart: DivergenceAlert = {
      kind: 'divergence', rule: 'divergence', ts: Date.now(), group: 'BTC/USDT',
      high: { exchange: 'coinbase', symbol: 'BTC/USDT', price: 65_280, ts: Date.now() }, low: { exchange: 'binance', symbol: 'BTC/USDT', price: 64_000, ts: Date.now() },
      spread: 0.02, threshold: 0.01, since: Date.now() - 30_000,
    };
    feeds.alerts$.next(apart);
    await eventually(async () => expect(await page.locator('#alerts li').count()).to.equal(1));
    const item = '#alerts li[data-rule="divergence"]';
    expect(await text(`${item} .what`)).to.equal('BTC/USDT 2.00 % apart: coinbase 65,280.00 vs binance 64,000.00 for 30 s, threshold 1 %');
    expect([await attribute(item, 'data-exchange'), await attribute(item, 'data-symbol')]).to.deep.equal(['binance,coinbase', 'BTC/USDT']);
    expect(await text(`${item} .apart`)).to.equal('\u2194');
    expect(errors).to.deep.equal([]);
  });

  it('shows a degraded feed as not live, counted from the last moment it was live rather than the latest retry', async () => {
    const lastLive = Date.now() - 180_000;
    feeds.feedEvents$.next({
      type: 'status',
      status: {
        exchange: 'kraken', state: 'degraded', since: Date.now() - 5000, reconnects: 4, notLiveSince: lastLive,
        reason: 'all 40 frames of the last 30000 ms rejected (last: wrong_shape, neither channel nor method)',
      },
    });
    await page.goto(`${server!.url}/`);
    await eventually(async () => expect(await text('[data-feed="kraken"] .state')).to.equal('degraded'));
    expect(await attribute('[data-feed="kraken"] .light', 'data-color')).to.equal('red');
    expect(await text('[data-feed="kraken"] .since')).to.match(/^not live for 3 min/);
    expect(await text('[data-feed="kraken"] .reason')).to.match(/^all 40 frames of the last 30000 ms rejected/);
  });

  it('escapes what it shows: a hostile reason is text, not markup', async () => {
    feeds.feedEvents$.next(status('kraken', 'backoff', 1, '<img src=x onerror="document.title=1">'));
    await page.goto(`${server!.url}/`);
    await eventually(async () => expect(await text('[data-feed="kraken"] .reason')).to.equal('<img src=x onerror="document.title=1">'));
    expect(await page.locator('[data-feed="kraken"] img').count()).to.equal(0);
  });
});
