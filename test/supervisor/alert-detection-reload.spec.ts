import { EMPTY, map, startWith } from 'rxjs';
import { decodeConfig } from '../../src/config/decode-config.js';
import type { JournalEntry } from '../../src/domain/alert.js';
import type { Config } from '../../src/domain/config-types.js';
import type { Tick } from '../../src/domain/tick.js';
import { detectSupervisorMoves } from '../../src/supervisor/alert-detection.js';
import { createTestScheduler } from '../helpers/test-scheduler.js';

function decoded(value: unknown): Config {
  const result = decodeConfig(value, { env: {} });
  if (result._tag === 'Left') throw new Error(JSON.stringify(result.left));
  return result.right;
}

/** pct_short 2 % over a minute; pct_24h out of the way at 50 %. */
const configOf = (symbols: readonly string[], pctShort = 0.02, pct24h = 0.5): Config =>
  decoded({
    exchanges: { binance: { symbols } },
    alerts: { thresholds: { pct_24h: pct24h, pct_short: pctShort, window_short_ms: 60_000 } },
    state_dir: 'var',
  });

const tick = (symbol: string, price: number, ts: number): Tick => ({ exchange: 'binance', symbol, price, ts });

/** What an entry says, in short: kind, symbol, rule, direction, level, reference, threshold. */
const said = (entry: JournalEntry): string =>
  entry.kind === 'price'
    ? `${entry.symbol} ${entry.rule} ${entry.direction} ${entry.level} from ${entry.reference} at ${entry.threshold}`
    : entry.kind === 'rearm'
      ? `rearm ${'symbol' in entry ? entry.symbol : entry.group} ${entry.rule}`
      : `${entry.kind} ${'exchange' in entry ? entry.exchange : entry.group}`;

for (const path of ['fused (detectMoves)', 'composed (tickMetrics, priceRules, dedupeMoves)'] as const) {
  describe(`detection across a config reload, ${path}`, () => {
    const onMetrics = path.startsWith('composed') ? { onMetrics: () => undefined } : {};

    it('keeps windows and dedupe levels of unchanged symbols, applies new thresholds from the next tick, drops a removed symbol', () => {
      createTestScheduler().run(({ hot, expectObservable }) => {
        const start = configOf(['BTC/USDT', 'ETH/USDT']);
        const configs = {
          // ETH/USDT removed, and pct_24h changed: BTC/USDT's window and its level-1 pct_short alert stay.
          r: configOf(['BTC/USDT'], 0.02, 0.4),
          // ETH/USDT back, and pct_short down to 1 %: BTC/USDT's 2.6 % rise is judged against it at its next tick.
          s: configOf(['BTC/USDT', 'ETH/USDT'], 0.01, 0.4),
        };
        const ticks = {
          a: tick('BTC/USDT', 100, 0),
          b: tick('ETH/USDT', 100, 0),
          c: tick('BTC/USDT', 102.5, 30_000), // 2.5 % above the window's low: alerts at 2 %
          d: tick('BTC/USDT', 102.6, 40_000), // the same move: silent, its level was kept
          e: tick('ETH/USDT', 103, 41_000), //    a fresh window (its old state was dropped): nothing to compare with
          f: tick('BTC/USDT', 102.6, 42_000), //  2.6 % against 1 %: escalates to level 2 on the kept window
        };
        const config$ = hot('    ---r--s-', configs).pipe(startWith(start));
        const ticks$ = hot('     abc-d-ef', ticks);
        const expected = '      --c----f';
        const moves = detectSupervisorMoves(start, ticks$, EMPTY, { scheduler: createTestScheduler(), config$, ...onMetrics }).pipe(map(said));
        expectObservable(moves).toBe(expected, {
          c: 'BTC/USDT pct_short up 1 from 100 at 0.02',
          f: 'BTC/USDT pct_short up 2 from 100 at 0.01',
        });
      });
    });

    it('starts a symbol\'s price levels afresh when they change: the next tick notes where the price is, silently', () => {
      createTestScheduler().run(({ hot, expectObservable }) => {
        const withLevels = (above: number[]) =>
          decoded({ exchanges: { binance: { symbols: [{ symbol: 'BTC/USDT', above }] } }, alerts: { thresholds: { pct_24h: 0.5, pct_short: 0.5 } }, state_dir: 'var' });
        const start = withLevels([110]);
        const ticks = {
          a: tick('BTC/USDT', 100, 0),
          b: tick('BTC/USDT', 111, 1000), // through 110: alerts
          c: tick('BTC/USDT', 121, 2000), // levels now [115, 120]: already past both after the reload, silent
          d: tick('BTC/USDT', 118, 3000), //  back under 120: that level re-arms
          e: tick('BTC/USDT', 121, 4000), // back up through 120: alerts
        };
        const config$ = hot('   ---r----', { r: withLevels([115, 120]) }).pipe(startWith(start));
        const ticks$ = hot('    ab-cde', ticks);
        const moves = detectSupervisorMoves(start, ticks$, EMPTY, { scheduler: createTestScheduler(), config$, ...onMetrics }).pipe(map(said));
        expectObservable(moves).toBe('-b--de', {
          b: 'BTC/USDT level_above up 1 from 110 at 110',
          d: 'rearm BTC/USDT level_above',
          e: 'BTC/USDT level_above up 2 from 120 at 120',
        });
      });
    });
  });
}
