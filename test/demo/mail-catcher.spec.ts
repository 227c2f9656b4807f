import { expect } from 'chai';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { type MailCatcher, startMailCatcher } from '../../src/demo/mail-catcher.js';
import type { CaughtMail } from '../../src/demo/parse-mail.js';

describe('startMailCatcher', () => {
  let catcher: MailCatcher;
  const seen: CaughtMail[] = [];
  beforeEach(async () => {
    seen.length = 0;
    catcher = await startMailCatcher({ onMail: (mail) => seen.push(mail), now: () => 1_000 });
  });
  afterEach(() => catcher.close());

  const send = (message: SendMailOptions) =>
    nodemailer.createTransport({ host: '127.0.0.1', port: catcher.port, secure: false, ignoreTLS: true }).sendMail(message);

  it('catches what nodemailer sends over SMTP: envelope, decoded subject and the text part of a multipart message', async () => {
    const text = `BTC/USDT on binance: up +7.00% in 24h\n  Price:        68,480.00 … ${'long line '.repeat(12)}\n.leading dot\n`;
    await send({
      from: 'crypto-supervisor@demo.invalid',
      to: ['you@demo.invalid', 'ops@demo.invalid'],
      subject: 'BTC/USDT +7.00% in 24h on binance … ▲',
      text,
      html: '<p>html part</p>',
    });
    expect(seen).to.have.length(1);
    expect(catcher.caught()).to.deep.equal(seen);
    const mail = seen[0]!;
    expect(mail.ts).to.equal(1_000);
    expect(mail.from).to.equal('crypto-supervisor@demo.invalid');
    expect(mail.to).to.deep.equal(['you@demo.invalid', 'ops@demo.invalid']);
    expect(mail.subject).to.equal('BTC/USDT +7.00% in 24h on binance … ▲');
    expect(mail.text).to.equal(text);
  });

  it('keeps one message per DATA on one connection, in order', async () => {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: catcher.port, secure: false, ignoreTLS: true, pool: true });
    await transport.sendMail({ from: 'a@demo.invalid', to: 'b@demo.invalid', subject: 'first', text: 'one' });
    await transport.sendMail({ from: 'a@demo.invalid', to: 'b@demo.invalid', subject: 'second', text: 'two' });
    transport.close();
    expect(seen.map((mail) => [mail.subject, mail.text.trim()])).to.deep.equal([['first', 'one'], ['second', 'two']]);
  });
});
