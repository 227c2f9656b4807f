import type { PriceAlert } from '../domain/alert.js';

/**
 * The alert `--test-alert` sends: a made-up 5 % rise of `TEST/USD` on the
 * exchange `crypto-supervisor`, at `now`. Channels mark it as a test wherever
 * they show it (`[TEST]`); the journal marks it `test: true`.
 *
 * @example
 * testAlertOf(Date.now()).symbol;
 * // Logs: TEST/USD
 */
export function testAlertOf(now: number): PriceAlert {
  return {
    kind: 'price',
    ts: now,
    exchange: 'crypto-supervisor',
    symbol: 'TEST/USD',
    rule: 'pct_24h',
    direction: 'up',
    change: 0.05,
    price: 105,
    reference: 100,
    referenceTs: now - 86_400_000,
    windowMs: 86_400_000,
    level: 1,
    coverage: 1,
  };
}
