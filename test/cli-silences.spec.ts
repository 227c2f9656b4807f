import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { FakeBinanceServer } from './helpers/fake-binance-server.js';
import { waitUntil } from './helpers/fake-exchange-server.js';
import { startRecordingHttpServer, type RecordingHttpServer } from './helpers/recording-http-server.js';
import { finished, startCli, waitForOutput } from './helpers/run-cli.js';
import { startSmtpTestServer, type SmtpTestServer } from './helpers/smtp-test-server.js';
import { tempDir, type TempDir } from './helpers/temp-dir.js';

interface JournalLine {
  readonly kind: string;
  readonly symbol?: string;
  readonly rule: string;
  readonly level?: number;
  readonly silencedBy?: string;
}

describe('cli: a silence created over HTTP holds alerts back and survives a restart', function () {
  this.timeout(60000);
  let dir: TempDir;
  let smtp: SmtpTestServer;
  let hook: RecordingHttpServer;
  let binance: FakeBinanceServer;
  beforeEach(async () => {
    dir = tempDir();
    smtp = await startSmtpTestServer();
    hook = await startRecordingHttpServer();
    binance = await FakeBinanceServer.start();
  });
  afterEach(async () => {
    await binance.close();
    await hook.close();
    await smtp.close();
    dir.remove();
  });

  const journal = () =>
    readFileSync(join(dir.path, 'state', 'alerts.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as JournalLine)
      .filter((entry) => entry.kind === 'price')
      .map((entry) => `${entry.symbol} L${entry.level}${entry.silencedBy ? ` silenced by ${entry.silencedBy}` : ''}`);

  /** Everything the webhook and the SMTP server received, as text. */
  const delivered = () => [...hook.requests.map((r) => r.body), ...smtp.received.map((email) => email.subject)].join('\n');

  async function start(file: string) {
    const child = startCli(['--config', file]);
    const done = finished(child);
    const line = await waitForOutput(child, /status page on http:\/\/\S+\//);
    const base = /status page on (http:\/\/127\.0\.0\.1:\d+)\//.exec(line)![1]!;
    await waitUntil(() => binance.openConnections === 1, 'connected', 15000);
    return { child, done, base };
  }

  it('journals the held alert with silencedBy, delivers it to neither channel, and keeps the silence across a restart', async () => {
    const file = dir.write('c.yaml', `exchanges:
  binance:
    symbols: [BTC/USDT, ETH/USDT, SOL/USDT]
    url: ${binance.url}
alerts:
  thresholds:
    pct_short: 0.5
  email:
    smtp_host: 127.0.0.1
    smtp_port: ${smtp.port}
    from_addr: alerts@example.com
    to_addrs: [ops@example.com]
    group_wait_ms: 50
  webhooks:
    - url: ${hook.url}/hook
      group_wait_ms: 50
http:
  listen: 127.0.0.1:0
state_dir: ${join(dir.path, 'state')}
`);
    const ts = Date.now();
    const first = await start(file);
    const bad = await fetch(`${first.base}/api/silences`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ match: { symbol: 'BTC/USDT' }, for_ms: -1 }) });
    expect(bad.status).to.equal(400);
    expect(await bad.json()).to.deep.equal({ error: 'for_ms: expected a whole number of milliseconds > 0' });
    const created = await fetch(`${first.base}/api/silences`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ match: { symbol: 'btc/usdt' }, for_ms: 3_600_000, comment: 'maintenance' }),
    });
    expect(created.status).to.equal(201);
    const silence = (await created.json()) as { id: string; match: unknown; until: number; comment: string; source: string };
    expect(silence).to.include({ comment: 'maintenance', source: 'api' });
    expect(silence.match).to.deep.equal({ symbol: 'BTC/USDT' });

    // BTC moves first (held back), then ETH (delivered): once ETH is delivered, BTC had its chance.
    const held = waitForOutput(first.child, new RegExp(`BTC/USDT \\+6\\.00% in 24h on binance.*; silenced by ${silence.id}, not delivered`));
    binance.pushTicker('BTC/USDT', 106, { ts, open24h: 100 });
    await held;
    binance.pushTicker('ETH/USDT', 106, { ts, open24h: 100 });
    await hook.waitForRequests(1, 15000);
    await smtp.waitForMessages(1, 15000);
    const page = await (await fetch(`${first.base}/`)).text();
    expect(page).to.include(`data-silence="${silence.id}"`).and.include('symbol=BTC/USDT until').and.include('maintenance');
    first.child.kill('SIGTERM');
    const firstRun = await first.done;
    expect(firstRun.code, firstRun.stdout + firstRun.stderr).to.equal(0);
    await waitUntil(() => binance.openConnections === 0, 'disconnected', 10000);

    const second = await start(file);
    const listed = (await (await fetch(`${second.base}/api/silences`)).json()) as { silences: { id: string }[] };
    expect(listed.silences.map((s) => s.id)).to.deep.equal([silence.id]);
    // BTC escalates (level 2, held back again); SOL moves (delivered).
    const heldAgain = waitForOutput(second.child, new RegExp(`BTC/USDT \\+11\\.00% in 24h on binance.*; silenced by ${silence.id}`));
    binance.pushTicker('BTC/USDT', 111, { ts: ts + 60_000, open24h: 100 });
    await heldAgain;
    binance.pushTicker('SOL/USDT', 106, { ts: ts + 60_000, open24h: 100 });
    await hook.waitForRequests(2, 15000);
    await smtp.waitForMessages(2, 15000);

    // Removed: the next BTC escalation is delivered.
    const removed = await fetch(`${second.base}/api/silences/${silence.id}`, { method: 'DELETE' });
    expect(removed.status).to.equal(200);
    expect((await fetch(`${second.base}/api/silences/${silence.id}`, { method: 'DELETE' })).status).to.equal(404);
    binance.pushTicker('BTC/USDT', 116, { ts: ts + 120_000, open24h: 100 });
    await hook.waitForRequests(3, 15000);
    second.child.kill('SIGTERM');
    const secondRun = await second.done;
    expect(secondRun.code, secondRun.stdout + secondRun.stderr).to.equal(0);

    expect(journal()).to.deep.equal([
      `BTC/USDT L1 silenced by ${silence.id}`,
      'ETH/USDT L1',
      `BTC/USDT L2 silenced by ${silence.id}`,
      'SOL/USDT L1',
      'BTC/USDT L3',
    ]);
    const sent = delivered();
    expect(sent).to.include('ETH/USDT').and.include('SOL/USDT');
    expect(sent).not.to.match(/BTC\/USDT \+(6|11)\.00%/);
    expect(hook.requests.map((r) => JSON.parse(r.body).alerts.map((a: { symbol: string; level: number }) => `${a.symbol} L${a.level}`)).flat())
      .to.deep.equal(['ETH/USDT L1', 'SOL/USDT L1', 'BTC/USDT L3']);
    expect(secondRun.stdout).to.match(/\[INFO\] supervisor\.silences: 1 runtime silence\(s\) restored from /);
  });
});
