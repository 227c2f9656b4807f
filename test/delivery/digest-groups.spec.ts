import { TestScheduler } from 'rxjs/testing';
import { digestGroups } from '../../src/delivery/digest-groups.js';
import { createTestScheduler } from '../helpers/test-scheduler.js';

describe('digestGroups', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = createTestScheduler();
  });

  const WAIT = 100;
  const groups = { A: ['a', 'b', 'c'], B: ['d'], C: ['a'], E: ['e', 'f'] };

  it('sends a burst within the wait as one group, timed from its first item', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const items = hot('  a 20ms b 30ms c 200ms d      ');
      const subs = '       ^                            ';
      const expected = '   100ms A 252ms B              ';
      expectObservable(items.pipe(digestGroups(WAIT, testScheduler))).toBe(expected, groups);
      expectSubscriptions(items.subscriptions).toBe(subs);
    });
  });

  it('starts a new group with the first item after a group closed', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const items = hot('  a 100ms e 50ms f        ');
      const expected = '   100ms C 100ms E         ';
      expectObservable(items.pipe(digestGroups(WAIT, testScheduler))).toBe(expected, groups);
    });
  });

  it('flushes the open group at once when the source completes', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const items = hot('  a b c 10ms |     ');
      const subs = '       ^------------!     ';
      const expected = '   -------------(A|)  ';
      expectObservable(items.pipe(digestGroups(WAIT, testScheduler))).toBe(expected, groups);
      expectSubscriptions(items.subscriptions).toBe(subs);
    });
  });

  it('completes without a group when nothing is open', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const items = hot('  a 200ms |   ');
      const expected = '   100ms C 100ms |';
      expectObservable(items.pipe(digestGroups(WAIT, testScheduler))).toBe(expected, groups);
    });
  });

  it('passes an error through', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const items = hot('  a 10ms #  ');
      const expected = '   - 10ms #  ';
      expectObservable(items.pipe(digestGroups(WAIT, testScheduler))).toBe(expected, groups);
    });
  });

  it('stops its timer when unsubscribed early', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const items = hot('  a 20ms b 200ms   ');
      const unsub = '      50ms !             ';
      const expected = '   ------             ';
      expectObservable(items.pipe(digestGroups(WAIT, testScheduler)), unsub).toBe(expected, groups);
      expectSubscriptions(items.subscriptions).toBe('^ 49ms !');
    });
  });
});
