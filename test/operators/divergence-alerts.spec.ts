import { expect } from 'chai';
import { map, type Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import type { DivergenceAlert, DivergenceRearmed, DivergenceSide } from '../../src/domain/alert.js';
import type { FeedState, FeedStatus } from '../../src/domain/feed-status.js';
import type { Tick } from '../../src/domain/tick.js';
import { divergenceAlerts, type DivergenceAlertsOptions } from '../../src/operators/divergence-alerts.js';
import { divergenceGroups, pairKey } from '../../src/operators/divergence-groups.js';
import { rebuildDivergenceEpisodes } from '../../src/operators/rebuild-divergence-episodes.js';
import { createTestScheduler } from '../helpers/test-scheduler.js';

const PCT = 0.01;
const MIN = 30;
const AGE = 100;

const tick = (exchange: string, price: number, symbol = 'BTC/USDT'): Tick => ({ exchange, symbol, price, ts: 0 });
const status = (exchange: string, state: FeedState): FeedStatus => ({ exchange, state, since: 0, reconnects: 0 });
const side = (exchange: string, price: number, ts: number, symbol = 'BTC/USDT'): DivergenceSide => ({ exchange, symbol, price, ts });

const btcOn = (...exchanges: string[]) => divergenceGroups(Object.fromEntries(exchanges.map((e) => [e, { enabled: true, symbols: ['BTC/USDT'] }])), []);

const alert = (ts: number, since: number, high: DivergenceSide, low: DivergenceSide, group = 'BTC/USDT'): DivergenceAlert => ({
  kind: 'divergence', rule: 'divergence', ts, group, high, low, spread: high.price / low.price - 1, threshold: PCT, since,
});
const rearm = (ts: number, high: string, low: string, spread?: number, group = 'BTC/USDT'): DivergenceRearmed => ({
  kind: 'rearm', rule: 'divergence', ts, group, high: { exchange: high, symbol: 'BTC/USDT' }, low: { exchange: low, symbol: 'BTC/USDT' },
  ...(spread === undefined ? { reason: 'stale' as const } : { reason: 'converged' as const, spread }),
});

describe('divergenceAlerts', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = createTestScheduler();
  });

  /** The ticks of a marble, each stamped with the virtual time it arrives at (as an exchange's event time would be). */
  const stamped = (source: Observable<Tick>) => source.pipe(map((t) => ({ ...t, ts: testScheduler.now() })));
  const options = (extra: Partial<DivergenceAlertsOptions> = {}): DivergenceAlertsOptions => ({
    groups: btcOn('binance', 'coinbase'), pct: PCT, minDurationMs: MIN, maxAgeMs: AGE, ...extra,
  });

  const ticks = {
    a: tick('binance', 100),
    b: tick('coinbase', 102),
    c: tick('coinbase', 100.5),
    d: tick('coinbase', 100.9),
    e: tick('coinbase', 101.5),
    f: tick('coinbase', 103),
    k: tick('kraken', 103),
    m: tick('kraken', 100.2),
    u: tick('coinbase', 102, 'BTC/USD'),
    x: tick('binance', 100.4),
  };

  it('fires once the spread has stayed above pct for min_duration_ms, naming both prices, the spread and since', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('  a 9ms b', ticks);
      const sub = '         ^ 99ms !';
      const expected = '    40ms D';
      expectObservable(stamped(source).pipe(divergenceAlerts(options())), sub).toBe(expected, {
        D: alert(40, 10, side('coinbase', 102, 10), side('binance', 100, 0)),
      });
      expectSubscriptions(source.subscriptions).toBe(sub);
    });
  });

  it('does not fire when the spread falls back to pct or less before min_duration_ms, and a new episode starts over', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      // opens at 10, back to 0.5 % at 30 (cancelled), opens again at 50: fires at 80, not at 40
      const source = hot('  a 9ms b 19ms c 19ms b', ticks);
      expectObservable(stamped(source).pipe(divergenceAlerts(options())), '^ 99ms !').toBe('80ms D', {
        D: alert(80, 50, side('coinbase', 102, 50), side('binance', 100, 0)),
      });
    });
  });

  it('never compares a stale price: a side older than max_age_ms cancels the episode, and alone never opens one', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      // binance ticks once at 0 and is stale from 25: the episode opened at 10 is cancelled before its 40;
      // coinbase keeps ticking at 102, but there is nothing fresh to compare it with
      const source = hot('  a 9ms b 9ms b 9ms b 9ms b 9ms b 9ms b 9ms b', ticks);
      expectObservable(stamped(source).pipe(divergenceAlerts(options({ maxAgeMs: 25 }))), '^ 199ms !').toBe('-');
    });
  });

  it('fires through a min_duration_ms with no tick while both prices stay fresh (a timer, not the next tick)', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      // (binance's price, from 0, is stale at 100: that ends the episode)
      const source = hot('  a 9ms b 99ms a', ticks);
      expectObservable(stamped(source).pipe(divergenceAlerts(options())), '^ 199ms !').toBe('40ms D 59ms R', {
        D: alert(40, 10, side('coinbase', 102, 10), side('binance', 100, 0)),
        R: rearm(100, 'coinbase', 'binance'),
      });
    });
  });

  it('a feed going not live removes its prices at once: an open episode is cancelled, its ticks ignored until live again', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const source = hot('  a 9ms b 19ms a 29ms a 9ms b', ticks);
      const statuses = hot('20ms s 24ms l', { s: status('binance', 'stale'), l: status('binance', 'live') });
      // opens at 10, binance stale at 20 (cancelled), its tick at 30 ignored; live at 45, tick at 60 reopens: fires at 90
      expectObservable(stamped(source).pipe(divergenceAlerts(options({ statuses }))), '^ 149ms !').toBe('90ms D', {
        D: alert(90, 60, side('coinbase', 102, 70), side('binance', 100, 60)),
      });
    });
  });

  it('an alerted episode ends with a stale re-arm when a feed goes not live: an outage is not a divergence', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const source = hot('  a 9ms b', ticks);
      const statuses = hot('60ms s', { s: status('coinbase', 'backoff') });
      expectObservable(stamped(source).pipe(divergenceAlerts(options({ statuses }))), '^ 199ms !').toBe('40ms D 19ms R', {
        D: alert(40, 10, side('coinbase', 102, 10), side('binance', 100, 0)),
        R: rearm(60, 'coinbase', 'binance'),
      });
    });
  });

  it('an alerted episode ends with a stale re-arm when a price ages past max_age_ms', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      // binance's only tick is at 0: stale at 50
      const source = hot('  a 9ms b 9ms b 9ms b 9ms b 9ms b 9ms b', ticks);
      expectObservable(stamped(source).pipe(divergenceAlerts(options({ maxAgeMs: 50 }))), '^ 199ms !').toBe('40ms D 9ms R', {
        D: alert(40, 10, side('coinbase', 102, 40), side('binance', 100, 0)),
        R: rearm(50, 'coinbase', 'binance'),
      });
    });
  });

  it('alerts once per episode however the spread moves above the re-arm line, and re-arms below pct x (1 - hysteresis)', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      // fires at 40; 1.5 %, 3 %, 0.9 % (between the re-arm line 0.8 % and pct): silent; 0.5 % at 100: re-arm;
      // 2 % again at 110: a new episode, fires at 140
      const source = hot('  a 9ms b 39ms e 9ms f 9ms d 29ms c 9ms b', ticks);
      expectObservable(stamped(source).pipe(divergenceAlerts(options({ maxAgeMs: 1000 }))), '^ 199ms !').toBe('40ms D 59ms R 39ms E', {
        D: alert(40, 10, side('coinbase', 102, 10), side('binance', 100, 0)),
        R: rearm(100, 'coinbase', 'binance', 100.5 / 100 - 1),
        E: alert(140, 110, side('coinbase', 102, 110), side('binance', 100, 0)),
      });
    });
  });

  it('with hysteresis 0, re-arms as soon as the spread is below pct', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const source = hot('  a 9ms b 39ms d', ticks);
      expectObservable(stamped(source).pipe(divergenceAlerts(options({ hysteresis: 0 }))), '^ 199ms !').toBe('40ms D 9ms R', {
        D: alert(40, 10, side('coinbase', 102, 10), side('binance', 100, 0)),
        R: rearm(50, 'coinbase', 'binance', 100.9 / 100 - 1),
      });
    });
  });

  it('compares a configured pair across quote currencies (binance BTC/USDT with coinbase BTC/USD)', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const pair = [{ exchange: 'binance', symbol: 'BTC/USDT' }, { exchange: 'coinbase', symbol: 'BTC/USD' }] as const;
      const groups = divergenceGroups({ binance: { enabled: true, symbols: ['BTC/USDT'] }, coinbase: { enabled: true, symbols: ['BTC/USD'] } }, [pair]);
      expect(groups.map((g) => g.key)).to.deep.equal(['binance:BTC/USDT~coinbase:BTC/USD']);
      const source = hot('  a 9ms u', ticks);
      expectObservable(stamped(source).pipe(divergenceAlerts(options({ groups }))), '^ 99ms !').toBe('40ms D', {
        D: alert(40, 10, side('coinbase', 102, 10, 'BTC/USD'), side('binance', 100, 0), pairKey(...pair)),
      });
    });
  });

  it('with three exchanges, compares the widest fresh spread: one alert naming the highest and the lowest', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      // binance 100, kraken 100.2, then coinbase 103 at 20: one episode for BTC/USDT, coinbase against binance
      const source = hot('  a 9ms m 9ms f', ticks);
      expectObservable(stamped(source).pipe(divergenceAlerts(options({ groups: btcOn('binance', 'coinbase', 'kraken') }))), '^ 99ms !').toBe('50ms D', {
        D: alert(50, 20, side('coinbase', 103, 20), side('binance', 100, 0)),
      });
    });
  });

  it('with three exchanges, one going stale leaves the other two compared', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      // kraken at 103 opens against binance at 10; kraken's feed goes down at 20: binance-coinbase (0.4 %) cancels it.
      const source = hot('  a 4ms x 4ms k 19ms - 9ms -', { ...ticks, x: tick('coinbase', 100.4) });
      const statuses = hot('--------------------s', { s: status('kraken', 'stale') });
      expectObservable(stamped(source).pipe(divergenceAlerts(options({ groups: btcOn('binance', 'coinbase', 'kraken'), statuses }))), '^ 99ms !').toBe('-');
    });
  });

  it('a restored episode does not alert again while the spread holds, and re-arms on its first measurement below the line', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const restored = [alert(-5000, -5030, side('coinbase', 102, -5030), side('binance', 100, -5050))];
      const holding = hot('  a 9ms b', ticks);
      expectObservable(stamped(holding).pipe(divergenceAlerts(options({ restored }))), '^ 99ms !').toBe('-');
      const converged = hot('a 9ms c', ticks);
      expectObservable(stamped(converged).pipe(divergenceAlerts(options({ restored }))), '^ 99ms !').toBe('10ms R', {
        R: rearm(10, 'coinbase', 'binance', 100.5 / 100 - 1),
      });
    });
  });

  it('completes with the ticks, cancelling a pending alert, and passes errors through', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('  a 9ms b 9ms |', ticks);
      expectObservable(stamped(source).pipe(divergenceAlerts(options()))).toBe('20ms |');
      expectSubscriptions(source.subscriptions).toBe('^ 19ms !');
      const failing = hot('a 9ms #', ticks, new Error('socket'));
      expectObservable(stamped(failing).pipe(divergenceAlerts(options()))).toBe('10ms #', undefined, new Error('socket'));
      const statuses = hot<FeedStatus>('15ms #', undefined, new Error('statuses'));
      expectObservable(stamped(hot('a 9ms b', ticks)).pipe(divergenceAlerts(options({ statuses })))).toBe('15ms #', undefined, new Error('statuses'));
    });
  });

  it('an early unsubscribe cancels the timer of a pending alert', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('  a 9ms b', ticks);
      expectObservable(stamped(source).pipe(divergenceAlerts(options())), '^ 34ms !').toBe('-');
      expectSubscriptions(source.subscriptions).toBe('^ 34ms !');
    });
  });

  it('refuses settings out of range', () => {
    expect(() => divergenceAlerts(options({ pct: 0 }))).to.throw(RangeError, /pct/);
    expect(() => divergenceAlerts(options({ minDurationMs: 1.5 }))).to.throw(RangeError, /minDurationMs/);
    expect(() => divergenceAlerts(options({ maxAgeMs: 0 }))).to.throw(RangeError, /maxAgeMs/);
    expect(() => divergenceAlerts(options({ hysteresis: 1 }))).to.throw(RangeError, /hysteresis/);
  });
});

describe('rebuildDivergenceEpisodes', () => {
  const btc = alert(100, 70, side('coinbase', 102, 70), side('binance', 100, 60));
  const eth = { ...btc, group: 'ETH/USDT', ts: 110 };

  it('keeps the episodes whose latest entry is an alert, in the order of their latest entry', () => {
    expect(rebuildDivergenceEpisodes([btc, eth, rearm(120, 'coinbase', 'binance', 0.001)]).map((e) => e.group)).to.deep.equal(['ETH/USDT']);
    expect(rebuildDivergenceEpisodes([btc, rearm(120, 'coinbase', 'binance'), eth, { ...btc, ts: 130 }]).map((e) => [e.group, e.ts])).to.deep.equal([
      ['ETH/USDT', 110],
      ['BTC/USDT', 130],
    ]);
  });

  it('ignores test entries, other rules and lines that are not well-formed', () => {
    const entries = [
      { ...btc, test: true },
      { kind: 'rearm', rule: 'pct_24h', exchange: 'binance', symbol: 'BTC/USDT', direction: 'up', level: 1, ts: 5 },
      { ...eth, group: 7 },
      { ...eth, since: null },
      { ...eth, high: { exchange: 'coinbase' } },
    ];
    expect(rebuildDivergenceEpisodes(entries as never)).to.deep.equal([]);
  });
});
