import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { StaleFeedError, watchdog } from '../../src/connectors/watchdog.js';
import { createTestScheduler } from '../helpers/test-scheduler.js';

describe('watchdog', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => (testScheduler = createTestScheduler()));

  it('mirrors the source while it keeps talking, and errors after staleAfterMs of silence', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a 50ms b 200ms c');
      const expected = '   -a 50ms b 99ms #';
      expectObservable(source.pipe(watchdog(100, testScheduler))).toBe(expected, undefined, new StaleFeedError(100));
      expectSubscriptions(source.subscriptions).toBe('^ 151ms !');
    });
  });

  it('counts silence from subscription when nothing arrives at all', () => {
    testScheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('-').pipe(watchdog(100, testScheduler))).toBe('100ms #', undefined, new StaleFeedError(100));
    });
  });

  it('passes completion and errors through, and unsubscribing early cancels the timer', () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      expectObservable(cold('-a|').pipe(watchdog(100, testScheduler))).toBe('-a|');
      expectObservable(cold('-a#').pipe(watchdog(100, testScheduler))).toBe('-a#');
      const silent = cold('-a');
      expectObservable(silent.pipe(watchdog(100, testScheduler)), '^ 50ms !').toBe('-a');
      expectSubscriptions(silent.subscriptions).toBe('^ 50ms !');
    });
  });

  it('names the silence in its message', () => {
    expect(new StaleFeedError(30_000).message).to.equal('no message for 30000 ms');
  });
});
