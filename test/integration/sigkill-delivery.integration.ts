/**
 * The crash promise of the delivery path, through the CLI: the service is
 * SIGKILLed at random moments while alerts are raised, again and again on the
 * same state_dir; at the end every journaled alert must have reached the SMTP
 * server and the webhook at least once. Prints how many arrived twice.
 *
 * Run by `npm run test:integration` (a few minutes), not by `npm test`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { FakeBinanceServer } from '../helpers/fake-binance-server.js';
import { waitUntil } from '../helpers/fake-exchange-server.js';
import { startRecordingHttpServer, type RecordingHttpServer } from '../helpers/recording-http-server.js';
import { finished, REPO_ROOT } from '../helpers/run-cli.js';
import { startSmtpTestServer, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';

const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'XRP/USDT', 'ADA/USDT'];
const KILLS = Number(process.env.SIGKILL_ROUNDS ?? 20);

/** The built CLI (`npm run build` first): starts faster than through tsx, so more kills fit. */
const startBuiltCli = (args: readonly string[]): ChildProcess =>
  spawn(process.execPath, ['dist/cli.js', ...args], { cwd: REPO_ROOT, env: { ...process.env, LOG_LEVEL: '' }, stdio: ['ignore', 'pipe', 'pipe'] });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Journaled {
  readonly key: string;
  readonly test: boolean;
}

/** An alert's identity in every channel's body: symbol, rule, price and its time. */
// One tick raises at most one alert per (symbol, rule), so symbol, rule and tick time name an alert.
// The price is left out: the email shows it rounded for reading (64,012.50), the journal and webhooks exactly.
const keyOf = (symbol: string, rule: string, ts: number) => `${symbol} ${rule} ${new Date(ts).toISOString()}`;

for (const groupWaitMs of [200, 5000]) {
  describe(`SIGKILL at random moments, ${KILLS} times, group_wait_ms ${groupWaitMs} (through the CLI)`, function () {
    this.timeout(0);
    let dir: TempDir;
    let binance: FakeBinanceServer;
    let smtp: SmtpTestServer;
    let hook: RecordingHttpServer;
    before(async () => {
      dir = tempDir();
      binance = await FakeBinanceServer.start();
      smtp = await startSmtpTestServer();
      hook = await startRecordingHttpServer();
    });
    after(async () => {
      await binance.close();
      await smtp.close();
      await hook.close();
      dir.remove();
    });

    it('delivers every journaled alert to SMTP and to a webhook at least once', async () => {
      const config = dir.write('c.yaml', `exchanges:
  binance:
    symbols: [${SYMBOLS.join(', ')}]
    url: ${binance.url}
    reconnect_delay: 0.05
alerts:
  hysteresis: 0.2
  email:
    smtp_host: 127.0.0.1
    smtp_port: ${smtp.port}
    from_addr: alerts@example.com
    to_addrs: [ops@example.com]
    group_wait_ms: ${groupWaitMs}
  webhooks:
    - url: ${hook.url}/hook
      format: json
      group_wait_ms: ${groupWaitMs}
state_dir: ${join(dir.path, 'state')}
`);
      let tick = Date.now();
      let step = 0;
      // Each symbol swings between its open (re-arms) and +6 % or -6 % (alerts), so every round raises alerts.
      const pushSome = (n: number) => {
        for (let i = 0; i < n; i++) {
          const symbol = SYMBOLS[step % SYMBOLS.length]!;
          const phase = Math.floor(step / SYMBOLS.length) % 4;
          const price = phase === 1 ? 106 + (step % 97) / 1000 : phase === 3 ? 94 - (step % 89) / 1000 : 100;
          binance.pushTicker(symbol, price, { ts: (tick += 7), open24h: 100 });
          step++;
        }
      };

      for (let round = 0; round < KILLS; round++) {
        const child = startBuiltCli(['--config', config]);
        const done = finished(child);
        await waitUntil(() => binance.openConnections === 1, `round ${round}: connected`, 15000);
        // Alerts at random moments, then the kill at a random moment (inside a group wait, a send, a cursor write...).
        const lifetime = Math.random() * (groupWaitMs + 1500);
        const until = Date.now() + lifetime;
        while (Date.now() < until) {
          pushSome(1 + Math.floor(Math.random() * 3));
          await sleep(Math.random() * 300);
        }
        child.kill('SIGKILL');
        const run = await done;
        expect(run.signal, run.stdout + run.stderr).to.equal('SIGKILL');
        await waitUntil(() => binance.openConnections === 0, `round ${round}: socket closed`, 15000);
      }

      // A last start without kill delivers the backlog; then a clean stop.
      const journalPath = join(dir.path, 'state', 'alerts.jsonl');
      const journaled: Journaled[] = existsSync(journalPath)
        ? readFileSync(journalPath, 'utf8').split('\n').flatMap((line) => {
            try {
              const entry = JSON.parse(line) as { kind: string; symbol?: string; rule: string; price?: number; ts: number; test?: boolean };
              return entry.kind === 'price' ? [{ key: keyOf(entry.symbol!, entry.rule, entry.ts), test: entry.test === true }] : [];
            } catch {
              return []; // a line torn by a kill
            }
          })
        : [];
      const expected = new Set(journaled.filter((j) => !j.test).map((j) => j.key));
      expect(expected.size, 'alerts were raised').to.be.greaterThan(KILLS);

      // Counted incrementally: re-parsing every message on every poll would starve the service under test.
      const emailedCount = new Map<string, number>();
      const postedCount = new Map<string, number>();
      let mailsSeen = 0;
      let requestsSeen = 0;
      const count = (seen: Map<string, number>, key: string) => seen.set(key, (seen.get(key) ?? 0) + 1);
      const emailed = () => {
        for (; mailsSeen < smtp.received.length; mailsSeen++) {
          // One block per alert: its heading, then labelled rows.
          for (const block of smtp.received[mailsSeen]!.text.split('\n\n')) {
            const heading = /^(\S+) on binance: /.exec(block);
            const rule = /^\s+Rule:\s+(\S+)/m.exec(block);
            const price = /^\s+Price:\s+(\S+) at (\S+)$/m.exec(block);
            if (heading && rule && price) count(emailedCount, `${heading[1]} ${rule[1]} ${price[2]}`);
          }
        }
        return emailedCount;
      };
      const posted = () => {
        for (; requestsSeen < hook.requests.length; requestsSeen++) {
          const body = JSON.parse(hook.requests[requestsSeen]!.body) as { alerts: { kind: string; symbol: string; rule: string; price: number; ts: number }[] };
          for (const a of body.alerts) if (a.kind === 'price') count(postedCount, keyOf(a.symbol, a.rule, a.ts));
        }
        return postedCount;
      };
      const missing = () => [...expected].filter((key) => !emailed().has(key) || !posted().has(key));

      const last = startBuiltCli(['--config', config]);
      const lastDone = finished(last);
      // The CLI installs its signal handlers before it logs "starting:"; a SIGTERM before that kills it (exit code null).
      let lastOutput = '';
      last.stdout!.on('data', (chunk: Buffer) => (lastOutput += chunk.toString()));
      const deadline = Date.now() + 120_000;
      while ((missing().length > 0 || !lastOutput.includes('starting:')) && Date.now() < deadline) await sleep(500);
      last.kill('SIGTERM');
      const lastRun = await lastDone;
      expect(lastRun.code, lastRun.stdout.slice(-3000) + lastRun.stderr).to.equal(0);

      const lost = missing();
      const twiceByEmail = [...emailed()].filter(([key, n]) => expected.has(key) && n > 1).length;
      const twiceByHook = [...posted()].filter(([key, n]) => expected.has(key) && n > 1).length;
      const ids = (values: string[]) => values.length - new Set(values).size;
      const repeatedMessageIds = ids(smtp.received.map((m) => m.messageId));
      const repeatedKeys = ids(hook.requests.map((r) => String(r.headers['idempotency-key'])));
      console.log(
        `      group_wait_ms ${groupWaitMs}: ${KILLS} kills, ${expected.size} alerts journaled; lost ${lost.length}; ` +
          `delivered twice: ${twiceByEmail} by email (${repeatedMessageIds} repeated Message-IDs), ` +
          `${twiceByHook} by webhook (${repeatedKeys} repeated Idempotency-Keys)`,
      );
      expect(lost.length, `journaled but never delivered to both; the last run logged:\n${lastRun.stdout.split('\n').filter((line) => !/\[INFO\] supervisor\.alerts:/.test(line)).slice(-40).join('\n')}`).to.equal(0);
    });
  });
}
