import { expect } from 'chai';
import fc from 'fast-check';
import { DEFAULT_DELIVERY_RETRY, deliveryRetryDelay } from '../../src/delivery/delivery-retry.js';

describe('deliveryRetryDelay', () => {
  it('doubles from the base and stops at the cap (lowest jitter)', () => {
    const delays = [1, 2, 3, 4, 8, 9, 10, 50].map((attempt) => deliveryRetryDelay(attempt, DEFAULT_DELIVERY_RETRY, () => 0));
    expect(delays).to.deep.equal([1000, 2000, 4000, 8000, 128_000, 150_000, 150_000, 150_000]);
  });

  it('retries the first time within 5 s, whatever the jitter', () => {
    expect(deliveryRetryDelay(1, DEFAULT_DELIVERY_RETRY, () => 0.999999)).to.be.at.most(2000);
  });

  it('stays in the upper half of the ceiling and never above the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const ceiling = Math.min(300_000, 2000 * 2 ** (attempt - 1));
        const delay = deliveryRetryDelay(attempt, DEFAULT_DELIVERY_RETRY, () => r);
        return delay >= ceiling / 2 && delay <= ceiling;
      }),
    );
  });

  it('follows a small test schedule', () => {
    expect([1, 2, 3].map((a) => deliveryRetryDelay(a, { baseMs: 20, maxMs: 50 }, () => 0.5))).to.deep.equal([15, 30, 38]);
  });
});
