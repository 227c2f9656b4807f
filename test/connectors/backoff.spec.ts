import { expect } from 'chai';
import fc from 'fast-check';
import { backoffDelay } from '../../src/connectors/backoff.js';

const config = { initialMs: 5000, maxMs: 60_000 };

describe('backoffDelay', () => {
  it('waits reconnect_delay before the first retry, then doubles up to the cap', () => {
    const nominal = [0, 1, 2, 3, 4, 5, 6, 50].map((failures) => backoffDelay(failures, config, () => 1));
    expect(nominal).to.deep.equal([5000, 10_000, 20_000, 40_000, 60_000, 60_000, 60_000, 60_000]);
  });

  it('jitters down to half the nominal delay, never below', () => {
    expect(backoffDelay(0, config, () => 0)).to.equal(2500);
    expect(backoffDelay(3, config, () => 0)).to.equal(20_000);
    expect(backoffDelay(3, config, () => 0.5)).to.equal(30_000);
    expect(backoffDelay(9, config, () => 0)).to.equal(30_000);
  });

  it('stays within [nominal / 2, nominal] and under the cap for any failure count and jitter', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2000 }), fc.double({ min: 0, max: 1, noNaN: true }), (failures, jitter) => {
        const nominal = Math.min(config.initialMs * 2 ** failures, config.maxMs);
        const delay = backoffDelay(failures, config, () => jitter);
        return delay >= nominal / 2 && delay <= nominal && delay <= config.maxMs;
      }),
    );
  });

  it('treats a zero reconnect_delay as zero (the connect gate keeps the exchange limit)', () => {
    expect(backoffDelay(4, { initialMs: 0, maxMs: 60_000 }, () => 1)).to.equal(0);
  });
});
