import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import { map } from 'rxjs';
import { decodeConfig } from '../../src/config/decode-config.js';
import type { JournalEntry } from '../../src/domain/alert.js';
import type { Config } from '../../src/domain/config-types.js';
import type { FeedStatus } from '../../src/domain/feed-status.js';
import type { Tick } from '../../src/domain/tick.js';
import { detectSupervisorMoves } from '../../src/supervisor/alert-detection.js';
import { createSupervisor } from '../../src/supervisor/create-supervisor.js';
import { tempDir } from '../helpers/temp-dir.js';
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

describe('createSupervisor(...).replay: the divergence rule in virtual time', () => {
  it('replays a recorded divergence into one journaled divergence alert (marked test) and its end', async () => {
    const dir = tempDir();
    try {
      const config = decode({
        exchanges: { binance: { symbols: ['BTC/USDT'] }, coinbase: { symbols: ['BTC/USDT'] } },
        alerts: { divergence: { pct: 0.01, min_duration_ms: 30_000, max_age_ms: 20_000 } },
        state_dir: join(dir.path, 'state'),
      });
      const T = Date.UTC(2026, 0, 1);
      // Every 5 s for 2 min: coinbase 2 % above binance for the first minute, then back together.
      const ticks: Tick[] = Array.from({ length: 24 }, (_, i) => i).flatMap((i) => [
        { exchange: 'binance', symbol: 'BTC/USDT', price: 100, ts: T + i * 5000 },
        { exchange: 'coinbase', symbol: 'BTC/USDT', price: i < 12 ? 102 : 100.1, ts: T + i * 5000 + 1 },
      ]);
      const summary = await createSupervisor(config, { channels: false }).replay(ticks);
      expect(summary.alerts).to.deep.equal({ divergence: 1 });
      const journaled = readFileSync(join(dir.path, 'state', 'alerts.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
      expect(journaled.map((e) => [e.kind, e.rule, e.ts - T, e.test])).to.deep.equal([
        ['divergence', 'divergence', 30_001, true],
        ['rearm', 'divergence', 60_001, true],
      ]);
      expect([journaled[0].since - T, journaled[0].high.exchange, journaled[0].low.exchange]).to.deep.equal([1, 'coinbase', 'binance']);
    } finally {
      dir.remove();
    }
  });
});
