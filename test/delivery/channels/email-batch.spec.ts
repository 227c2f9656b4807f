import { expect } from 'chai';
import { emailBatch } from '../../../src/delivery/channels/email-batch.js';
import { btcUp, ethDown, T0 } from './email/alert-fixtures.js';

describe('emailBatch', () => {
  it('derives a stable Message-ID and id from the alerts alone', () => {
    const batch = emailBatch([btcUp, ethDown], T0);
    expect(batch.messageId).to.match(/^<[0-9a-f]{64}@crypto-supervisor>$/);
    expect(batch.batchId).to.equal(batch.messageId.slice(1, 17));
    const reordered = Object.fromEntries(Object.entries(btcUp).reverse()) as typeof btcUp;
    expect(emailBatch([reordered, { ...ethDown }], T0 + 5000).messageId).to.equal(batch.messageId);
  });

  it('gives different alerts different ids', () => {
    expect(emailBatch([btcUp], T0).messageId).not.to.equal(emailBatch([ethDown], T0).messageId);
    expect(emailBatch([btcUp, ethDown], T0).messageId).not.to.equal(emailBatch([ethDown, btcUp], T0).messageId);
    expect(emailBatch([btcUp], T0).messageId).not.to.equal(emailBatch([{ ...btcUp, level: 2 }], T0).messageId);
  });

  it('keeps the alerts and the time the batch was closed', () => {
    const batch = emailBatch([btcUp], T0);
    expect(batch.alerts).to.deep.equal([btcUp]);
    expect(batch.createdAt).to.equal(T0);
  });
});
