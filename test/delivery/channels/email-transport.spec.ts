import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { lastValueFrom, toArray } from 'rxjs';
import type { EmailConfig } from '../../../src/domain/config-types.js';
import { classifyEmailFailure } from '../../../src/delivery/channels/email-failure.js';
import { smtpTransport, type EmailMessage } from '../../../src/delivery/channels/email-transport.js';
import { startSmtpTestServer, type SmtpTestServer } from '../../helpers/smtp-test-server.js';

const message: EmailMessage = {
  messageId: '<abc123@crypto-supervisor>',
  date: new Date('2023-11-14T22:13:20.000Z'),
  from: 'alerts@example.com',
  to: ['ops@example.com', 'desk@example.com'],
  subject: 'BTC/USDT +5.23% in 24h on binance',
  text: 'plain body\n',
  html: '<p>html body</p>\n',
};

const configFor = (port: number, extra: Partial<EmailConfig> = {}): EmailConfig => ({
  smtp_host: '127.0.0.1', smtp_port: port, from_addr: 'alerts@example.com', to_addrs: ['ops@example.com'],
  secure: false, group_wait_ms: 50, ...extra,
});

async function failureOf(send: Promise<unknown>): Promise<unknown> {
  try {
    await send;
  } catch (error) {
    return error;
  }
  throw new Error('expected the send to fail');
}

describe('smtpTransport', () => {
  let smtp: SmtpTestServer | undefined;
  afterEach(async () => {
    await smtp?.close();
    smtp = undefined;
  });

  it('delivers one message with its Message-ID, Date, addresses and both bodies, then completes', async () => {
    smtp = await startSmtpTestServer();
    const transport = smtpTransport(configFor(smtp.port));
    const replies = await lastValueFrom(transport.send(message).pipe(toArray()));
    transport.close();
    expect(replies).to.have.length(1);
    expect(replies[0]).to.match(/^250 /);
    expect(smtp.received).to.have.length(1);
    const [email] = smtp.received;
    expect(email!.envelopeFrom).to.equal('alerts@example.com');
    expect(email!.envelopeTo).to.deep.equal(['ops@example.com', 'desk@example.com']);
    expect(email!.messageId).to.equal('<abc123@crypto-supervisor>');
    expect(email!.subject).to.equal('BTC/USDT +5.23% in 24h on binance');
    expect(email!.headers.get('date')).to.equal('Tue, 14 Nov 2023 22:13:20 +0000');
    expect(email!.headers.get('to')).to.equal('ops@example.com, desk@example.com');
    expect(email!.headers.get('auto-submitted')).to.equal('auto-generated');
    expect(email!.text).to.equal('plain body\n');
    expect(email!.html).to.equal('<p>html body</p>\n');
  });

  it('authenticates only when a username is configured', async () => {
    smtp = await startSmtpTestServer({ auth: { username: 'alerts', password: 's3cret' } });
    const withAuth = smtpTransport(configFor(smtp.port, { username: 'alerts', password: 's3cret' }));
    await lastValueFrom(withAuth.send(message));
    withAuth.close();
    expect(smtp.authAttempts).to.deep.equal([{ method: 'PLAIN', username: 'alerts', password: 's3cret', accepted: true }]);
    expect(smtp.received[0]!.user).to.equal('alerts');

    const withoutAuth = smtpTransport(configFor(smtp.port));
    const error = await failureOf(lastValueFrom(withoutAuth.send(message)));
    withoutAuth.close();
    expect(smtp.authAttempts).to.have.length(1);
    expect(classifyEmailFailure(error).reason).to.match(/530/);
  });

  it('fails with a wrong password as a permanent 535', async () => {
    smtp = await startSmtpTestServer({ auth: { username: 'alerts', password: 's3cret' } });
    const transport = smtpTransport(configFor(smtp.port, { username: 'alerts', password: 'wrong' }));
    const error = await failureOf(lastValueFrom(transport.send(message)));
    transport.close();
    expect(classifyEmailFailure(error)).to.deep.include({ permanent: true });
    expect(classifyEmailFailure(error).reason).to.match(/535/);
    expect(smtp.received).to.have.length(0);
  });

  it('errors with a temporary 451 and a permanent 550, one attempt per subscription', async () => {
    smtp = await startSmtpTestServer({ answers: [451, { code: 550, message: 'mailbox unavailable', stage: 'rcpt' }, 250] });
    const transport = smtpTransport(configFor(smtp.port));
    const send$ = transport.send(message);
    const first = classifyEmailFailure(await failureOf(lastValueFrom(send$)));
    const second = classifyEmailFailure(await failureOf(lastValueFrom(send$)));
    await lastValueFrom(send$);
    transport.close();
    expect(first).to.deep.equal({ permanent: false, reason: 'Message failed: 451 scripted 451' });
    expect(second.permanent).to.equal(true);
    expect(second.reason).to.match(/550 mailbox unavailable/);
    expect(smtp.attempts).to.equal(3);
    expect(smtp.received).to.have.length(1);
  });

  it('errors with a temporary failure when nothing listens', async () => {
    const closed = await startSmtpTestServer();
    await closed.close();
    const transport = smtpTransport(configFor(closed.port));
    const failure = classifyEmailFailure(await failureOf(lastValueFrom(transport.send(message))));
    transport.close();
    expect(failure.permanent).to.equal(false);
    expect(failure.reason).to.match(/ECONNREFUSED/);
  });

  describe('when unsubscribed mid-attempt', () => {
    let silent: Server;
    const sockets: Socket[] = [];
    afterEach(async () => {
      sockets.forEach((s) => s.destroy());
      await new Promise((resolve) => silent.close(resolve));
    });

    it('aborts the attempt and closes the connection', async () => {
      // A server that accepts and never greets: the attempt hangs until it is aborted.
      const closedByClient = new Promise<void>((resolve) => {
        silent = createServer((socket) => {
          sockets.push(socket);
          socket.on('close', () => resolve());
        });
      });
      const connected = new Promise<void>((resolve) => silent.once('connection', () => resolve()));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const transport = smtpTransport(configFor((silent.address() as AddressInfo).port), { greetingMs: 60_000 });
      const subscription = transport.send(message).subscribe({ error: () => undefined });
      await connected;
      subscription.unsubscribe();
      await closedByClient;
      transport.close();
    });
  });
});
