import { expect } from 'chai';
import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { FeedAlert } from '../../src/domain/alert.js';
import type { FeedState, FeedStatus } from '../../src/domain/feed-status.js';
import { feedDownAlerts } from '../../src/operators/feed-down-alerts.js';
import { createTestScheduler } from '../helpers/test-scheduler.js';

const status = (exchange: string, state: FeedState, reconnects = 0, reason?: string): FeedStatus => ({
  exchange, state, since: 0, reconnects, ...(reason ? { reason } : {}),
});

describe('feedDownAlerts', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = createTestScheduler();
  });

  const AFTER = 100;
  const statuses = {
    c: status('binance', 'connecting'),
    l: status('binance', 'live'),
    b: status('binance', 'backoff', 1, 'server closed 1006'),
    r: status('binance', 'connecting', 1),
    s: status('binance', 'stale', 1, 'no message for 30000 ms'),
    g: status('binance', 'degraded', 1, 'all 9 frames of the last 30000 ms rejected (last: wrong_shape)'),
    x: status('binance', 'stopped', 1),
    K: status('kraken', 'connecting'),
    L: status('kraken', 'live'),
    B: status('kraken', 'backoff', 1, 'ECONNREFUSED'),
  };

  it('raises one feed_down per outage, however many reconnects it takes, and one feed_recovered naming the blind interval', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      // leaves live at 10, reported at 110 (latest reason: the backoff at 105), live again at 125;
      // the stale at 146 is a new outage, reported at 246
      const source = hot('  l 9ms b 9ms r 9ms b 59ms r 14ms b 9ms r 9ms l 20ms s', statuses);
      const sub = '         ^ 299ms !';
      const expected = '    110ms d 14ms u 120ms e';
      const values: Record<string, FeedAlert> = {
        d: { kind: 'feed', rule: 'feed_down', exchange: 'binance', ts: 110, downSince: 10, blindMs: 100, reason: 'backoff: server closed 1006' },
        u: { kind: 'feed', rule: 'feed_recovered', exchange: 'binance', ts: 125, downSince: 10, blindMs: 115 },
        e: { kind: 'feed', rule: 'feed_down', exchange: 'binance', ts: 246, downSince: 146, blindMs: 100, reason: 'stale: no message for 30000 ms' },
      };
      expectObservable(source.pipe(feedDownAlerts(AFTER)), sub).toBe(expected, values);
      expectSubscriptions(source.subscriptions).toBe(sub);
    });
  });

  it('counts a degraded feed (frames arrive, all rejected) as down', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const source = hot('  l 9ms g 200ms l', statuses);
      const values: Record<string, FeedAlert> = {
        d: { kind: 'feed', rule: 'feed_down', exchange: 'binance', ts: 110, downSince: 10, blindMs: 100,
          reason: 'degraded: all 9 frames of the last 30000 ms rejected (last: wrong_shape)' },
        u: { kind: 'feed', rule: 'feed_recovered', exchange: 'binance', ts: 211, downSince: 10, blindMs: 201 },
      };
      expectObservable(source.pipe(feedDownAlerts(AFTER))).toBe('110ms d 100ms u', values);
    });
  });

  it('matches its @example: down 120000 ms after the backoff, recovered at 150000', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const source = hot('  b 149999ms l', statuses);
      const rules = source.pipe(feedDownAlerts(120_000), map((a) => `${a.rule} ${a.blindMs}`));
      expectObservable(rules).toBe('120000ms d 29999ms u', { d: 'feed_down 120000', u: 'feed_recovered 150000' });
    });
  });

  it('stays silent when the feed is live again before the threshold', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const source = hot('  l 9ms b 49ms r 9ms l 9ms s 89ms l 50ms |', statuses);
      const expected = '    221ms |';
      expectObservable(source.pipe(feedDownAlerts(AFTER))).toBe(expected, {});
    });
  });

  it('reports a feed that never came up, from subscription time', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const source = hot('  c 29ms b 29ms r 29ms b', statuses);
      const sub = '         ^ 149ms !';
      const expected = '    100ms d';
      const values = {
        d: { kind: 'feed', rule: 'feed_down', exchange: 'binance', ts: 100, downSince: 0, blindMs: 100, reason: 'backoff: server closed 1006' },
      };
      expectObservable(source.pipe(feedDownAlerts(AFTER)), sub).toBe(expected, values);
    });
  });

  it('watches each exchange on its own', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const source = hot('  (cK) 6ms (lL) 6ms B 149ms L', statuses);
      const sub = '         ^ 199ms !';
      const expected = '    120ms d 49ms u';
      const values = {
        d: { kind: 'feed', rule: 'feed_down', exchange: 'kraken', ts: 120, downSince: 20, blindMs: 100, reason: 'backoff: ECONNREFUSED' },
        u: { kind: 'feed', rule: 'feed_recovered', exchange: 'kraken', ts: 170, downSince: 20, blindMs: 150 },
      };
      expectObservable(source.pipe(feedDownAlerts(AFTER)), sub).toBe(expected, values);
    });
  });

  it('treats stopped as a deliberate stop, not an outage', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const source = hot('  l 9ms b 9ms x', statuses);
      const sub = '         ^ 299ms !';
      expectObservable(source.pipe(feedDownAlerts(AFTER)), sub).toBe('', {});
    });
  });

  it('completes with the source and cancels the pending feed_down', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('  l 9ms b 9ms |', statuses);
      const expected = '    - 9ms - 9ms |';
      expectObservable(source.pipe(feedDownAlerts(AFTER))).toBe(expected, {});
      expectSubscriptions(source.subscriptions).toBe('^ 9ms - 9ms !');
    });
  });

  it('passes errors through', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const source = hot('  l 9ms b 9ms #', statuses, new Error('socket factory failed'));
      expectObservable(source.pipe(feedDownAlerts(AFTER))).toBe('- 9ms - 9ms #', {}, new Error('socket factory failed'));
    });
  });

  it('stops its timers on early unsubscribe', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('  l 9ms b', statuses);
      const sub = '         ^ 49ms !';
      expectObservable(source.pipe(feedDownAlerts(AFTER)), sub).toBe('', {});
      expectSubscriptions(source.subscriptions).toBe(sub);
      // the pending feed_down (due at 110) must not run after unsubscription
      testScheduler.schedule(() => expect(testScheduler.actions.length).to.equal(0), 60);
    });
  });
});
