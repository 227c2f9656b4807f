import type { Tick } from '../domain/tick.js';
import { checkTick } from './check-tick.js';

/**
 * Parses one line of a tick file (JSON Lines, one {@link Tick} per line): the
 * tick-file format's validator.
 *
 * @returns the tick, or why the line is not one (a short sentence for a WARN).
 *
 * @example
 * parseTickLine('{"exchange":"binance","symbol":"BTC/USDT","price":64000.5,"ts":1717243200000}');
 * // Logs: { exchange: 'binance', symbol: 'BTC/USDT', price: 64000.5, ts: 1717243200000 }
 * parseTickLine('{"exchange":"binance","symbol":"BTC/USDT","price":0,"ts":1}');
 * // Logs: 'price must be a positive finite number, got 0'
 *
 * @see checkTick for the field rules.
 */
export function parseTickLine(line: string): Tick | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return `not JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  return checkTick(value);
}
