import { expect } from 'chai';
import type { DivergenceAlert, DivergenceRearmed, FeedAlert, JournalEntry, MoveRearmed, PriceAlert } from '../../src/domain/alert.js';
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

  it('holds a divergence by rule divergence, or by the exchange or symbol of either side; never marks its re-arm', () => {
    const apart: DivergenceAlert = {
      kind: 'divergence', rule: 'divergence', ts: 10, group: 'binance:BTC/USDT~coinbase:BTC/USD',
      high: { exchange: 'binance', symbol: 'BTC/USDT', price: 102, ts: 9 }, low: { exchange: 'coinbase', symbol: 'BTC/USD', price: 100, ts: 8 },
      spread: 0.02, threshold: 0.01, since: 0,
    };
    const holds = (match: Silence['match']) => silenceHolds(silence('s', match), apart);
    expect(holds({ rule: 'divergence' })).to.equal(true);
    expect(holds({ exchange: 'coinbase' })).to.equal(true);
    expect(holds({ exchange: 'binance', symbol: 'BTC/USD' })).to.equal(true);
    expect(holds({ symbol: 'BTC/USDT', rule: 'divergence' })).to.equal(true);
    expect(holds({ exchange: 'kraken' })).to.equal(false);
    expect(holds({ symbol: 'ETH/USDT' })).to.equal(false);
    expect(holds({ symbol: 'BTC/USDT', rule: 'pct_24h' })).to.equal(false);
    const ended: DivergenceRearmed = { kind: 'rearm', rule: 'divergence', ts: 20, group: apart.group, high: apart.high, low: apart.low, reason: 'stale' };
    createTestScheduler().run(({ hot, expectObservable }) => {
      const silences$ = hot<readonly Silence[]>('s', { s: [silence('s1', { exchange: 'coinbase' })] });
      const source = hot<JournalEntry>('-a-r|', { a: apart, r: ended });
      expectObservable(source.pipe(silenceAlerts(silences$))).toBe('-a-r|', { a: { ...apart, silencedBy: 's1' }, r: ended });
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
