import { TestScheduler } from 'rxjs/testing';
import type { FeedEvent, FeedState } from '../../src/domain/feed-status.js';
import { allFeedsLive } from '../../src/ops/all-feeds-live.js';
import { createTestScheduler } from '../helpers/test-scheduler.js';

const status = (exchange: string, state: FeedState): FeedEvent => ({ type: 'status', status: { exchange, state, since: 0, reconnects: 0 } });

describe('allFeedsLive', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = createTestScheduler();
  });
  const events = {
    b: status('binance', 'live'),
    B: status('binance', 'backoff'),
    k: status('kraken', 'live'),
    c: status('coinbase', 'stale'), // not enabled
    r: { type: 'rejected', exchange: 'binance', rejection: { reason: 'not_json', excerpt: 'x' } } as FeedEvent,
  };

  it('is true only while every enabled feed is live', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('  -b-c-k-r-B-b-k-|', events);
      const expected = '    f----t---f-t---|';
      expectObservable(source.pipe(allFeedsLive(['binance', 'kraken']))).toBe(expected, { t: true, f: false });
      expectSubscriptions(source.subscriptions).toBe('^--------------!');
    });
  });

  it('is true at once when no feed is enabled, and passes errors through', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const source = hot('  -b-#', events);
      expectObservable(source.pipe(allFeedsLive([]))).toBe('t--#', { t: true });
    });
  });
});
