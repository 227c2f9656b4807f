import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import { concat, concatMap, EMPTY, from, ignoreElements, lastValueFrom, merge, type Observable, of, timer, toArray } from 'rxjs';
import { decodeConfig } from '../../../src/config/decode-config.js';
import type { Alert } from '../../../src/domain/alert.js';
import type { EmailConfig } from '../../../src/domain/config-types.js';
import { createLogger } from '../../../src/log.js';
import { emailBatch } from '../../../src/delivery/channels/email-batch.js';
import { emailSink, type DeliveryReport, type EmailSinkOptions } from '../../../src/delivery/channels/email-sink.js';
import { startSmtpTestServer, type SmtpTestServer } from '../../helpers/smtp-test-server.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';
import { btcUp, crash, ethDown } from './email/alert-fixtures.js';

/** `alerts.email` as the config loader gives it from the YAML keys in `extra` and the environment `env`. */
function emailConfigFromYaml(port: number, extra: Record<string, unknown> = {}, env: Record<string, string> = {}): EmailConfig {
  const decoded = decodeConfig(
    {
      exchanges: { binance: { symbols: ['BTC/USDT'] } },
      alerts: {
        email: {
          smtp_host: '127.0.0.1', smtp_port: port,
          from_addr: 'alerts@example.com', to_addrs: ['ops@example.com', 'desk@example.com'], group_wait_ms: 100, ...extra,
        },
      },
    },
    { env },
  );
  if (E.isLeft(decoded) || !decoded.right.alerts.email) throw new Error('expected a valid email config');
  return decoded.right.alerts.email;
}

const PASSWORD = 'pw-from-the-environment';

/** Feeds `alerts$` through the sink against the real server and collects every report until the sink completes. */
function run(config: EmailConfig, alerts$: Observable<Alert>, options: EmailSinkOptions): Promise<DeliveryReport[]> {
  return lastValueFrom(alerts$.pipe(emailSink(config, { retryBaseMs: 20, retryMaxMs: 40, ...options }), toArray()));
}

/** Emits the alerts at once, then completes after `ms` (the shutdown). */
const burstThenStop = (alerts: Alert[], ms: number): Observable<Alert> => concat(from(alerts), timer(ms).pipe(ignoreElements()));

describe('emailSink against a real SMTP server on loopback', () => {
  let smtp: SmtpTestServer | undefined;
  let dir: TempDir;
  beforeEach(() => (dir = tempDir()));
  afterEach(async () => {
    await smtp?.close();
    smtp = undefined;
    dir.remove();
  });

  it('sends a single alert and a 30-symbol crash as two emails, authenticating with the password from ${ENV}', async () => {
    smtp = await startSmtpTestServer({ auth: { username: 'alerts', password: PASSWORD } });
    const config = emailConfigFromYaml(smtp.port, { username: 'alerts', password: '${SMTP_PASSWORD}' }, { SMTP_PASSWORD: PASSWORD });
    expect(config.password).to.equal(PASSWORD);
    const crash30 = crash(30);
    // The crash arrives after the first group closed, and the input completes right after it.
    const alerts$ = merge(of<Alert>(btcUp), timer(300).pipe(concatMap(() => from(crash30))));
    const reports = await run(config, alerts$, { stateDir: dir.path });

    expect(reports.map((r) => r.type)).to.deep.equal(['queued', 'sent', 'queued', 'sent']);
    expect(smtp.received).to.have.length(2);
    expect(smtp.authAttempts.map((a) => [a.username, a.password, a.accepted])).to.deep.equal([
      ['alerts', PASSWORD, true],
      ['alerts', PASSWORD, true],
    ]);
    const [single, digest] = smtp.received;

    expect(single!.subject).to.equal('BTC/USDT +5.23% in 24h on binance');
    expect(single!.messageId).to.equal(emailBatch([btcUp], 0).messageId);
    expect(single!.headers.get('from')).to.equal('alerts@example.com');
    expect(single!.headers.get('to')).to.equal('ops@example.com, desk@example.com');
    expect(single!.envelopeTo).to.deep.equal(['ops@example.com', 'desk@example.com']);
    expect(single!.headers.get('content-type')).to.match(/^multipart\/alternative/);
    expect(single!.text).to.contain('BTC/USDT on binance: up +5.23% in 24h\n');
    expect(single!.text).to.contain('  Reference:    34983.1 at 2023-11-13T22:13:20.000Z\n');
    expect(single!.text).to.contain('  Level:        1 (first crossing)\n');
    expect(single!.html).to.contain('<tr><th align="left">Coverage</th><td>100% of the 24h window had data</td></tr>');

    expect(digest!.subject).to.equal(
      '30 alerts: C0/USDT -5.0% (24h, binance), C1/USDT -5.1% (24h, binance), C2/USDT -5.2% (24h, binance), …',
    );
    expect(digest!.messageId).to.equal(emailBatch(crash30, 0).messageId);
    expect(digest!.text).to.contain('crypto-supervisor raised 30 alerts.');
    for (const alert of crash30) expect(digest!.text).to.contain(`${alert.symbol} on binance: down`);
    expect(digest!.html.match(/<h3>/g)).to.have.length(30);
  });

  it('delivers exactly once after two 451 answers', async () => {
    smtp = await startSmtpTestServer({ answers: [451, 451] });
    const config = emailConfigFromYaml(smtp.port);
    const reports = await run(config, burstThenStop([btcUp], 300), { stateDir: dir.path });

    expect(reports.map((r) => r.type)).to.deep.equal(['queued', 'retry', 'retry', 'sent']);
    expect(reports[1]).to.deep.include({ attempt: 1, error: 'Message failed: 451 scripted 451' });
    expect(reports[3]).to.deep.include({ attempt: 3, outboxDepth: 0 });
    expect(smtp.attempts).to.equal(3);
    expect(smtp.received).to.have.length(1);
    expect(smtp.received[0]!.messageId).to.equal(emailBatch([btcUp], 0).messageId);
    expect(readdirSync(join(dir.path, 'outbox'))).to.deep.equal([]);
  });

  it('moves a batch refused with 550 to failed/, logs it at ERROR, and does not retry', async () => {
    smtp = await startSmtpTestServer({ answers: [{ code: 550, message: 'mailbox unavailable' }] });
    const config = emailConfigFromYaml(smtp.port);
    const lines: string[] = [];
    const logger = createLogger('supervisor.email', { write: (line) => lines.push(line) });
    const reports = await run(config, burstThenStop([ethDown], 300), { stateDir: dir.path, logger });

    const batchId = emailBatch([ethDown], 0).batchId;
    expect(reports).to.deep.equal([
      { type: 'queued', batchId, alerts: 1, outboxDepth: 1 },
      { type: 'failed', batchId, error: 'Message failed: 550 mailbox unavailable', outboxDepth: 0 },
    ]);
    expect(smtp.attempts).to.equal(1);
    expect(smtp.received).to.have.length(0);
    expect(readdirSync(join(dir.path, 'outbox', 'failed'))).to.deep.equal([`${batchId}.json`]);
    expect(existsSync(join(dir.path, 'outbox', `${batchId}.json`))).to.equal(false);
    const errors = lines.filter((line) => line.includes('[ERROR]'));
    expect(errors).to.have.length(1);
    expect(errors[0]).to.match(/\[ERROR\] supervisor\.email: batch \w+ failed permanently: Message failed: 550 mailbox unavailable; moved to .*failed/);
  });

  it('keeps a batch in the outbox while SMTP is down and delivers it once after a restart', async () => {
    // Learn a free port, then leave nothing listening on it: SMTP is down.
    const down = await startSmtpTestServer();
    await down.close();
    const config = emailConfigFromYaml(down.port);
    const batchId = emailBatch([btcUp, ethDown], 0).batchId;

    const firstRun = await run(config, burstThenStop([btcUp, ethDown], 50), { stateDir: dir.path, flushTimeoutMs: 300 });
    expect(firstRun[0]).to.deep.equal({ type: 'queued', batchId, alerts: 2, outboxDepth: 1 });
    expect(firstRun.filter((r) => r.type === 'retry').length).to.be.greaterThan(0);
    expect(firstRun.filter((r) => r.type === 'retry').every((r) => r.type === 'retry' && /ECONNREFUSED/.test(r.error))).to.equal(true);
    expect(firstRun.at(-1)).to.deep.equal({ type: 'left', batchId, outboxDepth: 1 });
    expect(readdirSync(join(dir.path, 'outbox'))).to.deep.equal([`${batchId}.json`]);

    smtp = await startSmtpTestServer({ port: down.port });
    const secondRun = await run(config, EMPTY, { stateDir: dir.path });
    expect(secondRun).to.deep.equal([{ type: 'sent', batchId, alerts: 2, attempt: 1, outboxDepth: 0 }]);
    const thirdRun = await run(config, EMPTY, { stateDir: dir.path });
    expect(thirdRun).to.deep.equal([]);

    expect(smtp.received).to.have.length(1);
    expect(smtp.received[0]!.messageId).to.equal(emailBatch([btcUp, ethDown], 0).messageId);
    expect(smtp.received[0]!.subject).to.equal('2 alerts: BTC/USDT +5.2% (24h, binance), ETH/USDT -4.1% (1h, coinbase)');
    expect(readdirSync(join(dir.path, 'outbox'))).to.deep.equal([]);
  });

  it('sends the open group before completing when the input completes during the group wait', async () => {
    smtp = await startSmtpTestServer();
    // A group wait far longer than the test may run: only the flush on completion can send it in time.
    const config = emailConfigFromYaml(smtp.port, { group_wait_ms: 600_000 });
    const reports = await run(config, burstThenStop([btcUp, ethDown], 50), { stateDir: dir.path });

    expect(reports.map((r) => r.type)).to.deep.equal(['queued', 'sent']);
    expect(smtp.received).to.have.length(1);
    expect(smtp.received[0]!.subject).to.match(/^2 alerts: /);
  });
});
