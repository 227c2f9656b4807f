import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { FakeBinanceServer } from './helpers/fake-binance-server.js';
import { waitUntil } from './helpers/fake-exchange-server.js';
import { startRecordingHttpServer, type RecordingHttpServer } from './helpers/recording-http-server.js';
import { finished, runCli, startCli, waitForOutput } from './helpers/run-cli.js';
import { startSmtpTestServer, type SmtpTestServer } from './helpers/smtp-test-server.js';
import { tempDir, type TempDir } from './helpers/temp-dir.js';

describe('cli: delivery and state_dir', function () {
  this.timeout(30000);
  let dir: TempDir;
  let smtp: SmtpTestServer;
  let hook: RecordingHttpServer;
  beforeEach(async () => {
    dir = tempDir();
    smtp = await startSmtpTestServer();
    hook = await startRecordingHttpServer();
  });
  afterEach(async () => {
    await smtp.close();
    await hook.close();
    dir.remove();
  });

  const config = (exchangeUrl: string, webhooks: string[]) =>
    dir.write('c.yaml', `exchanges:
  binance:
    symbols: [BTC/USDT]
    url: ${exchangeUrl}
alerts:
  email:
    smtp_host: 127.0.0.1
    smtp_port: ${smtp.port}
    from_addr: alerts@example.com
    to_addrs: [ops@example.com]
    group_wait_ms: 50
  webhooks:
${webhooks.map((url) => `    - url: ${url}\n      format: json\n      group_wait_ms: 50\n`).join('')}state_dir: ${join(dir.path, 'state')}
`);

  it('refuses a second instance on the same state_dir: exit 2, one line naming the directory and the other pid', async () => {
    const binance = await FakeBinanceServer.start();
    const first = startCli(['--config', config(binance.url, [hook.url])]);
    const firstDone = finished(first);
    try {
      await waitUntil(() => binance.openConnections === 1, 'the first instance runs', 15000);
      const second = await runCli(['--config', config(binance.url, [hook.url])]);
      expect(second.code).to.equal(2);
      expect(second.stderr).to.equal(
        `crypto-supervisor: state_dir ${join(dir.path, 'state')} is in use by another crypto-supervisor (pid ${first.pid}); one supervisor per state_dir\n`,
      );
    } finally {
      first.kill('SIGTERM');
      await firstDone;
      await binance.close();
    }
    // A stale lock (the holder was killed) is taken over.
    const third = startCli(['--config', config('ws://127.0.0.1:9', [hook.url])]);
    const thirdDone = finished(third);
    await waitForOutput(third, 'starting:');
    const fourth = await runCli(['--config', config('ws://127.0.0.1:9', [hook.url]), '--test-alert']);
    third.kill('SIGKILL');
    await thirdDone;
    expect(fourth.code).to.equal(2);
    const afterKill = await runCli(['--config', config('ws://127.0.0.1:9', [hook.url]), '--test-alert']);
    expect(afterKill.code, afterKill.stdout + afterKill.stderr).to.equal(0);
    expect(afterKill.stdout).to.match(/\[WARN\] supervisor: took over the lock of pid \d+, which is not running/);
  });

  it('--test-alert sends one marked test alert through every channel, one line each; one down: exit 1, the others delivered', async () => {
    const down = await startRecordingHttpServer();
    down.answerWith({ status: 503 });
    try {
      const run = await runCli(['--config', config('ws://127.0.0.1:9', [hook.url, down.url]), '--test-alert']);
      expect(run.code, run.stderr).to.equal(1);
      const lines = run.stdout.split('\n').filter((line) => !/^\d{4}-/.test(line) && line !== '');
      expect(lines).to.have.length(3);
      expect(lines[0]).to.equal('email (127.0.0.1): delivered');
      expect(lines[1]).to.match(/^webhook 1 \(127\.0\.0\.1:\d+\): delivered$/);
      expect(lines[2]).to.match(/^webhook 2 \(127\.0\.0\.1:\d+\): not delivered: HTTP 503/);
      expect(smtp.received).to.have.length(1);
      expect(smtp.received[0]!.subject).to.match(/^\[TEST\] /);
      expect(hook.requests).to.have.length(1);
      expect(hook.requests[0]!.body).to.contain('[TEST]');
      const journal = readFileSync(join(dir.path, 'state', 'alerts.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
      expect(journal).to.have.length(1);
      expect(journal[0]).to.include({ test: true, symbol: 'TEST/USD' });
    } finally {
      await down.close();
    }
    const allUp = await runCli(['--config', config('ws://127.0.0.1:9', [hook.url]), '--test-alert']);
    expect(allUp.code, allUp.stdout).to.equal(0);
  });

  it('after a torn last journal line (a crash mid-write), the next record starts on its own line and parses', async () => {
    const state = join(dir.path, 'state');
    mkdirSync(state, { recursive: true });
    writeFileSync(join(state, 'alerts.jsonl'), '{"kind":"price","ts":1700000000000,"exchange":"binance","sym');
    const run = await runCli(['--config', config('ws://127.0.0.1:9', [hook.url]), '--test-alert']);
    expect(run.code, run.stdout + run.stderr).to.equal(0);
    const lines = readFileSync(join(state, 'alerts.jsonl'), 'utf8').split('\n');
    expect(lines).to.have.length(3);
    expect(lines[0]).to.equal('{"kind":"price","ts":1700000000000,"exchange":"binance","sym');
    expect(JSON.parse(lines[1]!)).to.include({ symbol: 'TEST/USD', test: true });
    expect(lines[2]).to.equal('');
    expect(run.stdout.match(/ends with a torn line/g)).to.have.length(1);
  });

  it('touches nothing outside state_dir through a symlinked outbox/ or delivery/, and says so', async () => {
    const outside = tempDir();
    const binance = await FakeBinanceServer.start();
    try {
      const state = join(dir.path, 'state');
      mkdirSync(state, { recursive: true });
      mkdirSync(join(outside.path, 'failed'));
      writeFileSync(join(outside.path, 'theirs.json'), 'theirs');
      symlinkSync(outside.path, join(state, 'outbox'));
      symlinkSync(outside.path, join(state, 'delivery'));
      const before = readdirSync(outside.path).sort();
      const child = startCli(['--config', config(binance.url, [hook.url])]);
      const done = finished(child);
      await waitUntil(() => binance.openConnections === 1, 'connected', 15000);
      const ts = Date.now();
      binance.pushTicker('BTC/USDT', 100, { ts, open24h: 100 });
      binance.pushTicker('BTC/USDT', 110, { ts: ts + 1000, open24h: 100 });
      await waitUntil(() => smtp.received.length > 0 && hook.requests.length > 0, 'delivered all the same', 15000);
      child.kill('SIGTERM');
      const run = await done;
      expect(run.code, run.stdout + run.stderr).to.equal(0);
      expect(readdirSync(outside.path).sort()).to.deep.equal(before);
      expect(readdirSync(join(outside.path, 'failed'))).to.deep.equal([]);
      expect(readFileSync(join(outside.path, 'theirs.json'), 'utf8')).to.equal('theirs');
      expect(run.stdout).to.match(/\[ERROR\] supervisor\.delivery\.email: cannot record the delivery progress of email \(127\.0\.0\.1\) in .*: .*delivery is a symlink; it is not followed out of the state directory/);
    } finally {
      await binance.close();
      outside.remove();
    }
  });
});
