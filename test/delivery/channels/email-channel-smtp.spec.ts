import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import nodemailer from 'nodemailer';
import { concat, finalize, from, ignoreElements, lastValueFrom, type Observable, share, timer, toArray } from 'rxjs';
import { decodeConfig } from '../../../src/config/decode-config.js';
import type { Alert } from '../../../src/domain/alert.js';
import type { EmailConfig } from '../../../src/domain/config-types.js';
import { emailChannel } from '../../../src/delivery/channels/email-channel.js';
import { classifyEmailFailure } from '../../../src/delivery/channels/email-failure.js';
import { smtpOptions } from '../../../src/delivery/channels/email-transport.js';
import { type DeliveryEvent, deliverChannel, quarantineDir } from '../../../src/delivery/deliver-channel.js';
import { journalEntries } from '../../../src/delivery/journal-entries.js';
import { openJournal } from '../../../src/delivery/journal-writer.js';
import { sendNow } from '../../../src/delivery/send-now.js';
import { testAlertOf } from '../../../src/delivery/test-alert.js';
import { createLogger } from '../../../src/log.js';
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

describe('the email channel against a real SMTP server on loopback', () => {
  let smtp: SmtpTestServer | undefined;
  let dir: TempDir;
  let lines: string[];
  beforeEach(() => {
    dir = tempDir();
    lines = [];
  });
  afterEach(async () => {
    await smtp?.close();
    smtp = undefined;
    dir.remove();
  });

  /** Journals the alerts and delivers them through the email channel until the input completes and the channel flushed. */
  function run(config: EmailConfig, alerts$: Observable<Alert>): Promise<DeliveryEvent[]> {
    const journalPath = join(dir.path, 'alerts.jsonl');
    const journal = openJournal(dir.path, journalPath);
    const logger = createLogger('supervisor.delivery.email', { write: (line) => lines.push(line) });
    return lastValueFrom(
      deliverChannel(emailChannel(config), alerts$.pipe(journalEntries(journal), share()), {
        stateDir: dir.path, journalPath, journal: () => journal, logger, retry: { baseMs: 20, maxMs: 40 }, flushTimeoutMs: 2000,
      }).pipe(toArray(), finalize(() => journal.close())),
    );
  }
  const burstThenStop = (alerts: Alert[], ms: number) => concat(from(alerts), timer(ms).pipe(ignoreElements()));

  it('sends a single alert and a 30-symbol crash as two emails, authenticating with the password from ${ENV}', async () => {
    smtp = await startSmtpTestServer({ auth: { username: 'alerts', password: PASSWORD } });
    const config = emailConfigFromYaml(smtp.port, { username: 'alerts', password: '${SMTP_PASSWORD}' }, { SMTP_PASSWORD: PASSWORD });
    const crash30 = crash(30);
    // The gap is ten group waits: under load a shorter one once let the crash join the single alert's group.
    const events = await run(config, concat(from([btcUp]), timer(1000).pipe(ignoreElements()), burstThenStop(crash30, 50)));

    expect(events.map((e) => e.type)).to.deep.equal(['started', 'delivered', 'delivered']);
    expect(smtp.received).to.have.length(2);
    expect(smtp.authAttempts.map((a) => [a.username, a.password, a.accepted])).to.deep.equal([
      ['alerts', PASSWORD, true],
      ['alerts', PASSWORD, true],
    ]);
    const [single, digest] = smtp.received;
    const ids = events.flatMap((e) => (e.type === 'delivered' ? [e.batchId] : []));
    expect(single!.subject).to.equal('BTC/USDT +5.23% in 24h on binance, threshold 5%');
    expect(single!.messageId).to.equal(`<${ids[0]}@crypto-supervisor>`);
    expect(single!.headers.get('to')).to.equal('ops@example.com, desk@example.com');
    expect(single!.text).to.contain('BTC/USDT on binance: up +5.23% in 24h\n');
    expect(digest!.messageId).to.equal(`<${ids[1]}@crypto-supervisor>`);
    expect(digest!.text).to.contain('crypto-supervisor raised 30 alerts.');
    expect(digest!.html.match(/<h3>/g)).to.have.length(30);
  });

  it('delivers exactly once after two 451 answers', async () => {
    smtp = await startSmtpTestServer({ answers: [451, 451] });
    const events = await run(emailConfigFromYaml(smtp.port), burstThenStop([btcUp], 300));
    expect(events.map((e) => e.type)).to.deep.equal(['started', 'retry', 'retry', 'delivered']);
    expect(events[1]).to.deep.include({ attempt: 1, reason: 'Message failed: 451 scripted 451' });
    expect(smtp.attempts).to.equal(3);
    expect(smtp.received).to.have.length(1);
  });

  it('quarantines an email refused with 550, logs it at ERROR, and does not retry', async () => {
    smtp = await startSmtpTestServer({ answers: [{ code: 550, message: 'mailbox unavailable' }] });
    const events = await run(emailConfigFromYaml(smtp.port), burstThenStop([ethDown], 300));
    expect(events.map((e) => e.type)).to.deep.equal(['started', 'quarantined']);
    expect(smtp.attempts).to.equal(1);
    expect(readdirSync(quarantineDir(dir.path, 'email'))).to.have.length(1);
    const errors = lines.filter((line) => line.includes('[ERROR]'));
    expect(errors).to.have.length(1);
    expect(errors[0]).to.match(/email \(127\.0\.0\.1\): batch \w+ \(1 alert\) refused for good: Message failed: 550 mailbox unavailable; quarantined in /);
  });

  it('marks a --test-alert as a test in the subject and the body', async () => {
    smtp = await startSmtpTestServer();
    const [result] = await sendNow([emailChannel(emailConfigFromYaml(smtp.port))], [{ offset: 0, entry: testAlertOf(0), test: true }]);
    expect(result).to.deep.equal({ channel: 'email', label: 'email (127.0.0.1)', delivered: true });
    expect(smtp.received[0]!.subject).to.equal('[TEST] TEST/USD +5.00% in 24h on crypto-supervisor');
    expect(smtp.received[0]!.text).to.match(/^This is a test alert \(crypto-supervisor --test-alert\): nothing moved\./);
  });

  describe('a login over an unencrypted connection', () => {
    const remote = (extra: Partial<EmailConfig> = {}): EmailConfig => ({
      smtp_host: 'mail.example.com', smtp_port: 25, from_addr: 'alerts@example.com', to_addrs: ['ops@example.com'],
      secure: false, group_wait_ms: 50, username: 'alerts', password: PASSWORD, ...extra,
    });

    it('requires TLS for a host that is not loopback, unless alerts.email.allow_insecure_auth is true', () => {
      expect(smtpOptions(remote())).to.include({ requireTLS: true });
      expect(smtpOptions(remote({ allow_insecure_auth: true }))).to.not.have.property('requireTLS');
      expect(smtpOptions(remote({ username: undefined }))).to.not.have.property('requireTLS');
      expect(smtpOptions(remote({ smtp_host: '127.0.0.1' }))).to.not.have.property('requireTLS');
    });

    it('is refused by a server without STARTTLS, never sends the password, and the error says how to allow it', async () => {
      smtp = await startSmtpTestServer({ auth: { username: 'alerts', password: PASSWORD } });
      // The options of a remote host, pointed at the loopback server (which offers no STARTTLS).
      const mailer = nodemailer.createTransport({ ...smtpOptions(remote()), host: '127.0.0.1', port: smtp.port });
      let failure: unknown;
      try {
        await mailer.sendMail({ from: 'alerts@example.com', to: 'ops@example.com', subject: 's', text: 't' });
      } catch (error) {
        failure = error;
      }
      mailer.close();
      expect(smtp.authAttempts).to.deep.equal([]);
      expect(smtp.received).to.deep.equal([]);
      const classified = classifyEmailFailure(failure);
      expect(classified.permanent).to.equal(true);
      expect(classified.reason).to.contain('set alerts.email.allow_insecure_auth: true to allow it');
    });
  });
});
