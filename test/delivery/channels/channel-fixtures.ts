import type { FeedAlert, JournalEntry, MoveRearmed } from '../../../src/domain/alert.js';
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

/** A batch of these entries at offsets 0, 100, 200, ... */
export function batchOf(entries: readonly JournalEntry[], options: { id?: string; test?: boolean } = {}): DeliveryBatch {
  return {
    id: options.id ?? 'webhook-1-0',
    entries: entries.map((entry, i) => ({ offset: i * 100, entry, ...(options.test ? { test: true } : {}) })),
  };
}

/** One alert. */
export const single = batchOf([btcUp]);

/** 30 alerts: an escalation, a blind feed and 28 falls of a crash. */
export const digest30 = batchOf([ethDown, krakenDown, ...crash(28)]);
