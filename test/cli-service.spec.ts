import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { FakeBinanceServer } from './helpers/fake-binance-server.js';
import { waitUntil } from './helpers/fake-exchange-server.js';
import { finished, REPO_ROOT, runCli, startCli, waitForOutput } from './helpers/run-cli.js';
import { startSmtpTestServer, type SmtpTestServer } from './helpers/smtp-test-server.js';
import { tempDir, type TempDir } from './helpers/temp-dir.js';

const journal = (dir: TempDir) =>
  readFileSync(join(dir.path, 'state', 'alerts.jsonl'), 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line));

describe('cli: the service as a process', function () {
  this.timeout(30000);
  let dir: TempDir;
  let smtp: SmtpTestServer;
  beforeEach(async () => {
    dir = tempDir();
    smtp = await startSmtpTestServer({ auth: { username: 'alerts', password: 'pw-from-env' } });
  });
  afterEach(async () => {
    await smtp.close();
    dir.remove();
  });

  const emailBlock = (groupWaitMs: number) => `  email:
    smtp_host: 127.0.0.1
    smtp_port: ${smtp.port}
    username: alerts
    password: \${TEST_SMTP_PASSWORD}
    from_addr: alerts@example.com
    to_addrs: [ops@example.com]
    group_wait_ms: ${groupWaitMs}
`;

  /** Starts the service on `binance` with a 10-minute digest wait and makes BTC/USDT move 6 %. */
  async function startWithAlertPending(binance: FakeBinanceServer) {
    const file = dir.write('c.yaml', `exchanges:
  binance:
    symbols: [BTC/USDT]
    url: ${binance.url}
alerts:
${emailBlock(600_000)}state_dir: ${join(dir.path, 'state')}
`);
    const child = startCli(['--config', file], { TEST_SMTP_PASSWORD: 'pw-from-env' });
    const done = finished(child);
    await waitUntil(() => binance.openConnections === 1, 'connected', 10000);
    const ts = Date.now();
    binance.pushTicker('BTC/USDT', 100, { ts, open24h: 100 });
    binance.pushTicker('BTC/USDT', 106, { ts: ts + 1000, open24h: 100 });
    return { child, done };
  }

  it('on SIGTERM during a digest group wait sends the email before exiting 0', async () => {
    const binance = await FakeBinanceServer.start();
    try {
      const { child, done } = await startWithAlertPending(binance);
      await waitForOutput(child, /supervisor\.alerts: BTC\/USDT \+6\.00% in 24h on binance/);
      expect(smtp.received).to.have.length(0); // the group waits 10 minutes...
      child.kill('SIGTERM');
      const run = await done;
      expect(run.code, run.stdout + run.stderr).to.equal(0); // ...but shutdown flushes it
      expect(smtp.received).to.have.length(1);
      expect(smtp.received[0]!.subject).to.match(/^2 alerts: BTC\/USDT \+6\.0%/);
      expect(smtp.authAttempts.map((a) => [a.username, a.accepted])).to.deep.equal([['alerts', true]]);
      expect(smtp.received[0]!.user).to.equal('alerts');
      expect(journal(dir)).to.have.length(2);
    } finally {
      await binance.close();
    }
  });

  it('exits at once on a second signal while the first shutdown is still delivering', async () => {
    const binance = await FakeBinanceServer.start();
    await smtp.close(); // SMTP down: the shutdown keeps retrying for its ~4 s budget...
    try {
      const { child, done } = await startWithAlertPending(binance);
      await waitForOutput(child, /supervisor\.alerts: BTC\/USDT/);
      const shuttingDown = waitForOutput(child, 'received SIGTERM, shutting down');
      child.kill('SIGTERM');
      await shuttingDown;
      child.kill('SIGINT'); // ...unless asked again
      const run = await done;
      expect(run.code).to.equal(130);
      expect(run.stdout).to.include('received SIGINT again, exiting now');
      expect(run.stdout).to.not.include('[INFO] supervisor: stopped');
    } finally {
      await binance.close();
      smtp = await startSmtpTestServer(); // afterEach closes it
    }
  });

  describe('--replay', () => {
    const replayConfig = (extra = '') => dir.write('c.yaml', `exchanges:
  binance:
    symbols: [BTC/USDT]
alerts:
${emailBlock(50)}${extra}state_dir: ${join(dir.path, 'state')}
`);

    it('runs a recorded day in virtual time, journals and logs the alerts, prints a summary, sends no email', async () => {
      const run = await runCli(['--config', replayConfig(), '--replay', 'test/fixtures/btc-rally.jsonl'], { TEST_SMTP_PASSWORD: 'pw-from-env' });
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.match(
        /replayed 14 ticks \(0 skipped\) from 2024-06-01T00:00:00\.000Z to 2024-06-01T03:00:00\.000Z in \d+\.\d s: 5 alert\(s\) \(pct_24h 2, pct_short 3\)\n$/,
      );
      expect(run.stdout).to.match(/\[INFO\] supervisor\.alerts: BTC\/USDT \+5\.08% in 24h on binance/);
      expect(run.stderr).to.equal(''); // not a terminal: no progress bar
      // Re-arms are journaled too (marked test, as every replay entry).
      expect(journal(dir).map((a) => [a.kind, a.rule, a.direction, a.level, a.test])).to.deep.equal([
        ['price', 'pct_short', 'up', 1, true],
        ['rearm', 'pct_short', 'up', 1, true],
        ['price', 'pct_short', 'up', 1, true],
        ['price', 'pct_24h', 'up', 1, true],
        ['price', 'pct_24h', 'up', 2, true],
        ['price', 'pct_short', 'up', 2, true],
      ]);
      expect(smtp.attempts).to.equal(0);
    });

    it('sends the alerts by email with --send', async () => {
      const run = await runCli(['--config', replayConfig(), '--replay', 'test/fixtures/btc-rally.jsonl', '--send'], { TEST_SMTP_PASSWORD: 'pw-from-env' });
      expect(run.code, run.stderr).to.equal(0);
      expect(smtp.received.length).to.be.greaterThan(0);
      const mailed = smtp.received.map((m) => m.text).join('\n');
      expect(mailed).to.include('BTC/USDT');
    });

    it('works as the README says: npm start -- --config X --replay F', async function () {
      // `npm start` first rebuilds dist with tsc (prestart): on a loaded 2-core machine that alone took 28 s.
      this.timeout(120000);
      const output = await new Promise<string>((resolve, reject) =>
        execFile('npm', ['start', '--silent', '--', '--config', replayConfig(), '--replay', 'test/fixtures/btc-rally.jsonl'],
          { cwd: REPO_ROOT, env: { ...process.env, TEST_SMTP_PASSWORD: 'pw-from-env' } },
          (error, stdout) => (error ? reject(error) : resolve(stdout))),
      );
      expect(output).to.match(/replayed 14 ticks \(0 skipped\).*: 5 alert\(s\) \(pct_24h 2, pct_short 3\)\n$/);
    });

    it('exits 2 naming a missing tick file', async () => {
      const run = await runCli(['--config', replayConfig(), '--replay', 'no/such/ticks.jsonl'], { TEST_SMTP_PASSWORD: 'pw-from-env' });
      expect(run.code).to.equal(2);
      expect(run.stderr).to.match(/^crypto-supervisor: cannot open tick file no\/such\/ticks\.jsonl: ENOENT/);
    });
  });
});
