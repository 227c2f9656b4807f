import type { Direction, PriceRule } from '../domain/alert.js';

/**
 * The four (rule, direction) keys of one (exchange, symbol), in the order rules
 * are evaluated and alerts raised for a tick; per-symbol state indexes arrays by
 * this slot instead of building a key string per tick.
 */
export const ALERT_SLOTS: readonly { readonly rule: PriceRule; readonly direction: Direction }[] = [
  { rule: 'pct_24h', direction: 'up' },
  { rule: 'pct_24h', direction: 'down' },
  { rule: 'pct_short', direction: 'up' },
  { rule: 'pct_short', direction: 'down' },
];

/** Index of a (rule, direction) key in {@link ALERT_SLOTS}. */
export function alertSlot(rule: PriceRule, direction: Direction): number {
  return (rule === 'pct_24h' ? 0 : 2) + (direction === 'up' ? 0 : 1);
}
