import type { FeedAlert, PriceAlert } from '../../../../src/domain/alert.js';

/** 2023-11-14T22:13:20.000Z */
export const T0 = 1_700_000_000_000;
export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

/** A first-level 24 h rise of BTC/USDT on binance. */
export const btcUp: PriceAlert = {
  kind: 'price', ts: T0, exchange: 'binance', symbol: 'BTC/USDT', rule: 'pct_24h', direction: 'up',
  change: 0.0523, price: 36812.5, reference: 34983.1, referenceTs: T0 - DAY_MS, windowMs: DAY_MS, level: 1, coverage: 1, threshold: 0.05,
};

/** A short-window fall of ETH/USDT on coinbase, second escalation level, partial coverage. */
export const ethDown: PriceAlert = {
  kind: 'price', ts: T0 + 1000, exchange: 'coinbase', symbol: 'ETH/USDT', rule: 'pct_short', direction: 'down',
  change: -0.0407, price: 1980.12, reference: 2064.13, referenceTs: T0 - HOUR_MS, windowMs: HOUR_MS, level: 2, fromLevel: 1, coverage: 0.75, threshold: 0.02,
};

/** kraken blind for 2m 5s. */
export const krakenDown: FeedAlert = {
  kind: 'feed', ts: T0 + 2000, exchange: 'kraken', rule: 'feed_down', downSince: T0 - 123_000, blindMs: 125_000,
  reason: 'socket closed <1006>',
};

/** `n` distinct 24 h falls on binance, as in a market-wide crash. */
export function crash(n: number): PriceAlert[] {
  return Array.from({ length: n }, (_, i) => ({
    ...btcUp, symbol: `C${i}/USDT`, ts: T0 + i, direction: 'down' as const, change: -0.05 - i / 1000, price: 95 - i, reference: 100,
  }));
}
