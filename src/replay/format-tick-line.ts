import type { Tick } from '../domain/tick.js';

/**
 * One line of a tick file for a tick (without the newline): a JSON object with
 * the tick's fields in a fixed order (as `parseTickLine` reads them), absent
 * optional fields left out, and nothing else (a connector's extra properties are
 * not recorded).
 *
 * @example
 * formatTickLine({ exchange: 'kraken', symbol: 'ETH/USD', price: 3000, ts: 5, open24h: 2900 });
 * // Logs: '{"exchange":"kraken","symbol":"ETH/USD","price":3000,"ts":5,"open24h":2900}'
 */
export function formatTickLine(tick: Tick): string {
  // JSON.stringify per value: a NaN from a buggy source becomes null, which the
  // reader then rejects with a clear WARN instead of choking on bare `NaN`.
  const json = JSON.stringify;
  let line = `{"exchange":${json(tick.exchange)},"symbol":${json(tick.symbol)},"price":${json(tick.price)},"ts":${json(tick.ts)}`;
  if (tick.bid !== undefined) line += `,"bid":${json(tick.bid)}`;
  if (tick.ask !== undefined) line += `,"ask":${json(tick.ask)}`;
  if (tick.open24h !== undefined) line += `,"open24h":${json(tick.open24h)}`;
  if (tick.receivedAt !== undefined) line += `,"receivedAt":${json(tick.receivedAt)}`;
  if (tick.blindFrom !== undefined) line += `,"blindFrom":${json(tick.blindFrom)}`;
  return `${line}}`;
}
