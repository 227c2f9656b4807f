import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { firstValueFrom } from 'rxjs';
import type { PriceAlert } from '../../src/domain/alert.js';
import { openSilenceStore } from '../../src/delivery/silence-store.js';
import { parseSilenceRequest } from '../../src/ops/parse-silence-request.js';
import { type OpsServer, startOpsServer } from '../../src/ops/start-ops-server.js';
import { parsePrometheusText } from './prometheus-text.js';
import { makeSources } from './ops-sources-fixture.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';

const NOW = Date.UTC(2026, 11, 1, 5, 0, 0);

describe('parseSilenceRequest', () => {
  it('accepts match with for_ms or until, canonicalizes the symbol, trims the comment', () => {
    expect(parseSilenceRequest({ match: { symbol: 'doge-usdt' }, for_ms: 60_000, comment: ' why ' }, NOW)).to.deep.equal({
      match: { symbol: 'DOGE/USDT' }, until: NOW + 60_000, comment: 'why',
    });
    expect(parseSilenceRequest({ match: { exchange: 'kraken', rule: 'feed_down' }, until: '2026-12-02T00:00:00+01:00' }, NOW)).to.deep.equal({
      match: { exchange: 'kraken', rule: 'feed_down' }, until: Date.UTC(2026, 11, 1, 23),
    });
    expect(parseSilenceRequest({ match: { rule: 'pct_short' } }, NOW)).to.deep.equal({ match: { rule: 'pct_short' } });
  });

  it('answers each mistake with one line', () => {
    const cases: [unknown, string][] = [
      [[], 'expected a JSON object {"match": {...}, "until" or "for_ms", "comment"}'],
      [{ match: { symbol: 'BTC/USDT' }, for: 1 }, 'unknown key for (known: match, until, for_ms, comment)'],
      [{}, 'match: expected an object with any of exchange, symbol, rule'],
      [{ match: {} }, 'match: expected at least one of exchange, symbol, rule'],
      [{ match: { coin: 'BTC' } }, 'match.coin: unknown key (known: exchange, symbol, rule)'],
      [{ match: { exchange: 'nasdaq' } }, 'match.exchange: expected one of binance, coinbase, kraken, okx, bybit, bitstamp'],
      [{ match: { rule: 'pct_1h' } }, 'match.rule: expected one of pct_24h, pct_short, level_above, level_below, divergence, feed_down, feed_recovered'],
      [{ match: { symbol: 'BTC/USDT' }, until: '2026-12-31', for_ms: 5 }, 'give either until or for_ms, not both'],
      [{ match: { symbol: 'BTC/USDT' }, until: 'tomorrow' }, 'until: expected a time with its zone, e.g. 2026-12-31T00:00:00Z'],
      [{ match: { symbol: 'BTC/USDT' }, until: '2020-01-01T00:00:00Z' }, 'until: 2020-01-01T00:00:00Z has passed already'],
      [{ match: { symbol: 'BTC/USDT' }, for_ms: 1.5 }, 'for_ms: expected a whole number of milliseconds > 0'],
      [{ match: { symbol: 'BTC/USDT' }, comment: 5 }, 'comment: expected a string of at most 500 characters'],
    ];
    for (const [body, message] of cases) expect(parseSilenceRequest(body, NOW), JSON.stringify(body)).to.equal(message);
    expect(parseSilenceRequest({ match: { symbol: 'BTC' } }, NOW)).to.match(/^match\.symbol: /);
  });
});

describe('openSilenceStore', () => {
  let dir: TempDir;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.remove());

  it('keeps runtime silences in state_dir (0600), finds them again, drops ended ones, lists configured ones first', async () => {
    let now = NOW;
    let n = 0;
    const options = { now: () => now, newId: () => `id${++n}`, configured: [{ id: 'config-1', match: { rule: 'pct_short' }, source: 'config' as const }] };
    const store = openSilenceStore(dir.path, options);
    const a = store.add({ match: { symbol: 'BTC/USDT' }, until: NOW + 1000 });
    const b = store.add({ match: { exchange: 'kraken' }, comment: 'forever' });
    expect(a).to.deep.equal({ id: 'id1', match: { symbol: 'BTC/USDT' }, until: NOW + 1000, source: 'api', createdAt: NOW });
    expect((statSync(store.path).mode & 0o777).toString(8)).to.equal('600');
    expect((await firstValueFrom(store.silences$)).map((s) => s.id)).to.deep.equal(['config-1', 'id1', 'id2']);

    now = NOW + 1000;
    const again = openSilenceStore(dir.path, options);
    expect(again.list().map((s) => s.id)).to.deep.equal(['config-1', 'id2']);
    expect(again.remove('config-1')).to.equal(false);
    expect(again.remove(b.id)).to.equal(true);
    expect(JSON.parse(readFileSync(store.path, 'utf8')).silences).to.deep.equal([]);
  });

  it('starts without runtime silences when the file is not ours, with one ERROR', () => {
    const lines: string[] = [];
    writeFileSync(join(dir.path, 'silences.json'), 'not json');
    chmodSync(join(dir.path, 'silences.json'), 0o600);
    const logger = { info: () => undefined, warn: () => undefined, debug: () => undefined, error: (m: string) => lines.push(m), child: () => logger } as never;
    const store = openSilenceStore(dir.path, { logger });
    expect(store.list()).to.deep.equal([]);
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/cannot read the runtime silences in .*silences\.json: .*; starting without them/);
  });
});

describe('HTTP /api/silences', () => {
  let dir: TempDir;
  let server: OpsServer;
  let sources: ReturnType<typeof makeSources>;
  beforeEach(async () => {
    dir = tempDir();
    sources = makeSources();
    const store = openSilenceStore(dir.path, { now: () => NOW, newId: () => 'abc123' });
    server = await startOpsServer('127.0.0.1:0', sources, { now: () => NOW, silences: store });
  });
  afterEach(async () => {
    await server.close();
    dir.remove();
  });

  const post = (body: string, type = 'application/json') =>
    fetch(`${server.url}/api/silences`, { method: 'POST', headers: { 'content-type': type }, body });

  it('creates (201, with its id), lists, shows on the status page, deletes', async () => {
    const created = await post(JSON.stringify({ match: { symbol: 'DOGE/USDT' }, for_ms: 3_600_000, comment: 'listing <day>' }));
    expect(created.status).to.equal(201);
    expect(await created.json()).to.deep.equal({ id: 'abc123', match: { symbol: 'DOGE/USDT' }, until: NOW + 3_600_000, comment: 'listing <day>', source: 'api', createdAt: NOW });
    expect(await (await fetch(`${server.url}/api/silences`)).json()).to.deep.equal({
      silences: [{ id: 'abc123', match: { symbol: 'DOGE/USDT' }, until: NOW + 3_600_000, comment: 'listing <day>', source: 'api', createdAt: NOW }],
    });
    const page = await (await fetch(`${server.url}/`)).text();
    expect(page).to.include('<h2>Silences</h2>');
    expect(page).to.include('<b>abc123</b> (API, 2026-12-01T05:00:00.000Z): symbol=DOGE/USDT until 2026-12-01T06:00:00.000Z: listing &#60;day&#62;');
    expect((await fetch(`${server.url}/api/silences/abc123`, { method: 'DELETE' })).status).to.equal(200);
    expect((await fetch(`${server.url}/api/silences/abc123`, { method: 'DELETE' })).status).to.equal(404);
    expect(await (await fetch(`${server.url}/`)).text()).to.include('No silence in force.');
  });

  it('answers bad input with a 400 and one line, other methods with 405, non-JSON types with 415, big bodies with 413', async () => {
    const bad = await post(JSON.stringify({ match: {} }));
    expect(bad.status).to.equal(400);
    expect(await bad.json()).to.deep.equal({ error: 'match: expected at least one of exchange, symbol, rule' });
    expect((await post('{')).status).to.equal(400);
    expect((await post('{}', 'text/plain')).status).to.equal(415);
    expect((await post(JSON.stringify({ match: { symbol: 'BTC/USDT' }, comment: 'x'.repeat(20_000) }))).status).to.equal(413);
    expect((await fetch(`${server.url}/api/silences`, { method: 'PUT' })).status).to.equal(405);
    expect((await fetch(`${server.url}/api/silences/x`)).status).to.equal(405);
  });

  it('counts a silenced alert in alerts_total and alerts_silenced_total', async () => {
    const alert: PriceAlert = {
      kind: 'price', ts: NOW, exchange: 'binance', symbol: 'BTC/USDT', rule: 'pct_24h', direction: 'up', change: 0.06, price: 106, reference: 100, windowMs: 86_400_000, level: 1, coverage: 1,
    };
    sources.alerts$.next({ ...alert, silencedBy: 'abc123' });
    sources.alerts$.next(alert);
    const metrics = parsePrometheusText(await (await fetch(`${server.url}/metrics`)).text());
    expect(metrics.value('crypto_supervisor_alerts_total', { exchange: 'binance', rule: 'pct_24h', direction: 'up' })).to.equal(2);
    expect(metrics.value('crypto_supervisor_alerts_silenced_total', { exchange: 'binance', rule: 'pct_24h' })).to.equal(1);
  });
});
