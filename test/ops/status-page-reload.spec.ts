import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { BehaviorSubject, Subject } from 'rxjs';
import type { Silence } from '../../src/domain/silence.js';
import type { OpsFeed } from '../../src/ops/ops-sources.js';
import { type OpsServer, type SilenceApi, startOpsServer } from '../../src/ops/start-ops-server.js';
import { launchChromium } from '../helpers/browser.js';
import { eventually } from '../helpers/eventually.js';
import { makeSources } from './ops-sources-fixture.js';

describe('status page in headless Chromium: a config reload and the silences, live', function () {
  this.timeout(60_000);
  let browser: Browser;
  let page: Page;
  let server: OpsServer | undefined;

  before(async () => (browser = await launchChromium()));
  after(async () => browser?.close());
  afterEach(async () => {
    await page?.close();
    await server?.close();
  });

  it('adds and removes price rows as the enabled feeds change, and redraws the silences whenever they change', async () => {
    const sources = makeSources();
    const feeds$ = new Subject<readonly OpsFeed[]>();
    const silences$ = new BehaviorSubject<readonly Silence[]>([]);
    const silences: SilenceApi = {
      list: () => [...silences$.value],
      add: () => {
        throw new Error('not in this test');
      },
      remove: () => false,
      silences$,
    };
    server = await startOpsServer('127.0.0.1:0', { ...sources, feeds$ }, { pushEveryMs: 50, sseRetryMs: 200, silences });
    page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.url}/`);
    await eventually(async () => expect(await page.locator('#connection').getAttribute('data-state')).to.equal('open'));
    expect(await page.locator('tr[data-key="binance ETH/USDT"]').count()).to.equal(1);
    expect(await page.locator('#no-silences').isVisible()).to.equal(true);

    feeds$.next([{ exchange: 'binance', symbols: ['BTC/USDT', 'SOL/USDT'] }, { exchange: 'kraken', symbols: ['BTC/USD'] }]);
    await eventually(async () => expect(await page.locator('tr[data-key="binance SOL/USDT"]').count()).to.equal(1));
    await eventually(async () => expect(await page.locator('tr[data-key="binance ETH/USDT"]').count()).to.equal(0));

    silences$.next([
      { id: 'config-1', match: { symbol: 'DOGE/USDT' }, source: 'config', comment: 'known volatility' },
      { id: 'a1b2c3d4', match: { exchange: 'kraken' }, source: 'api', createdAt: Date.UTC(2026, 11, 1), until: Date.UTC(2026, 11, 2) },
    ]);
    await eventually(async () => expect(await page.locator('#silences li').count()).to.equal(2));
    expect(await page.locator('#no-silences').isVisible()).to.equal(false);
    expect(await page.locator('#silences li[data-silence="config-1"]').textContent()).to.match(/^config-1 \(config\): symbol=DOGE\/USDT/);
    expect(await page.locator('#silences li[data-silence="a1b2c3d4"]').textContent()).to.include('(API, 2026-12-01T00:00:00.000Z): exchange=kraken');

    silences$.next([]);
    await eventually(async () => expect(await page.locator('#no-silences').isVisible()).to.equal(true));
    expect(await page.locator('#silences').isVisible()).to.equal(false);
    expect(errors).to.deep.equal([]);
  });
});
