import type { DivergenceAlert, DivergenceRearmed, FeedAlert, JournalEntry, MoveRearmed } from '../../../src/domain/alert.js';
import type { DeliveryBatch } from '../../../src/delivery/channel.js';
import { DAY_MS, HOUR_MS, T0, btcUp, crash, ethDown, krakenDown } from './email/alert-fixtures.js';

export { DAY_MS, HOUR_MS, T0, btcUp, crash, ethDown, krakenDown };

/** kraken back after 3m. */
export const krakenRecovered: FeedAlert = {
  kind: 'feed', ts: T0 + 60_000, exchange: 'kraken', rule: 'feed_recovered', downSince: T0 - 123_000, blindMs: 183_000,
};

/** The BTC move re-armed. */
export const btcRearmed: MoveRearmed = {
  kind: 'rearm', ts: T0 + 600_000, exchange: 'binance', symbol: 'BTC/USDT', rule: 'pct_24h', direction: 'up', level: 1,
};

/** BTC/USDT 1.20 % higher on coinbase than on binance for 30 s. */
export const btcApart: DivergenceAlert = {
  kind: 'divergence', rule: 'divergence', ts: T0 + 30_000, group: 'BTC/USDT',
  high: { exchange: 'coinbase', symbol: 'BTC/USDT', price: 36_441.6, ts: T0 + 29_500 },
  low: { exchange: 'binance', symbol: 'BTC/USDT', price: 36_009.5, ts: T0 + 29_800 },
  spread: 36_441.6 / 36_009.5 - 1, threshold: 0.01, since: T0,
};

/** A configured pair across quote currencies: BTC/USDT on binance 2 % above BTC/USD on coinbase for 45 s. */
export const pairApart: DivergenceAlert = {
  kind: 'divergence', rule: 'divergence', ts: T0 + 45_000, group: 'binance:BTC/USDT~coinbase:BTC/USD',
  high: { exchange: 'binance', symbol: 'BTC/USDT', price: 36_720, ts: T0 + 44_000 },
  low: { exchange: 'coinbase', symbol: 'BTC/USD', price: 36_000, ts: T0 + 44_900 },
  spread: 36_720 / 36_000 - 1, threshold: 0.015, since: T0,
};

/** The BTC/USDT divergence over: the spread fell below its re-arm line. */
export const btcConverged: DivergenceRearmed = {
  kind: 'rearm', rule: 'divergence', ts: T0 + 90_000, group: 'BTC/USDT',
  high: { exchange: 'coinbase', symbol: 'BTC/USDT' }, low: { exchange: 'binance', symbol: 'BTC/USDT' }, reason: 'converged', spread: 0.002,
};

/** A batch of these entries at offsets 0, 100, 200, ... */
export function batchOf(entries: readonly JournalEntry[], options: { id?: string; test?: boolean } = {}): DeliveryBatch {
  return {
    id: options.id ?? 'webhook-1-0',
    entries: entries.map((entry, i) => ({ offset: i * 100, entry, ...(options.test ? { test: true } : {}) })),
  };
}

/** One alert. */
export const single = batchOf([btcUp]);

/** One divergence. */
export const divergenceSingle = batchOf([btcApart]);

/** A divergence of a pair, a price move and a blind feed. */
export const divergenceDigest = batchOf([pairApart, btcUp, krakenDown]);

/** 30 alerts: an escalation, a blind feed and 28 falls of a crash. */
export const digest30 = batchOf([ethDown, krakenDown, ...crash(28)]);
