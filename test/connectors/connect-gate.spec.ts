import { expect } from 'chai';
import { connectGate, connectGates } from '../../src/connectors/connect-gate.js';
import { createTestScheduler } from '../helpers/test-scheduler.js';

describe('connectGate', () => {
  it('spaces attempts made together by the minimum interval', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(() => {
      const gate = connectGate(1000, testScheduler);
      expect([gate.reserve(), gate.reserve(), gate.reserve()]).to.deep.equal([0, 1000, 2000]);
    });
  });

  it('lets an attempt through at once when the last one is long enough ago', () => {
    const testScheduler = createTestScheduler();
    const waits: number[] = [];
    testScheduler.run(() => {
      const gate = connectGate(1000, testScheduler);
      waits.push(gate.reserve());
      testScheduler.schedule(() => waits.push(gate.reserve()), 400);
      testScheduler.schedule(() => waits.push(gate.reserve()), 5000);
    });
    expect(waits).to.deep.equal([0, 600, 0]);
  });

  describe('connectGates', () => {
    it('gives every caller of one exchange the same budget, and other exchanges their own', () => {
      const testScheduler = createTestScheduler();
      testScheduler.run(() => {
        const gates = connectGates();
        const first = gates.gate('binance', 1000, testScheduler);
        const second = gates.gate('binance', 1000, testScheduler);
        const kraken = gates.gate('kraken', 4000, testScheduler);
        expect([first.reserve(), second.reserve(), first.reserve(), kraken.reserve(), kraken.reserve()]).to.deep.equal([0, 1000, 2000, 0, 4000]);
      });
    });

    it('keeps clocks apart: a virtual-time scheduler never shares slots with another', () => {
      const gates = connectGates();
      const one = createTestScheduler();
      const other = createTestScheduler();
      expect([gates.gate('binance', 1000, one).reserve(), gates.gate('binance', 1000, other).reserve()]).to.deep.equal([0, 0]);
    });
  });
});
