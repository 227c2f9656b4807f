import { expect } from 'chai';
import { Subject } from 'rxjs';
import type { DeliveryBatch } from '../../../src/delivery/channel.js';
import { alertmanagerChannel } from '../../../src/delivery/channels/alertmanager-channel.js';
import type { AlertmanagerConfig } from '../../../src/domain/config-types.js';
import { createLogger } from '../../../src/log.js';
import { attempt } from './attempt.js';
import { startRecordingHttpServer, type RecordingHttpServer } from '../../helpers/recording-http-server.js';
import { T0, batchOf, btcApart, btcConverged, btcRearmed, btcUp, krakenDown, krakenRecovered } from './channel-fixtures.js';

interface Posted {
  labels: Record<string, string>;
  annotations: { summary: string; description: string };
  startsAt: string;
  endsAt: string;
}

const iso = (ms: number) => new Date(ms).toISOString();
const NOW = T0 + 5000;

const postedIn = (server: RecordingHttpServer, i: number) => JSON.parse(server.requests[i]!.body) as Posted[];

describe('alertmanagerChannel', () => {
  let peerA: RecordingHttpServer;
  let peerB: RecordingHttpServer;
  let lines: string[];
  beforeEach(async () => {
    peerA = await startRecordingHttpServer();
    peerB = await startRecordingHttpServer();
    lines = [];
  });
  afterEach(async () => {
    await peerA.close();
    await peerB.close();
  });

  const channelFor = (config: Partial<AlertmanagerConfig> = {}, resendEveryMs = 60_000) =>
    alertmanagerChannel(
      { urls: [peerA.url, peerB.url], resend_every_ms: resendEveryMs, ...config },
      { now: () => NOW, logger: createLogger('am', { write: (line) => lines.push(line) }), timeoutMs: 2000 },
    );

  it('posts a price alert to /api/v2/alerts of every peer: stable labels, startsAt = the alert ts, endsAt = now + 4 resends', async () => {
    const channel = channelFor({ urls: [`${peerA.url}/prefix/`, peerB.url] });
    expect([channel.id, channel.label]).to.deep.equal(['alertmanager', `alertmanager (${new URL(peerA.url).host}, ${new URL(peerB.url).host})`]);
    expect(await attempt(channel, batchOf([btcUp], { id: 'alertmanager-0' }))).to.equal('delivered');
    expect(peerA.requests[0]!.path).to.equal('/prefix/api/v2/alerts');
    expect(peerB.requests[0]!.path).to.equal('/api/v2/alerts');
    expect(peerA.requests[0]!.body).to.equal(peerB.requests[0]!.body);
    expect(peerA.requests[0]!.headers['idempotency-key']).to.equal('alertmanager-0');
    const [alert] = postedIn(peerA, 0);
    expect(alert!.labels).to.deep.equal({
      alertname: 'CryptoPriceMove', exchange: 'binance', symbol: 'BTC/USDT', rule: 'pct_24h', direction: 'up', level: '1',
    });
    expect(alert!.startsAt).to.equal(iso(T0));
    expect(alert!.endsAt).to.equal(iso(NOW + 4 * 60_000));
    expect(alert!.annotations.summary).to.equal('BTC/USDT +5.23% in 24h on binance, threshold 5%');
  });

  it('takes alerts and re-arms', () => {
    const channel = channelFor();
    expect(channel.accepts!({ offset: 0, entry: btcRearmed })).to.equal(true);
    expect(channel.accepts!({ offset: 0, entry: btcUp })).to.equal(true);
  });

  it('resolves a move when it re-arms: the same labels, endsAt = the re-arm time, every firing level', async () => {
    const channel = channelFor();
    const delivered$ = new Subject<DeliveryBatch>();
    const background = channel.background!(delivered$).subscribe();
    const level2 = { ...btcUp, ts: T0 + 60_000, level: 2, change: 0.1 };
    for (const batch of [batchOf([btcUp]), batchOf([level2])]) {
      expect(await attempt(channel, batch)).to.equal('delivered');
      delivered$.next(batch);
    }
    const rearm = batchOf([{ ...btcRearmed, level: 2 }]);
    expect(await attempt(channel, rearm)).to.equal('delivered');
    delivered$.next(rearm);
    const resolved = postedIn(peerA, 2);
    expect(resolved.map((a) => [a.labels.level, a.startsAt, a.endsAt])).to.deep.equal([
      ['1', iso(T0), iso(btcRearmed.ts)],
      ['2', iso(T0 + 60_000), iso(btcRearmed.ts)],
    ]);
    expect(resolved[0]!.labels).to.deep.equal(postedIn(peerA, 0)[0]!.labels);
    delivered$.complete();
    background.unsubscribe();
  });

  it('after a restart (nothing known firing), a re-arm resolves every level up to its own', async () => {
    const channel = channelFor();
    await attempt(channel, batchOf([{ ...btcRearmed, level: 2 }]));
    expect(postedIn(peerA, 0).map((a) => [a.labels.level, a.endsAt])).to.deep.equal([
      ['1', iso(btcRearmed.ts)],
      ['2', iso(btcRearmed.ts)],
    ]);
  });

  it('an alert and its re-arm in one batch: one resolved alert', async () => {
    const channel = channelFor();
    await attempt(channel, batchOf([btcUp, btcRearmed]));
    const posted = postedIn(peerA, 0);
    expect(posted).to.have.length(1);
    expect([posted[0]!.startsAt, posted[0]!.endsAt]).to.deep.equal([iso(T0), iso(btcRearmed.ts)]);
  });

  it('a divergence fires CryptoPriceDivergence with both sides as labels while it holds; its re-arm resolves it', async () => {
    const channel = channelFor();
    const delivered$ = new Subject<DeliveryBatch>();
    const background = channel.background!(delivered$).subscribe();
    const fired = batchOf([btcApart]);
    expect(await attempt(channel, fired)).to.equal('delivered');
    delivered$.next(fired);
    const [firing] = postedIn(peerA, 0);
    expect(firing!.labels).to.deep.equal({
      alertname: 'CryptoPriceDivergence', group: 'BTC/USDT', rule: 'divergence',
      exchange_high: 'coinbase', symbol_high: 'BTC/USDT', exchange_low: 'binance', symbol_low: 'BTC/USDT',
    });
    expect([firing!.startsAt, firing!.endsAt]).to.deep.equal([iso(btcApart.ts), iso(NOW + 4 * 60_000)]);
    expect(firing!.annotations.description).to.match(/BTC\/USDT on coinbase at 36441\.6 .* is 1\.20% above BTC\/USDT on binance at 36009\.5 .*since 2023-11-14T22:13:20\.000Z/);
    const ended = batchOf([btcConverged]);
    expect(await attempt(channel, ended)).to.equal('delivered');
    delivered$.next(ended);
    const [resolved] = postedIn(peerA, 1);
    expect(resolved!.labels).to.deep.equal(firing!.labels);
    expect([resolved!.startsAt, resolved!.endsAt]).to.deep.equal([iso(btcApart.ts), iso(btcConverged.ts)]);
    delivered$.complete();
    background.unsubscribe();
  });

  it('after a restart (nothing known firing), a divergence re-arm resolves the episode by the sides it names', async () => {
    const channel = channelFor();
    await attempt(channel, batchOf([{ ...btcConverged, reason: 'stale', spread: undefined }]));
    const [resolved] = postedIn(peerA, 0);
    expect(resolved!.labels).to.include({ alertname: 'CryptoPriceDivergence', group: 'BTC/USDT', exchange_high: 'coinbase', exchange_low: 'binance' });
    expect(resolved!.endsAt).to.equal(iso(btcConverged.ts));
  });

  it('restore fires again a divergence still in force before the restart', async () => {
    const channel = channelFor({ urls: [peerA.url] });
    channel.restore!([btcApart, btcUp, { ...btcApart, group: 'ETH/USDT' }, { ...btcConverged, group: 'ETH/USDT' }]);
    const delivered$ = new Subject<DeliveryBatch>();
    const background = channel.background!(delivered$).subscribe();
    await peerA.waitForRequests(1);
    expect(postedIn(peerA, 0).map((a) => [a.labels.alertname, a.labels.group, a.startsAt])).to.deep.equal([
      ['CryptoPriceDivergence', 'BTC/USDT', iso(btcApart.ts)],
      ['CryptoPriceMove', undefined, iso(btcUp.ts)],
    ]);
    delivered$.complete();
    background.unsubscribe();
  });

  it('feed_down fires CryptoFeedDown until feed_recovered resolves it', async () => {
    const channel = channelFor();
    const delivered$ = new Subject<DeliveryBatch>();
    const background = channel.background!(delivered$).subscribe();
    const down = batchOf([krakenDown]);
    await attempt(channel, down);
    delivered$.next(down);
    await attempt(channel, batchOf([krakenRecovered]));
    const [firing] = postedIn(peerA, 0);
    const [resolved] = postedIn(peerA, 1);
    expect(firing!.labels).to.deep.equal({ alertname: 'CryptoFeedDown', exchange: 'kraken' });
    expect([firing!.startsAt, firing!.endsAt]).to.deep.equal([iso(krakenDown.ts), iso(NOW + 240_000)]);
    expect(resolved!.labels).to.deep.equal(firing!.labels);
    expect([resolved!.startsAt, resolved!.endsAt]).to.deep.equal([iso(krakenDown.ts), iso(krakenRecovered.ts)]);
    background.unsubscribe();
  });

  it('adds external_labels to every alert', async () => {
    const channel = channelFor({ external_labels: { replica: 'a', cluster: 'eu' } });
    await attempt(channel, batchOf([btcUp, krakenDown]));
    expect(postedIn(peerA, 0).map((a) => a.labels)).to.deep.equal([
      { replica: 'a', cluster: 'eu', alertname: 'CryptoPriceMove', exchange: 'binance', symbol: 'BTC/USDT', rule: 'pct_24h', direction: 'up', level: '1' },
      { replica: 'a', cluster: 'eu', alertname: 'CryptoFeedDown', exchange: 'kraken' },
    ]);
  });

  it('is delivered when one peer accepted; the failing peer is one WARN, its return one INFO, no secret', async () => {
    const channel = alertmanagerChannel(
      { urls: [peerA.url.replace('http://', 'http://amuser:AMPASS@') + '/SECRETPREFIX', peerB.url], resend_every_ms: 60_000 },
      { logger: createLogger('am', { write: (line) => lines.push(line) }) },
    );
    peerA.script({ status: 500, body: 'AMPASS SECRETPREFIX' }, { status: 500 });
    expect(await attempt(channel, batchOf([btcUp]))).to.equal('delivered');
    expect(await attempt(channel, batchOf([krakenDown]))).to.equal('delivered');
    expect(await attempt(channel, batchOf([btcRearmed]))).to.equal('delivered');
    const host = new URL(peerA.url).host;
    expect(lines.map((l) => l.replace(/^\S+ \S+ /, ''))).to.deep.equal([
      `[WARN] am: alertmanager peer ${host} did not take the alerts (HTTP 500 from http://${host}: … …); another peer did`,
      `[INFO] am: alertmanager peer ${host} takes alerts again`,
    ]);
    expect(lines.join('\n')).not.to.match(/AMPASS|amuser|SECRETPREFIX/);
  });

  it('fails only when every peer failed: temporary while one may recover, permanent when all refused for good', async () => {
    const channel = channelFor();
    peerA.script({ status: 400, body: 'bad alert' }, { status: 400, body: 'bad alert' });
    peerB.script({ status: 503, headers: { 'retry-after': '9' } }, { status: 422, body: 'invalid' });
    expect(await attempt(channel, batchOf([btcUp]))).to.deep.equal({
      permanent: false,
      reason: `no Alertmanager peer took the alerts: ${new URL(peerA.url).host}: HTTP 400 from ${peerA.url}: bad alert; ${new URL(peerB.url).host}: HTTP 503 from ${peerB.url}: OK`,
      retryAfterMs: 9000,
    });
    expect(await attempt(channel, batchOf([btcUp]))).to.include({ permanent: true });
  });

  it('background re-sends firing alerts every resend_every_ms until they resolve, then completes with the deliveries', async () => {
    const channel = channelFor({ urls: [peerA.url] }, 40);
    const delivered$ = new Subject<DeliveryBatch>();
    let completed = false;
    channel.background!(delivered$).subscribe({ complete: () => (completed = true) });
    const fire = batchOf([btcUp, krakenDown]);
    await attempt(channel, fire);
    delivered$.next(fire);
    await peerA.waitForRequests(3);
    const resent = postedIn(peerA, 1);
    expect(resent.map((a) => a.labels.alertname)).to.deep.equal(['CryptoPriceMove', 'CryptoFeedDown']);
    expect(resent.map((a) => a.startsAt)).to.deep.equal([iso(T0), iso(krakenDown.ts)]);
    expect(peerA.requests[1]!.headers['idempotency-key']).to.match(/^alertmanager-resend-/);
    const rearm = batchOf([btcRearmed]);
    await attempt(channel, rearm);
    delivered$.next(rearm);
    const after = peerA.requests.length;
    await peerA.waitForRequests(after + 2);
    const later = postedIn(peerA, after + 1);
    expect(later.map((a) => a.labels.alertname)).to.deep.equal(['CryptoFeedDown']);
    delivered$.complete();
    expect(completed).to.equal(true);
  });

  it('stops re-sending a move as soon as its resolution was sent, before the delivery path confirms it', async () => {
    const channel = channelFor({ urls: [peerA.url] }, 30);
    const delivered$ = new Subject<DeliveryBatch>();
    const background = channel.background!(delivered$).subscribe();
    const fire = batchOf([btcUp, krakenDown]);
    await attempt(channel, fire);
    delivered$.next(fire);
    expect(await attempt(channel, batchOf([btcRearmed]))).to.equal('delivered');
    const sent = peerA.requests.length;
    await peerA.waitForRequests(sent + 1);
    expect(postedIn(peerA, sent).map((a) => a.labels.alertname)).to.deep.equal(['CryptoFeedDown']);
    background.unsubscribe();
  });

  it('a test alert is marked, and never re-sent', async () => {
    const channel = channelFor({ urls: [peerA.url] }, 30);
    const delivered$ = new Subject<DeliveryBatch>();
    const background = channel.background!(delivered$).subscribe();
    const test = batchOf([btcUp], { test: true });
    await attempt(channel, test);
    delivered$.next(test);
    const fire = batchOf([krakenDown]);
    await attempt(channel, fire);
    delivered$.next(fire);
    await peerA.waitForRequests(4);
    expect(postedIn(peerA, 0)[0]!.labels.test).to.equal('true');
    for (let i = 2; i < 4; i++) expect(postedIn(peerA, i).map((a) => a.labels.alertname)).to.deep.equal(['CryptoFeedDown']);
    background.unsubscribe();
  });

  it('restore (at start) fires again what still held before a restart: original startsAt, re-sent at once, then every period', async () => {
    const channel = channelFor({ urls: [peerA.url] }, 60_000);
    const level2 = { ...btcUp, ts: T0 + 60_000, level: 2, change: 0.1 };
    const ethUp = { ...btcUp, symbol: 'ETH/USDT' };
    channel.restore!([krakenDown, btcUp, level2, ethUp, { ...btcRearmed, symbol: 'ETH/USDT' }]);
    const delivered$ = new Subject<DeliveryBatch>();
    const background = channel.background!(delivered$).subscribe();
    await peerA.waitForRequests(1);
    expect(peerA.requests[0]!.headers['idempotency-key']).to.match(/^alertmanager-resend-/);
    expect(postedIn(peerA, 0).map((a) => [a.labels.alertname, a.labels.symbol, a.labels.level, a.startsAt, a.endsAt])).to.deep.equal([
      ['CryptoFeedDown', undefined, undefined, iso(krakenDown.ts), iso(NOW + 4 * 60_000)],
      ['CryptoPriceMove', 'BTC/USDT', '1', iso(T0), iso(NOW + 4 * 60_000)],
      ['CryptoPriceMove', 'BTC/USDT', '2', iso(T0 + 60_000), iso(NOW + 4 * 60_000)],
    ]);
    expect(lines.some((l) => l.includes('3 alerts that fired before the restart fire again (re-sent now)'))).to.equal(true);
    // The move's re-arm after the restart resolves both restored levels.
    const rearm = batchOf([{ ...btcRearmed, level: 2 }]);
    expect(await attempt(channel, rearm)).to.equal('delivered');
    expect(postedIn(peerA, 1).map((a) => [a.labels.level, a.endsAt])).to.deep.equal([
      ['1', iso(btcRearmed.ts)],
      ['2', iso(btcRearmed.ts)],
    ]);
    background.unsubscribe();
  });

  it('restore with nothing in force fires nothing', async () => {
    const channel = channelFor({ urls: [peerA.url] }, 60_000);
    channel.restore!([krakenDown, krakenRecovered, btcUp, btcRearmed]);
    const delivered$ = new Subject<DeliveryBatch>();
    const background = channel.background!(delivered$).subscribe();
    const fire = batchOf([krakenDown]);
    expect(await attempt(channel, fire)).to.equal('delivered');
    expect(peerA.requests.map((r) => r.headers['idempotency-key'])).to.deep.equal([fire.id]);
    expect(lines).to.deep.equal([]);
    background.unsubscribe();
  });
});
