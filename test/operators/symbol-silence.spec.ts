import { expect } from 'chai';
import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { FeedState } from '../../src/domain/feed-status.js';
import { type SymbolActivity, type SymbolSilence, silentSymbols } from '../../src/operators/symbol-silence.js';
import { createTestScheduler } from '../helpers/test-scheduler.js';

const status = (exchange: string, state: FeedState): SymbolActivity => ({
  type: 'status', status: { exchange, state, since: 0, reconnects: 0 },
});
const tick = (exchange: string, symbol: string): SymbolActivity => ({
  type: 'tick', tick: { exchange, symbol, price: 100, ts: 0 },
});

describe('silentSymbols', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = createTestScheduler();
  });

  const AFTER = 100;
  const feeds = [{ exchange: 'binance', symbols: ['BTC/USDT', 'ETH/USDT'] }];
  const activity = {
    l: status('binance', 'live'),
    b: status('binance', 'backoff'),
    x: status('binance', 'stopped'),
    B: tick('binance', 'BTC/USDT'),
    E: tick('binance', 'ETH/USDT'),
    r: { type: 'rejected', exchange: 'binance', rejection: { reason: 'not_json', excerpt: 'x' } } as SymbolActivity,
  };
  const silent = (symbol: string, silentSinceTs: number, ts: number): SymbolSilence => ({
    type: 'silent', exchange: 'binance', symbol, silentSinceTs, ts,
  });
  const resumed = (symbol: string, silentSinceTs: number, ts: number): SymbolSilence => ({
    type: 'resumed', exchange: 'binance', symbol, silentSinceTs, ts,
  });

  it('reports a configured symbol that never ticks on a live feed, once', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      // BTC ticks every 40 ms; ETH never does (mistyped, delisted...)
      const source = hot('  l 39ms B 39ms B 39ms B 39ms B 39ms B 39ms B', activity);
      const sub = '         ^ 299ms !';
      const expected = '    100ms e';
      expectObservable(source.pipe(silentSymbols(AFTER, feeds)), sub).toBe(expected, { e: silent('ETH/USDT', 0, 100) });
    });
  });

  it('follows a reload\'s symbol list (watch): a removed symbol is never reported, an added one gets a clock from then on', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      // At 50 ms the config drops ETH/USDT (never ticked) and adds SOL/USDT (never ticks either).
      const source = hot('  l 49ms w', { ...activity, w: { type: 'watch', exchange: 'binance', symbols: ['BTC/USDT', 'SOL/USDT'] } as SymbolActivity });
      const sub = '         ^ 299ms !';
      // BTC/USDT: silent at 100 (its clock from the feed going live); SOL/USDT: at 150 (its clock from the watch).
      const expected = '    100ms b 49ms s';
      expectObservable(source.pipe(silentSymbols(AFTER, feeds)), sub).toBe(expected, {
        b: silent('BTC/USDT', 0, 100),
        s: silent('SOL/USDT', 50, 150),
      });
    });
  });

  it('matches its @example: ETH/USDT never ticks, reported at 600000', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const source = hot('  l', activity);
      const silences = source.pipe(
        silentSymbols(600_000, [{ exchange: 'binance', symbols: ['ETH/USDT'] }]),
        map((s) => `${s.type} ${s.symbol} ${s.ts}`),
      );
      expectObservable(silences, '^ 999999ms !').toBe('600000ms s', { s: 'silent ETH/USDT 600000' });
    });
  });

  it('reports a symbol that stops ticking, counting from its last tick, and says when it resumes', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const source = hot('  l 9ms (BE) 26ms B 29ms r 129ms E 9ms E', activity);
      //                    E ticks at 10, silent at 110, ticks again at 200
      const sub = '         ^ 299ms !';
      const expected = '    110ms e 29ms b 59ms f';
      expectObservable(source.pipe(silentSymbols(AFTER, feeds)), sub).toBe(expected, {
        e: silent('ETH/USDT', 10, 110),
        b: silent('BTC/USDT', 40, 140),
        f: resumed('ETH/USDT', 10, 200),
      });
    });
  });

  it('does not count time while the feed is down, and restarts the clock when it is live again', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      // down from 50 to 250: no silence then; live again at 250, so silences are due at 350
      const source = hot('  l 49ms b 199ms l', activity);
      const sub = '         ^ 399ms !';
      const expected = '    350ms (be)';
      expectObservable(source.pipe(silentSymbols(AFTER, feeds)), sub).toBe(expected, {
        b: silent('BTC/USDT', 250, 350),
        e: silent('ETH/USDT', 250, 350),
      });
    });
  });

  it('does not report the same silence again after a reconnect', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const source = hot('  l 119ms b 29ms l', activity);
      const sub = '         ^ 399ms !';
      const expected = '    100ms (be)';
      expectObservable(source.pipe(silentSymbols(AFTER, feeds)), sub).toBe(expected, {
        b: silent('BTC/USDT', 0, 100),
        e: silent('ETH/USDT', 0, 100),
      });
    });
  });

  it('watches symbols that tick without being configured', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const source = hot('  l 9ms B', activity);
      const sub = '         ^ 199ms !';
      expectObservable(source.pipe(silentSymbols(AFTER)), sub).toBe('110ms b', { b: silent('BTC/USDT', 10, 110) });
    });
  });

  it('completes with the source and cancels its timers', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('  l 9ms |', activity);
      expectObservable(source.pipe(silentSymbols(AFTER, feeds))).toBe('- 9ms |');
      expectSubscriptions(source.subscriptions).toBe('^ 9ms !');
      testScheduler.schedule(() => expect(testScheduler.actions.length).to.equal(0), 20);
    });
  });

  it('passes errors through', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const source = hot('  l 9ms #', activity, new Error('boom'));
      expectObservable(source.pipe(silentSymbols(AFTER, feeds))).toBe('- 9ms #', {}, new Error('boom'));
    });
  });

  it('stops its timers on early unsubscribe', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('  l 9ms B', activity);
      const sub = '         ^ 49ms !';
      expectObservable(source.pipe(silentSymbols(AFTER, feeds)), sub).toBe('');
      expectSubscriptions(source.subscriptions).toBe(sub);
      testScheduler.schedule(() => expect(testScheduler.actions.length).to.equal(0), 60);
    });
  });

  it('stops the clocks when the feed is stopped', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const source = hot('  l 9ms x', activity);
      expectObservable(source.pipe(silentSymbols(AFTER, feeds)), '^ 299ms !').toBe('');
    });
  });
});
