import { join } from 'node:path';
import { expect } from 'chai';
import { FakeBinanceServer } from './helpers/fake-binance-server.js';
import { waitUntil } from './helpers/fake-exchange-server.js';
import { startRecordingHttpServer, type RecordingHttpServer } from './helpers/recording-http-server.js';
import { finished, startCli } from './helpers/run-cli.js';
import { tempDir, type TempDir } from './helpers/temp-dir.js';

describe('cli: an alert reaches the webhook, Telegram and Alertmanager channels (end to end over loopback)', function () {
  this.timeout(30000);
  let dir: TempDir;
  let hook: RecordingHttpServer;
  let telegram: RecordingHttpServer;
  let alertmanager: RecordingHttpServer;
  let binance: FakeBinanceServer;
  beforeEach(async () => {
    dir = tempDir();
    hook = await startRecordingHttpServer();
    telegram = await startRecordingHttpServer();
    alertmanager = await startRecordingHttpServer();
    binance = await FakeBinanceServer.start();
  });
  afterEach(async () => {
    await binance.close();
    await hook.close();
    await telegram.close();
    await alertmanager.close();
    dir.remove();
  });

  it('delivers a planted move to a webhook, Telegram (429 with retry_after first) and Alertmanager; no secret in the output', async () => {
    telegram.script({
      status: 429,
      body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } },
    });
    telegram.answerWith({ status: 200, body: { ok: true, result: { message_id: 7 } } });
    const file = dir.write(
      'c.yaml',
      `exchanges:
  binance:
    symbols: [BTC/USDT]
    url: ${binance.url}
alerts:
  webhooks:
    - url: ${hook.url}/hook/\${HOOK_SECRET}
      format: json
      group_wait_ms: 200
      headers: { Authorization: "Bearer \${HOOK_TOKEN}" }
  telegram:
    bot_token: \${TG_TOKEN}
    chat_ids: [4242]
    api_url: ${telegram.url}
    group_wait_ms: 200
  alertmanager:
    urls: [${alertmanager.url}]
    external_labels: { replica: a }
state_dir: ${join(dir.path, 'state')}
`,
    );
    const env = { HOOK_SECRET: 'PATHSECRET', HOOK_TOKEN: 'HEADERSECRET', TG_TOKEN: '777:TOKENSECRET' };
    const child = startCli(['--config', file], env);
    const done = finished(child);
    try {
      await waitUntil(() => binance.openConnections === 1, 'connected', 10000);
      const ts = Date.now();
      binance.pushTicker('BTC/USDT', 100, { ts, open24h: 100 });
      binance.pushTicker('BTC/USDT', 106, { ts: ts + 1000, open24h: 100 });
      await hook.waitForRequests(1, 15000);
      await telegram.waitForRequests(2, 15000);
      await alertmanager.waitForRequests(1, 15000);
    } finally {
      child.kill('SIGTERM');
    }
    const run = await done;
    expect(run.code, run.stdout + run.stderr).to.equal(0);

    const [webhook] = hook.requests;
    expect(webhook!.path).to.equal('/hook/PATHSECRET');
    expect(webhook!.headers.authorization).to.equal('Bearer HEADERSECRET');
    const body = JSON.parse(webhook!.body);
    expect(body.alerts.map((a: { symbol: string; rule: string }) => `${a.symbol} ${a.rule}`)).to.include('BTC/USDT pct_24h');
    expect(body.batch_id).to.equal(webhook!.headers['idempotency-key']);

    const [refused, accepted] = telegram.requests;
    expect(refused!.path).to.equal('/bot777:TOKENSECRET/sendMessage');
    expect(accepted!.body).to.equal(refused!.body);
    expect(accepted!.headers['idempotency-key']).to.equal(refused!.headers['idempotency-key']);
    expect(JSON.parse(accepted!.body).chat_id).to.equal(4242);
    expect(JSON.parse(accepted!.body).text).to.include('BTC/USDT +6.00% in 24h on binance');

    const output = run.stdout + run.stderr;
    expect(output).to.match(/telegram 4242 \(127\.0\.0\.1:\d+\): batch \w+: attempt 1 failed: HTTP 429 from http:\/\/127\.0\.0\.1:\d+: Too Many Requests: retry after 1; retry in/);
    expect(output).to.match(/telegram 4242 \(127\.0\.0\.1:\d+\): delivered batch \w+ \(2 alerts, attempt 2\)/);

    const posted = alertmanager.requests.flatMap((r) => {
      expect(r.path).to.equal('/api/v2/alerts');
      return JSON.parse(r.body) as { labels: Record<string, string>; startsAt: string }[];
    });
    expect(posted.map((a) => `${a.labels.alertname} ${a.labels.symbol} ${a.labels.rule}`)).to.include.members([
      'CryptoPriceMove BTC/USDT pct_24h',
      'CryptoPriceMove BTC/USDT pct_short',
    ]);
    expect(posted.every((a) => a.labels.replica === 'a')).to.equal(true);
    expect(output).not.to.match(/PATHSECRET|HEADERSECRET|TOKENSECRET/);
  });
});
