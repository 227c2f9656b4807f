import { expect } from 'chai';
import { auditTime, map } from 'rxjs';
import type { Tick } from '../../src/domain/tick.js';
import { createPriceState, priceState } from '../../src/operators/price-state.js';
import { createTestScheduler } from '../helpers/test-scheduler.js';

const tick = (exchange: string, symbol: string, price: number, ts: number): Tick => ({ exchange, symbol, price, ts });

describe('createPriceState', () => {
  it('matches its @example: a late tick does not replace a newer price', () => {
    const state = createPriceState();
    state.update({ exchange: 'binance', symbol: 'BTC/USDT', price: 64000, ts: 2 });
    state.update({ exchange: 'binance', symbol: 'BTC/USDT', price: 63000, ts: 1 });
    expect(state.getLatest('binance', 'BTC/USDT')?.price).to.equal(64000);
  });

  it('keeps the latest tick per (exchange, symbol)', () => {
    const state = createPriceState();
    const a = tick('binance', 'BTC/USDT', 1, 1);
    const b = tick('kraken', 'BTC/USDT', 2, 1);
    const c = tick('binance', 'ETH/USDT', 3, 1);
    const d = tick('binance', 'BTC/USDT', 4, 2);
    const e = tick('binance', 'BTC/USDT', 5, 2); // same ts, later arrival
    for (const t of [a, b, c, d, e]) state.update(t);
    expect(state.getLatest('binance', 'BTC/USDT')).to.equal(e);
    expect(state.getLatest('kraken', 'BTC/USDT')).to.equal(b);
    expect(state.getLatest('kraken', 'ETH/USDT')).to.equal(undefined);
    expect(state.getAll()).to.deep.equal([e, c, b]);
    expect(state.size).to.equal(3);
  });

  it('hands out snapshots that later updates do not change', () => {
    const state = createPriceState();
    state.update(tick('binance', 'BTC/USDT', 1, 1));
    const before = state.getAll();
    state.update(tick('binance', 'BTC/USDT', 2, 2));
    expect(before.map((t) => t.price)).to.deep.equal([1]);
  });
});

describe('priceState', () => {
  const ticks = {
    a: tick('binance', 'BTC/USDT', 100, 1),
    b: tick('kraken', 'BTC/USDT', 101, 2),
    c: tick('binance', 'BTC/USDT', 102, 3),
  };
  const prices = map((s: ReturnType<typeof createPriceState>) => s.getAll().map((t) => `${t.exchange}:${t.price}`).join(' '));

  it('emits the updated store after every tick', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const source = hot('  a b c', ticks);
      const expected = '    a b c';
      expectObservable(source.pipe(priceState(), prices)).toBe(expected, {
        a: 'binance:100',
        b: 'binance:100 kraken:101',
        c: 'binance:102 kraken:101',
      });
    });
  });

  it('emits the same store object, updated in place', () => {
    const seen: unknown[] = [];
    createTestScheduler().run(({ cold }) => {
      cold('a b c', ticks).pipe(priceState()).subscribe((s) => seen.push(s));
    });
    expect(seen).to.have.length(3);
    expect(seen[0]).to.equal(seen[2]);
  });

  it('gives each subscription its own store', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const states = cold('a c|', ticks).pipe(priceState(), prices);
      expectObservable(states).toBe('a c|', { a: 'binance:100', c: 'binance:102' });
      expectObservable(states).toBe('a c|', { a: 'binance:100', c: 'binance:102' });
    });
  });

  it('can be sampled into snapshots', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const source = hot('  a b 13ms c', ticks);
      const expected = '    10ms x 14ms y';
      const snapshots = source.pipe(priceState(), auditTime(10), map((s) => s.getAll().length));
      expectObservable(snapshots).toBe(expected, { x: 2, y: 2 });
    });
  });

  it('completes and errors with the source, and unsubscribes from it', () => {
    createTestScheduler().run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      expectObservable(cold('a-|', ticks).pipe(priceState(), prices)).toBe('a-|', { a: 'binance:100' });
      expectObservable(cold('a-#', ticks, new Error('broke')).pipe(priceState(), prices)).toBe('a-#', { a: 'binance:100' }, new Error('broke'));
      const endless = hot('-a--b', ticks);
      const sub = '        ^--!';
      expectObservable(endless.pipe(priceState(), prices), sub).toBe('-a-', { a: 'binance:100' });
      expectSubscriptions(endless.subscriptions).toBe(sub);
    });
  });
});
