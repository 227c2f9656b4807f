import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { Alert } from '../../../src/domain/alert.js';
import type { EmailConfig } from '../../../src/domain/config-types.js';
import { createLogger } from '../../../src/log.js';
import { emailBatch } from '../../../src/delivery/channels/email-batch.js';
import { emailOutbox } from '../../../src/delivery/channels/email-outbox.js';
import { emailSink, type DeliveryReport, type EmailSinkOptions } from '../../../src/delivery/channels/email-sink.js';
import type { EmailMessage, EmailTransport } from '../../../src/delivery/channels/email-transport.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';
import { btcUp, ethDown, krakenDown } from './email/alert-fixtures.js';
import { createTestScheduler } from '../../helpers/test-scheduler.js';

const WAIT = 100;
const FLUSH = 1000;

const config: EmailConfig = {
  smtp_host: '127.0.0.1', smtp_port: 2525, from_addr: 'alerts@example.com', to_addrs: ['ops@example.com'],
  secure: false, group_wait_ms: WAIT,
};

const smtpError = (code: number) => Object.assign(new Error(`Message failed: ${code} scripted`), { responseCode: code });
const id = (...alerts: Alert[]) => emailBatch(alerts, 0).batchId;

/** A transport whose attempts are the given observables, in order (the last one repeats). */
function fakeTransport(attempts: readonly Observable<string>[]): EmailTransport & { sent: EmailMessage[]; closed: number } {
  const fake = {
    sent: [] as EmailMessage[],
    closed: 0,
    send(message: EmailMessage) {
      fake.sent.push(message);
      return attempts[Math.min(fake.sent.length - 1, attempts.length - 1)]!;
    },
    close() {
      fake.closed += 1;
    },
  };
  return fake;
}

describe('emailSink', () => {
  let testScheduler: TestScheduler;
  let dir: TempDir;
  beforeEach(() => {
    testScheduler = createTestScheduler();
    dir = tempDir();
  });
  afterEach(() => dir.remove());

  const options = (transport: EmailTransport, extra: Partial<EmailSinkOptions> = {}): EmailSinkOptions => ({
    stateDir: dir.path,
    scheduler: testScheduler,
    random: () => 0,
    flushTimeoutMs: FLUSH,
    retryBaseMs: 20,
    retryMaxMs: 50,
    createTransport: () => transport,
    ...extra,
  });

  it('queues a burst as one batch after the group wait, then sends it', () => {
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const transport = fakeTransport([cold('--(r|)', { r: '250 OK' })]);
      const alerts = hot<Alert>('   a 10ms b 200ms c 200ms |          ', { a: btcUp, b: ethDown, c: krakenDown });
      const subs = '                ^ 412ms !                        ';
      const expected = '            100ms q - s 209ms t - u 98ms |       ';
      expectObservable(alerts.pipe(emailSink(config, options(transport)))).toBe(expected, {
        q: { type: 'queued', batchId: id(btcUp, ethDown), alerts: 2, outboxDepth: 1 },
        s: { type: 'sent', batchId: id(btcUp, ethDown), alerts: 2, attempt: 1, outboxDepth: 0 },
        t: { type: 'queued', batchId: id(krakenDown), alerts: 1, outboxDepth: 1 },
        u: { type: 'sent', batchId: id(krakenDown), alerts: 1, attempt: 1, outboxDepth: 0 },
      } satisfies Record<string, DeliveryReport>);
      expectSubscriptions(alerts.subscriptions).toBe(subs);
    });
    expect(readdirSync(join(dir.path, 'outbox'))).to.deep.equal([]);
  });

  it('sends the digest with its Message-ID, Date, addresses and formatted content', () => {
    const transport = fakeTransport([]);
    testScheduler.run(({ hot, cold, expectObservable }) => {
      transport.send = (message) => (transport.sent.push(message), cold('(r|)', { r: '250' }));
      const alerts = hot<Alert>('a 5ms b |', { a: btcUp, b: ethDown });
      expectObservable(alerts.pipe(emailSink(config, options(transport))), '^ 20ms !');
    });
    const batch = emailBatch([btcUp, ethDown], 7);
    expect(transport.sent).to.have.length(1);
    expect(transport.sent[0]).to.deep.include({
      messageId: batch.messageId,
      date: new Date(7),
      from: 'alerts@example.com',
      to: ['ops@example.com'],
      subject: '2 alerts: BTC/USDT +5.2% (24h, binance), ETH/USDT -4.1% (1h, coinbase)',
    });
    expect(transport.sent[0]!.text).to.contain('ETH/USDT on coinbase: down -4.07% in 1h');
    expect(transport.sent[0]!.html).to.contain('<h3>BTC/USDT on binance: up +5.23% in 24h</h3>');
  });

  it('retries temporary failures with exponential backoff and sends exactly once', () => {
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const fail451 = cold<string>('--#', undefined, smtpError(451));
      const accept = cold('--(r|)', { r: '250 OK' });
      const transport = fakeTransport([fail451, fail451, accept]);
      const alerts = hot<Alert>('   a 500ms |                          ', { a: btcUp });
      // random 0: delays 10 ms (base 20, lower half), then 20 ms.
      const expected = '            100ms q - x 11ms y 21ms s 364ms |   ';
      expectObservable(alerts.pipe(emailSink(config, options(transport)))).toBe(expected, {
        q: { type: 'queued', batchId: id(btcUp), alerts: 1, outboxDepth: 1 },
        x: { type: 'retry', batchId: id(btcUp), attempt: 1, delayMs: 10, error: 'Message failed: 451 scripted' },
        y: { type: 'retry', batchId: id(btcUp), attempt: 2, delayMs: 20, error: 'Message failed: 451 scripted' },
        s: { type: 'sent', batchId: id(btcUp), alerts: 1, attempt: 3, outboxDepth: 0 },
      } satisfies Record<string, DeliveryReport>);
      expectSubscriptions(fail451.subscriptions).toBe(['100ms ^-!', '112ms ^-!']);
      expectSubscriptions(accept.subscriptions).toBe('134ms ^-!');
    });
  });

  it('moves a permanently refused batch to failed/ without retrying', () => {
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const refuse = cold<string>('--#', undefined, smtpError(550));
      const transport = fakeTransport([refuse]);
      const alerts = hot<Alert>('   a 500ms |             ', { a: btcUp });
      const expected = '            100ms q - f 398ms | ';
      expectObservable(alerts.pipe(emailSink(config, options(transport)))).toBe(expected, {
        q: { type: 'queued', batchId: id(btcUp), alerts: 1, outboxDepth: 1 },
        f: { type: 'failed', batchId: id(btcUp), error: 'Message failed: 550 scripted', outboxDepth: 0 },
      } satisfies Record<string, DeliveryReport>);
      expectSubscriptions(refuse.subscriptions).toBe('100ms ^-!');
    });
    expect(readdirSync(join(dir.path, 'outbox', 'failed'))).to.deep.equal([`${id(btcUp)}.json`]);
    expect(existsSync(join(dir.path, 'outbox', `${id(btcUp)}.json`))).to.equal(false);
  });

  it('flushes the open group at once when the input completes, and completes after sending', () => {
    testScheduler.run(({ hot, cold, expectObservable }) => {
      const transport = fakeTransport([cold('--(r|)', { r: '250 OK' })]);
      const alerts = hot<Alert>('   a 10ms |        ', { a: btcUp });
      const expected = '            - 10ms q - (s|) ';
      expectObservable(alerts.pipe(emailSink(config, options(transport)))).toBe(expected, {
        q: { type: 'queued', batchId: id(btcUp), alerts: 1, outboxDepth: 1 },
        s: { type: 'sent', batchId: id(btcUp), alerts: 1, attempt: 1, outboxDepth: 0 },
      } satisfies Record<string, DeliveryReport>);
    });
  });

  it('keeps trying for flushTimeoutMs after the input completed, then leaves the rest in the outbox', () => {
    const lines: string[] = [];
    const logger = createLogger('email', { write: (line) => lines.push(line) });
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const hang = cold<string>('-');
      const transport = fakeTransport([hang]);
      const alerts = hot<Alert>('   a 200ms b 10ms |              ', { a: btcUp, b: ethDown });
      const expected = '            100ms q 111ms r 999ms (lm|) ';
      expectObservable(alerts.pipe(emailSink(config, options(transport, { logger })))).toBe(expected, {
        q: { type: 'queued', batchId: id(btcUp), alerts: 1, outboxDepth: 1 },
        r: { type: 'queued', batchId: id(ethDown), alerts: 1, outboxDepth: 2 },
        l: { type: 'left', batchId: id(btcUp), outboxDepth: 2 },
        m: { type: 'left', batchId: id(ethDown), outboxDepth: 2 },
      } satisfies Record<string, DeliveryReport>);
      // The attempt in flight is aborted at the deadline.
      expectSubscriptions(hang.subscriptions).toBe('100ms ^ 1111ms !');
    });
    expect(emailOutbox(dir.path).load().batches.map((b) => b.batchId)).to.have.members([id(btcUp), id(ethDown)]);
    const leftLines = lines.filter((line) => line.includes('left unsent'));
    expect(leftLines).to.have.length(2);
    expect(leftLines[0]).to.match(/\[WARN\] email: batch \w+ \(1 alert\) left unsent in .*outbox; it is sent at the next start$/);
  });

  it('completes at once when nothing is pending, and closes the transport', () => {
    const transport = fakeTransport([]);
    testScheduler.run(({ hot, expectObservable }) => {
      const alerts = hot<Alert>('   50ms | ');
      const expected = '            50ms | ';
      expectObservable(alerts.pipe(emailSink(config, options(transport)))).toBe(expected);
    });
    expect(transport.closed).to.equal(1);
  });

  it('first resends what an earlier run left, oldest first, with the same Message-ID', () => {
    const earlierOutbox = emailOutbox(dir.path);
    const older = emailBatch([ethDown], 1);
    const newer = emailBatch([krakenDown], 2);
    earlierOutbox.put(newer);
    earlierOutbox.put(older);
    const transport = fakeTransport([]);
    testScheduler.run(({ hot, cold, expectObservable }) => {
      transport.send = (message) => (transport.sent.push(message), cold('--(r|)', { r: '250' }));
      const alerts = hot<Alert>('   a 200ms |                ', { a: btcUp });
      const expected = '            -- s - t 95ms q - u 98ms | ';
      expectObservable(alerts.pipe(emailSink(config, options(transport)))).toBe(expected, {
        s: { type: 'sent', batchId: older.batchId, alerts: 1, attempt: 1, outboxDepth: 1 },
        t: { type: 'sent', batchId: newer.batchId, alerts: 1, attempt: 1, outboxDepth: 0 },
        q: { type: 'queued', batchId: id(btcUp), alerts: 1, outboxDepth: 1 },
        u: { type: 'sent', batchId: id(btcUp), alerts: 1, attempt: 1, outboxDepth: 0 },
      } satisfies Record<string, DeliveryReport>);
    });
    expect(transport.sent.map((m) => m.messageId)).to.deep.equal([older.messageId, newer.messageId, emailBatch([btcUp], 0).messageId]);
  });

  it('sends later batches after an earlier one that is still retrying, in order', () => {
    testScheduler.run(({ hot, cold, expectObservable }) => {
      const fail = cold<string>('--#', undefined, smtpError(421));
      const accept = cold('--(r|)', { r: '250' });
      const transport = fakeTransport([fail, accept]);
      const alerts = hot<Alert>('   a 101ms b 300ms |                  ', { a: btcUp, b: ethDown });
      const expected = '            100ms q - x 11ms s 87ms r - t 198ms | ';
      expectObservable(alerts.pipe(emailSink(config, options(transport)))).toBe(expected, {
        q: { type: 'queued', batchId: id(btcUp), alerts: 1, outboxDepth: 1 },
        x: { type: 'retry', batchId: id(btcUp), attempt: 1, delayMs: 10, error: 'Message failed: 421 scripted' },
        s: { type: 'sent', batchId: id(btcUp), alerts: 1, attempt: 2, outboxDepth: 0 },
        r: { type: 'queued', batchId: id(ethDown), alerts: 1, outboxDepth: 1 },
        t: { type: 'sent', batchId: id(ethDown), alerts: 1, attempt: 1, outboxDepth: 0 },
      } satisfies Record<string, DeliveryReport>);
    });
  });

  it('does not send the same alerts twice while they are queued', () => {
    const transport = fakeTransport([]);
    testScheduler.run(({ hot, cold, expectObservable }) => {
      transport.send = (message) => (transport.sent.push(message), cold<string>('-'));
      const alerts = hot<Alert>('   a 200ms a |                  ', { a: btcUp });
      const expected = '            100ms q 100ms - 1000ms (l|) ';
      expectObservable(alerts.pipe(emailSink(config, options(transport)))).toBe(expected, {
        q: { type: 'queued', batchId: id(btcUp), alerts: 1, outboxDepth: 1 },
        l: { type: 'left', batchId: id(btcUp), outboxDepth: 1 },
      } satisfies Record<string, DeliveryReport>);
    });
    expect(transport.sent).to.have.length(1);
  });

  it('passes an input error on, keeping queued batches in the outbox', () => {
    const transport = fakeTransport([]);
    testScheduler.run(({ hot, cold, expectObservable }) => {
      transport.send = (message) => (transport.sent.push(message), cold<string>('-'));
      const alerts = hot<Alert>('   a 150ms #          ', { a: btcUp });
      const expected = '            100ms q 50ms # ';
      expectObservable(alerts.pipe(emailSink(config, options(transport)))).toBe(expected, {
        q: { type: 'queued', batchId: id(btcUp), alerts: 1, outboxDepth: 1 },
      } satisfies Record<string, DeliveryReport>);
    });
    expect(transport.closed).to.equal(1);
    expect(emailOutbox(dir.path).load().batches).to.have.length(1);
  });

  it('stops every timer and attempt, and closes the transport, when unsubscribed', () => {
    const transport = fakeTransport([]);
    testScheduler.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const hang = cold<string>('-');
      transport.send = (message) => (transport.sent.push(message), hang);
      const alerts = hot<Alert>('   a 300ms b  ', { a: btcUp, b: ethDown });
      const unsub = '              150ms !      ';
      const expected = '            100ms q      ';
      expectObservable(alerts.pipe(emailSink(config, options(transport))), unsub).toBe(expected, {
        q: { type: 'queued', batchId: id(btcUp), alerts: 1, outboxDepth: 1 },
      } satisfies Record<string, DeliveryReport>);
      expectSubscriptions(hang.subscriptions).toBe('100ms ^ 49ms !');
      expectSubscriptions(alerts.subscriptions).toBe('^ 149ms !');
    });
    expect(transport.closed).to.equal(1);
  });

  it('logs one line per batch event, never one per alert', () => {
    const lines: string[] = [];
    const logger = createLogger('email', { write: (line) => lines.push(line.replace(/^\S+ \S+ /, '')), level: 'DEBUG' });
    testScheduler.run(({ hot, cold, expectObservable }) => {
      const transport = fakeTransport([cold<string>('--#', undefined, smtpError(451)), cold<string>('--#', undefined, smtpError(550))]);
      const alerts = hot<Alert>('a b c 300ms |', { a: btcUp, b: ethDown, c: krakenDown });
      expectObservable(alerts.pipe(emailSink(config, options(transport, { logger, retryBaseMs: 3000, retryMaxMs: 60_000, flushTimeoutMs: 5000 }))));
    });
    const batchId = id(btcUp, ethDown, krakenDown);
    expect(lines).to.deep.equal([
      `[INFO] email: queued 3 alerts as batch ${batchId}: 3 alerts: BTC/USDT +5.2% (24h, binance), ETH/USDT -4.1% (1h, coinbase), kraken feed down (outbox: 1)`,
      `[WARN] email: batch ${batchId}: attempt 1 failed: Message failed: 451 scripted; retry in 1.5 s`,
      `[ERROR] email: batch ${batchId} failed permanently: Message failed: 550 scripted; moved to ${join(dir.path, 'outbox', 'failed', `${batchId}.json`)}`,
    ]);
  });
});
