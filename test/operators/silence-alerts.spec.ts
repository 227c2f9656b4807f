import { expect } from 'chai';
import type { FeedAlert, JournalEntry, MoveRearmed, PriceAlert } from '../../src/domain/alert.js';
import { describeSilence, type Silence, silenceHolds } from '../../src/domain/silence.js';
import { silenceAlerts } from '../../src/operators/silence-alerts.js';
import { createTestScheduler } from '../helpers/test-scheduler.js';

const price = (ts: number, symbol = 'DOGE/USDT', exchange = 'binance'): PriceAlert => ({
  kind: 'price', ts, exchange, symbol, rule: 'pct_24h', direction: 'up', change: 0.06, price: 106, reference: 100, windowMs: 86_400_000, level: 1, coverage: 1,
});
const feedDown = (ts: number, exchange = 'binance'): FeedAlert => ({ kind: 'feed', ts, exchange, rule: 'feed_down', downSince: 0, blindMs: ts });
const rearm = (ts: number): MoveRearmed => ({ kind: 'rearm', ts, exchange: 'binance', symbol: 'DOGE/USDT', rule: 'pct_24h', direction: 'up', level: 1 });
const silence = (id: string, match: Silence['match'], until?: number): Silence => ({ id, match, source: 'api', ...(until !== undefined ? { until } : {}) });

describe('silenceAlerts (virtual time)', () => {
  it('marks what a silence holds at the alert\'s own ts, until it ends; others pass unchanged', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      // The silence on DOGE/USDT ends at t=5 (exclusive); alerts carry their ts, the frame is irrelevant to them.
      const silences$ = hot<readonly Silence[]>('s', { s: [silence('s1', { symbol: 'DOGE/USDT' }, 5)] });
      const input = { a: price(1), b: price(2, 'BTC/USDT'), c: price(5), d: price(4) };
      const source = hot<JournalEntry>('-a-b-c-d|', input);
      expectObservable(source.pipe(silenceAlerts(silences$))).toBe('-a-b-c-d|', {
        a: { ...price(1), silencedBy: 's1' },
        b: price(2, 'BTC/USDT'),
        c: price(5),
        d: { ...price(4), silencedBy: 's1' },
      });
    });
  });

  it('follows the latest set: a silence added later holds from then on, a removed one no longer', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const s1 = silence('s1', { exchange: 'binance' });
      const silences$ = hot<readonly Silence[]>('e--s--e', { e: [], s: [s1] });
      const source = hot<JournalEntry>('-a--b--c|', { a: price(1), b: price(4), c: price(7) });
      expectObservable(source.pipe(silenceAlerts(silences$))).toBe('-a--b--c|', {
        a: price(1),
        b: { ...price(4), silencedBy: 's1' },
        c: price(7),
      });
    });
  });

  it('holds feed_down only by a match naming the rule; never marks a re-arm', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const broad = silence('broad', { exchange: 'binance' });
      const named = silence('named', { exchange: 'binance', rule: 'feed_down' });
      const silences$ = hot<readonly Silence[]>('b---n', { b: [broad], n: [broad, named] });
      const source = hot<JournalEntry>('-f-r-g|', { f: feedDown(1), r: rearm(3), g: feedDown(5) });
      expectObservable(source.pipe(silenceAlerts(silences$))).toBe('-f-r-g|', {
        f: feedDown(1),
        r: rearm(3),
        g: { ...feedDown(5), silencedBy: 'named' },
      });
    });
  });

  it('passes errors of the source through', () => {
    createTestScheduler().run(({ hot, expectObservable }) => {
      const silences$ = hot<readonly Silence[]>('s', { s: [] });
      expectObservable(hot<JournalEntry>('-a-#', { a: price(1) }).pipe(silenceAlerts(silences$))).toBe('-a-#', { a: price(1) });
    });
  });
});

describe('silenceHolds / describeSilence', () => {
  it('needs every key of the match to agree; an empty match holds nothing', () => {
    expect(silenceHolds(silence('x', { exchange: 'binance', symbol: 'DOGE/USDT' }), price(0))).to.equal(true);
    expect(silenceHolds(silence('x', { exchange: 'coinbase', symbol: 'DOGE/USDT' }), price(0))).to.equal(false);
    expect(silenceHolds(silence('x', { rule: 'pct_short' }), price(0))).to.equal(false);
    expect(silenceHolds(silence('x', {}), price(0))).to.equal(false);
    expect(silenceHolds(silence('x', { symbol: 'DOGE/USDT', rule: 'feed_down' }), feedDown(0))).to.equal(false);
  });

  it('says what and until when', () => {
    expect(describeSilence({ id: 'config-1', match: { symbol: 'DOGE/USDT' }, until: Date.UTC(2026, 11, 31), comment: 'known volatility', source: 'config' }))
      .to.equal('symbol=DOGE/USDT until 2026-12-31T00:00:00.000Z: known volatility');
    expect(describeSilence(silence('a', { exchange: 'kraken', rule: 'feed_down' }))).to.equal('exchange=kraken rule=feed_down forever');
  });
});
