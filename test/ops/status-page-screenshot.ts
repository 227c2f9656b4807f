/**
 * Renders the README's screenshot of the status page (docs/status-page.png)
 * from a made-up but plausible state: three exchanges, one of them down.
 *
 *   npx tsx test/ops/status-page-screenshot.ts [out.png]
 *
 * Not a test (no assertions); the status page's test is status-page.spec.ts.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Subject } from 'rxjs';
import type { Alert } from '../../src/domain/alert.js';
import type { FeedEvent } from '../../src/domain/feed-status.js';
import type { SilenceView, SymbolView } from '../../src/ops/ops-sources.js';
import { startOpsServer } from '../../src/ops/start-ops-server.js';
import { launchChromium } from '../helpers/browser.js';

const out = resolve(process.argv[2] ?? 'docs/status-page.png');
const now = Date.now();
const MIN = 60_000;

const sources = {
  feeds: [
    { exchange: 'binance', symbols: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'] },
    { exchange: 'coinbase', symbols: ['BTC/USD', 'ETH/USD', 'MATIC/USD'] },
    { exchange: 'kraken', symbols: ['BTC/USD', 'XRP/USD'] },
  ],
  feedEvents$: new Subject<FeedEvent>(),
  symbols$: new Subject<SymbolView>(),
  alerts$: new Subject<Alert>(),
  silences$: new Subject<SilenceView>(),
};

const server = await startOpsServer('127.0.0.1:0', sources, { pushEveryMs: 50 });
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1180, height: 900 }, deviceScaleFactor: 1 });
  await page.goto(`${server.url}/`);

  const feed = (exchange: string, state: 'live' | 'backoff', since: number, reconnects: number, reason?: string) =>
    sources.feedEvents$.next({ type: 'status', status: { exchange, state, since, reconnects, ...(reason ? { reason } : {}) } });
  feed('binance', 'live', now - 187 * MIN, 1);
  feed('coinbase', 'live', now - 312 * MIN, 0);
  feed('kraken', 'backoff', now - 3 * MIN - 12_000, 6, 'connect ETIMEDOUT');

  const tick = (exchange: string, symbol: string, price: number, agoMs: number, change24h: number, changeShort: number, coverage24h = 1) =>
    sources.symbols$.next({
      exchange, symbol, price, ts: now - agoMs, receivedAt: now - agoMs, change24h, changeShort, coverage24h, coverageShort: 1,
    });
  // ticks counted per feed: a few per symbol are enough for the picture
  for (let i = 0; i < 3; i++) {
    tick('binance', 'BTC/USDT', 67_412.18, 300, 0.0537, 0.0061);
    tick('binance', 'ETH/USDT', 3_512.4, 800, -0.0214, -0.0032);
    tick('binance', 'SOL/USDT', 171.82, 1_400, 0.0318, 0.0241);
    tick('coinbase', 'BTC/USD', 67_398.5, 600, 0.0529, 0.0058);
    tick('coinbase', 'ETH/USD', 3_511.02, 2_100, -0.0219, -0.0029, 0.93);
    tick('kraken', 'BTC/USD', 67_120.1, 3 * MIN + 15_000, 0.0488, 0.0012);
    tick('kraken', 'XRP/USD', 0.52113, 3 * MIN + 40_000, -0.0045, 0.0008);
  }
  sources.silences$.next({ type: 'silent', exchange: 'coinbase', symbol: 'MATIC/USD', silentSinceTs: now - 312 * MIN, ts: now - 302 * MIN });

  const price = (agoMin: number, exchange: string, symbol: string, rule: 'pct_24h' | 'pct_short', change: number, price: number, level = 1): Alert => ({
    kind: 'price', ts: now - agoMin * MIN, exchange, symbol, rule, direction: change > 0 ? 'up' : 'down', change, price,
    reference: price / (1 + change), windowMs: rule === 'pct_24h' ? 86_400_000 : 3_600_000, level, coverage: 1,
  });
  sources.alerts$.next(price(96, 'binance', 'SOL/USDT', 'pct_short', 0.0213, 170.05));
  sources.alerts$.next(price(41, 'binance', 'BTC/USDT', 'pct_24h', 0.0502, 67_220.0));
  sources.alerts$.next(price(40, 'coinbase', 'BTC/USD', 'pct_24h', 0.0507, 67_240.3));
  sources.alerts$.next(price(22, 'binance', 'ETH/USDT', 'pct_short', -0.0204, 3_498.1));
  sources.alerts$.next({
    kind: 'feed', ts: now - 1 * MIN - 12_000, exchange: 'kraken', rule: 'feed_down', downSince: now - 3 * MIN - 12_000,
    blindMs: 2 * MIN, reason: 'backoff: connect ETIMEDOUT',
  });

  await page.locator('#alerts li').nth(4).waitFor();
  await new Promise((done) => setTimeout(done, 1800)); // let the "new alert" highlight fade
  mkdirSync(dirname(out), { recursive: true });
  await page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.close();
}
