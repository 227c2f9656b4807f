import { expect } from 'chai';
import { classifyEmailFailure } from '../../../src/delivery/channels/email-failure.js';

const smtpError = (message: string, fields: Record<string, unknown>) => Object.assign(new Error(message), fields);

describe('classifyEmailFailure', () => {
  it('retries 4xx replies and refuses 5xx ones for good', () => {
    expect(classifyEmailFailure(smtpError('Message failed: 451 try later', { responseCode: 451 }))).to.deep.equal({
      permanent: false,
      reason: 'Message failed: 451 try later',
    });
    expect(classifyEmailFailure(smtpError('Message failed: 550 no such user', { responseCode: 550 })).permanent).to.equal(true);
    expect(classifyEmailFailure(smtpError('Invalid login: 535 bad', { code: 'EAUTH', responseCode: 535 })).permanent).to.equal(true);
  });

  it('treats 503 (bad sequence) as temporary: a new connection can succeed', () => {
    expect(classifyEmailFailure(smtpError('503 bad sequence', { responseCode: 503 })).permanent).to.equal(false);
  });

  it("trusts nodemailer's permanent flag", () => {
    expect(classifyEmailFailure(smtpError('x', { responseCode: 550, permanent: false })).permanent).to.equal(false);
  });

  it('retries connection failures and timeouts', () => {
    expect(classifyEmailFailure(smtpError('connect ECONNREFUSED 127.0.0.1:25', { code: 'ESOCKET', originalCode: 'ECONNREFUSED' }))).to.deep.equal({
      permanent: false,
      reason: 'connect ECONNREFUSED 127.0.0.1:25',
    });
    expect(classifyEmailFailure(smtpError('Greeting never received', { code: 'ETIMEDOUT' })).permanent).to.equal(false);
  });

  it('gives up on settings that cannot work', () => {
    expect(classifyEmailFailure(smtpError('Missing credentials for "PLAIN"', { code: 'ENOAUTH' })).permanent).to.equal(true);
  });

  it('keeps the reason on one line and copes with non-errors', () => {
    expect(classifyEmailFailure(new Error('line one\r\n  line two')).reason).to.equal('line one line two');
    expect(classifyEmailFailure('socket hang up')).to.deep.equal({ permanent: false, reason: 'socket hang up' });
  });
});
