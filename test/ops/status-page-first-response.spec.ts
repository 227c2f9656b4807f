import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import type { FeedAlert, PriceAlert } from '../../src/domain/alert.js';
import type { FeedEvent, FeedState } from '../../src/domain/feed-status.js';
import { type OpsServer, startOpsServer } from '../../src/ops/start-ops-server.js';
import { artifactPath, launchChromium } from '../helpers/browser.js';
import { eventually } from '../helpers/eventually.js';
import { makeSources } from './ops-sources-fixture.js';

const status = (exchange: string, state: FeedState, reconnects = 0, reason?: string): FeedEvent => ({
  type: 'status', status: { exchange, state, since: Date.now(), reconnects, ...(reason ? { reason } : {}) },
});
const rally: PriceAlert = {
  kind: 'price', ts: Date.UTC(2026, 10, 24, 9, 12, 40), exchange: 'binance', symbol: 'BTC/USDT', rule: 'pct_24h', direction: 'up',
  change: 0.0523, price: 68_123.45, reference: 64_738, windowMs: 86_400_000, level: 1, coverage: 1, threshold: 0.05,
};
const down: FeedAlert = {
  kind: 'feed', ts: Date.UTC(2026, 10, 24, 9, 20, 0), exchange: 'kraken', rule: 'feed_down', blindMs: 120_000,
  downSince: Date.UTC(2026, 10, 24, 9, 18, 0), reason: '</script><img src=x onerror=alert(1)>',
};

describe('status page: content in the first HTML response (no empty page until the first event)', function () {
  this.timeout(60_000);
  let server: OpsServer;
  let sources: ReturnType<typeof makeSources>;
  let browser: Browser | undefined;

  beforeEach(async () => {
    sources = makeSources();
    server = await startOpsServer('127.0.0.1:0', sources, { pushEveryMs: 50 });
    sources.feedEvents$.next(status('binance', 'live'));
    sources.feedEvents$.next(status('kraken', 'backoff', 3, '</script><img src=x onerror=alert(1)>'));
    sources.symbols$.next({
      exchange: 'binance', symbol: 'BTC/USDT', price: 68_123.45, ts: Date.now(), receivedAt: Date.now(),
      change24h: 0.0523, changeShort: -0.004, coverage24h: 1, coverageShort: 0.5,
    });
    sources.alerts$.next(rally);
    sources.alerts$.next(down);
  });
  afterEach(async () => {
    await browser?.close();
    browser = undefined;
    await server.close();
  });

  it('GET / carries the feeds, prices, alerts and overall state as HTML, escaped', async () => {
    const html = await (await fetch(`${server.url}/`)).text();
    expect(html).to.include('<span id="overall" class="badge" data-color="red">1 feed down</span>');
    expect(html).to.match(/<div class="feed" data-feed="binance" data-color="green" data-state="live">.*<span class="state">live<\/span>/);
    expect(html).to.match(/<div class="feed" data-feed="kraken" data-color="red" data-state="backoff">.*<span class="state">reconnecting<\/span>/);
    expect(html).to.include('<td class="price">68,123.45</td><td class="change24h up">+5.23 %</td><td class="changeShort down">\u22120.40 %</td>');
    expect(html).to.include('<tr data-key="binance ETH/USDT"');
    expect(html).to.include('<time datetime="2026-11-24T09:12:40.000Z">09:12:40Z</time>');
    expect(html).to.include('BTC/USDT +5.23% in 24h on binance, threshold 5%');
    expect(html).to.include('<div id="no-alerts" class="empty" hidden>');
    // The hostile reason is text in the HTML and cannot close the JSON's script element.
    expect(html).to.not.include('<img src=x');
    expect(html).to.include('&#60;/script&#62;&#60;img src=x onerror=alert(1)&#62;');
    expect(html.match(/<\/script>/g)).to.have.length(2);
  });

  it('GET / carries each alert channel\'s state: ok, retrying since T with its reason, failing with its reason', async () => {
    let html = await (await fetch(`${server.url}/`)).text();
    expect(html).to.include('<ul id="channels" class="channels"></ul>');
    expect(html).to.include('<div id="no-channels" class="empty">');
    sources.deliveries$.next({ type: 'started', channel: 'email', label: 'email (smtp.example.com)', backlog: 0 });
    sources.deliveries$.next({ type: 'retry', channel: 'email', reason: 'connect ECONNREFUSED', since: Date.UTC(2026, 10, 24, 9, 30, 0), backlog: 2 });
    sources.deliveries$.next({ type: 'started', channel: 'webhook-1', label: 'webhook 1 (hooks.slack.com)', backlog: 0 });
    sources.deliveries$.next({ type: 'quarantined', channel: 'webhook-1', entries: 1, reason: 'HTTP 404 <no_service>', backlog: 0 });
    sources.deliveries$.next({ type: 'started', channel: 'telegram-1', label: 'telegram (chat 1)', backlog: 0 });
    html = await (await fetch(`${server.url}/`)).text();
    expect(html).to.include('<li class="channel" data-channel="email" data-state="retrying"><b>email (smtp.example.com)</b> retrying since 09:30:00Z: connect ECONNREFUSED (2 waiting)</li>');
    expect(html).to.include('<li class="channel" data-channel="webhook-1" data-state="failing"><b>webhook 1 (hooks.slack.com)</b> failing: HTTP 404 &#60;no_service&#62;</li>');
    expect(html).to.include('<li class="channel" data-channel="telegram-1" data-state="ok"><b>telegram (chat 1)</b> ok</li>');
    expect(html).to.include('<div id="no-channels" class="empty" hidden>');
  });

  it('shows that state in a browser with JavaScript off', async () => {
    browser = await launchChromium();
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    expect(await page.locator('tr[data-key="binance BTC/USDT"] td.price').textContent()).to.equal('68,123.45');
    expect(await page.locator('[data-feed="kraken"] .light').getAttribute('data-color')).to.equal('red');
    expect(await page.locator('#overall').textContent()).to.equal('1 feed down');
    expect(await page.locator('#alerts li').count()).to.equal(2);
    expect(await page.locator('#no-alerts').isVisible()).to.equal(false);
    await page.screenshot({ path: artifactPath('status-page-no-js.png'), fullPage: true });
  });

  it('with JavaScript on, draws the state before any event arrives (the event stream refused)', async () => {
    browser = await launchChromium();
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.route('**/events', (route) => route.abort());
    await page.goto(`${server.url}/`);
    // The script's own rendering (local time, its wording for alerts) from the JSON the page came with.
    await eventually(async () => expect(await page.locator('#alerts li[data-rule="pct_24h"] .what').textContent()).to.equal('binance BTC/USDT +5.23 % in 24 h at 68,123.45, from 64,738.00, threshold 5 %'));
    expect(await page.locator('#alerts li[data-rule="feed_down"] .what').textContent()).to.include('kraken feed down: blind for 2 min');
    expect(await page.locator('tr[data-key="binance BTC/USDT"] td.price').textContent()).to.equal('68,123.45');
    expect(await page.locator('[data-feed="binance"] .since').textContent()).to.match(/^live for /);
    expect(await page.locator('#connection').getAttribute('data-state')).to.not.equal('open');
    expect(errors).to.deep.equal([]);
  });
});
