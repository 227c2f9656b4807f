import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { dataDeadline } from '../../src/connectors/data-deadline.js';
import { createTestScheduler } from '../helpers/test-scheduler.js';

describe('dataDeadline', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => (testScheduler = createTestScheduler()));
  const silence = new Error('silent');

  it('errors at the deadline of the last beat, however the beats fell between its wake-ups', () => {
    testScheduler.run(({ expectObservable }) => {
      let last = 0;
      for (const at of [30, 90, 150]) testScheduler.schedule(() => (last = at), at);
      expectObservable(dataDeadline(() => last + 100, () => silence, testScheduler)).toBe('250ms #', undefined, silence);
    });
  });

  it('errors at the first deadline when no beat moves it', () => {
    testScheduler.run(({ expectObservable }) => {
      expectObservable(dataDeadline(() => 100, () => silence, testScheduler)).toBe('100ms #', undefined, silence);
    });
  });

  it('wakes about once per timeout, not once per beat, and unsubscribing cancels its timer', () => {
    let wakeUps = 0;
    testScheduler.run(({ expectObservable }) => {
      let last = 0;
      for (let at = 1; at < 1000; at++) testScheduler.schedule(() => (last = at), at);
      const dueAt = () => {
        wakeUps += 1;
        return last + 100;
      };
      expectObservable(dataDeadline(dueAt, () => silence, testScheduler), '^ 1000ms !').toBe('');
    });
    expect(wakeUps).to.be.within(10, 12);
  });
});
