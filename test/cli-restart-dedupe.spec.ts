import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { FakeBinanceServer } from './helpers/fake-binance-server.js';
import { waitUntil } from './helpers/fake-exchange-server.js';
import { finished, startCli, waitForOutput } from './helpers/run-cli.js';
import { startSmtpTestServer, type SmtpTestServer } from './helpers/smtp-test-server.js';
import { tempDir, type TempDir } from './helpers/temp-dir.js';

interface JournalLine {
  readonly kind: string;
  readonly rule: string;
  readonly direction: string;
  readonly level: number;
  readonly price?: number;
}

describe('cli: one move, one alert, across restarts', function () {
  this.timeout(40000);
  let dir: TempDir;
  let smtp: SmtpTestServer;
  let binance: FakeBinanceServer;
  beforeEach(async () => {
    dir = tempDir();
    smtp = await startSmtpTestServer();
    binance = await FakeBinanceServer.start();
  });
  afterEach(async () => {
    await binance.close();
    await smtp.close();
    dir.remove();
  });

  /** The journal's price alerts and re-arms, as `kind rule direction Llevel`. */
  const journal = () =>
    readFileSync(join(dir.path, 'state', 'alerts.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as JournalLine)
      .filter((entry) => entry.kind !== 'feed')
      .map((entry) => `${entry.kind} ${entry.rule} ${entry.direction} L${entry.level}`);

  /** pct_24h only (pct_short is out of the way at 50 %), against Binance's rolling open; email within 50 ms. */
  const config = () =>
    dir.write('c.yaml', `exchanges:
  binance:
    symbols: [BTC/USDT]
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
state_dir: ${join(dir.path, 'state')}
`);

  async function start(file: string, extraArgs: readonly string[]) {
    const child = startCli(['--config', file, ...extraArgs]);
    const done = finished(child);
    await waitUntil(() => binance.openConnections === 1, 'connected', 15000);
    return { child, done };
  }

  // With the status page on, the rules run as separate operators on shared metrics (dedupeMoves), else fused (detectMoves).
  const cases = [
    { signal: 'SIGTERM', args: [], how: '' },
    { signal: 'SIGKILL', args: [], how: '' },
    { signal: 'SIGKILL', args: ['--http', '127.0.0.1:0'], how: ' (status page on)' },
  ] as const;
  for (const { signal, args, how } of cases) {
    it(`a move alerted, then ${signal} and a restart while it holds: no second alert; its escalation alerts${how}`, async () => {
      const file = config();
      const ts = Date.now();
      const first = await start(file, args);
      const alerted = waitForOutput(first.child, /supervisor\.alerts: BTC\/USDT \+6\.00% in 24h on binance/);
      // Delivery is at-least-once: a kill after the SMTP server took the email but before the channel's
      // cursor is on disk sends that email again. Here the cursor is on disk ("delivered batch"): what
      // follows tests the dedupe, not the delivery.
      const delivered = waitForOutput(first.child, /email \(127\.0\.0\.1\): delivered batch/);
      binance.pushTicker('BTC/USDT', 106, { ts, open24h: 100 });
      await alerted;
      await delivered;
      first.child.kill(signal);
      const firstRun = await first.done;
      if (signal === 'SIGTERM') expect(firstRun.code, firstRun.stdout + firstRun.stderr).to.equal(0);
      else expect(firstRun.signal).to.equal('SIGKILL');
      await waitUntil(() => binance.openConnections === 0, 'disconnected', 10000);

      const second = await start(file, args);
      // The move holds at 6.5 %, then escalates to 11 %: the escalation is the only alert of the second run.
      const escalated = waitForOutput(second.child, /supervisor\.alerts: BTC\/USDT \+11\.00% in 24h on binance/);
      binance.pushTicker('BTC/USDT', 106.5, { ts: ts + 60_000, open24h: 100 });
      binance.pushTicker('BTC/USDT', 111, { ts: ts + 120_000, open24h: 100 });
      const secondLog = await escalated;
      expect(secondLog).to.not.match(/\+6\.50% in 24h/);
      await smtp.waitForMessages(2, 10000);
      second.child.kill('SIGTERM');
      const secondRun = await second.done;
      expect(secondRun.code, secondRun.stdout + secondRun.stderr).to.equal(0);

      expect(journal()).to.deep.equal(['price pct_24h up L1', 'price pct_24h up L2']);
      expect(smtp.received.map((email) => email.subject)).to.deep.equal([
        'BTC/USDT +6.00% in 24h on binance, threshold 5%',
        'BTC/USDT +11.00% in 24h on binance (level 2), threshold 5%',
      ]);
      expect(secondRun.stdout).to.match(/\[INFO\] supervisor: dedupe: 1 level restored from the journal \(binance BTC\/USDT pct_24h up at level 1\)/);
    });
  }
});
