import { expect } from 'chai';
import { connectGate } from '../../src/connectors/connect-gate.js';
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
});
