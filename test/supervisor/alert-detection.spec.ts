import * as E from 'fp-ts/lib/Either.js';
import { map } from 'rxjs';
import { decodeConfig } from '../../src/config/decode-config.js';
import type { JournalEntry } from '../../src/domain/alert.js';
import type { Config } from '../../src/domain/config-types.js';
import type { FeedStatus } from '../../src/domain/feed-status.js';
import type { Tick } from '../../src/domain/tick.js';
import { detectSupervisorMoves } from '../../src/supervisor/alert-detection.js';
import { createTestScheduler } from '../helpers/test-scheduler.js';

const decode = (value: unknown): Config => {
  const decoded = decodeConfig(value, { env: {} });
  if (E.isLeft(decoded)) throw new Error(JSON.stringify(decoded.left));
  return decoded.right;
};

describe('detectSupervisorMoves: the divergence rule', () => {
  const config = (divergence?: object) =>
    decode({
      exchanges: { binance: { symbols: ['BTC/USDT'] }, coinbase: { symbols: ['BTC/USDT'] } },
      alerts: { ...(divergence ? { divergence } : {}), silences: [{ match: { exchange: 'coinbase', rule: 'divergence' } }] },
    });
  const tick = (exchange: string, price: number): Tick => ({ exchange, symbol: 'BTC/USDT', price, ts: 0 });
  const ticks = { a: tick('binance', 100), b: tick('coinbase', 102) };

  it('merges the divergence alerts of ticks and statuses with the others, silences applied', () => {
    const scheduler = createTestScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const source = hot('a 9ms b', ticks).pipe(map((t) => ({ ...t, ts: scheduler.now() })));
      const statuses = hot<FeedStatus>('-');
      const out = detectSupervisorMoves(config({ pct: 0.01, min_duration_ms: 30 }), source, statuses, { scheduler }).pipe(
        map((e: JournalEntry) => `${e.kind} ${e.rule} ${e.ts} ${e.kind === 'divergence' ? e.silencedBy : ''}`),
      );
      expectObservable(out, '^ 99ms !').toBe('40ms d', { d: 'divergence divergence 40 config-1' });
    });
  });

  it('is off without alerts.divergence', () => {
    const scheduler = createTestScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const source = hot('a 9ms b', ticks).pipe(map((t) => ({ ...t, ts: scheduler.now() })));
      expectObservable(detectSupervisorMoves(config(), source, hot<FeedStatus>('-'), { scheduler }), '^ 99ms !').toBe('-');
    });
  });
});
