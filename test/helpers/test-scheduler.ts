import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';

/** A TestScheduler that compares with chai's deep equality. */
export function createTestScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    expect(actual).to.deep.equal(expected);
  });
}
