import { didYouMean } from '../domain/did-you-mean.js';
import type { Tick } from '../domain/tick.js';
import { symbolProblem } from './symbol-problem.js';

/** The fields a tick may have, in the order tick files write them. */
export const TICK_FIELDS = ['exchange', 'symbol', 'price', 'ts', 'bid', 'ask', 'open24h', 'receivedAt', 'blindFrom'] as const;

const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}...` : value);
  if (typeof value === 'number') return String(value);
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

/**
 * Checks that a decoded JSON value is a valid {@link Tick}: exchange and symbol
 * strings (the symbol canonical `BASE/QUOTE`), a positive finite price, `ts` a
 * finite integer >= 0, the optional numbers finite (`bid`, `ask`, `receivedAt`
 * >= 0, `open24h` > 0, `blindFrom` from 0 to `ts`) and no unknown field.
 *
 * @returns the tick (`value` itself: it holds only tick fields), or why it is not one (one short sentence).
 *
 * @example
 * checkTick({ exchange: 'binance', symbol: 'btcusdt', price: 1, ts: 0 });
 * // Logs: 'symbol "btcusdt" is not canonical BASE/QUOTE (write "BTC/USDT")'
 */
export function checkTick(value: unknown): Tick | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `expected a JSON object, got ${describe(value)}`;
  const record = value as Record<string, unknown>;
  // for-in, not Object.keys: no array per tick (a replay checks every line).
  for (const key in record) {
    if (!isTickField(key) && Object.prototype.hasOwnProperty.call(record, key)) {
      const hint = didYouMean(key, TICK_FIELDS);
      return `unknown field "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}`;
    }
  }
  const { exchange, symbol, price, ts, bid, ask, open24h, receivedAt, blindFrom } = record;
  if (typeof exchange !== 'string' || exchange.trim() === '') return `exchange must be a non-empty string, got ${describe(exchange)}`;
  if (typeof symbol !== 'string') return `symbol must be a string, got ${describe(symbol)}`;
  const problem = symbolProblem(symbol);
  if (problem !== undefined) return `symbol ${problem}`;
  if (!isFiniteNumber(price) || price <= 0) return `price must be a positive finite number, got ${describe(price)}`;
  if (!isFiniteNumber(ts) || !Number.isInteger(ts) || ts < 0) return `ts must be an integer number of ms >= 0, got ${describe(ts)}`;
  // One call per field, not a loop over [name, value] pairs: those were four arrays per tick.
  const negative = nonNegativeProblem('bid', bid) ?? nonNegativeProblem('ask', ask) ?? nonNegativeProblem('receivedAt', receivedAt);
  if (negative !== undefined) return negative;
  if (open24h !== undefined && (!isFiniteNumber(open24h) || open24h <= 0)) return `open24h must be a positive finite number, got ${describe(open24h)}`;
  if (blindFrom !== undefined && (!isFiniteNumber(blindFrom) || blindFrom < 0)) return `blindFrom must be a finite number >= 0, got ${describe(blindFrom)}`;
  if (blindFrom !== undefined && blindFrom > ts) return `blindFrom (${blindFrom}) is after ts (${ts})`;

  // Every own field is a checked tick field: the object is the tick, no copy made (a replay makes one per line).
  return record as unknown as Tick;
}

/** Why an optional field is not a finite number >= 0, or `undefined` when it is one or is absent. */
function nonNegativeProblem(name: string, field: unknown): string | undefined {
  return field === undefined || (isFiniteNumber(field) && field >= 0) ? undefined : `${name} must be a finite number >= 0, got ${describe(field)}`;
}

/** Whether `key` is one of {@link TICK_FIELDS} (a switch: JSON keys are interned, so these are pointer compares). */
function isTickField(key: string): boolean {
  switch (key) {
    case 'exchange':
    case 'symbol':
    case 'price':
    case 'ts':
    case 'bid':
    case 'ask':
    case 'open24h':
    case 'receivedAt':
    case 'blindFrom':
      return true;
    default:
      return false;
  }
}
