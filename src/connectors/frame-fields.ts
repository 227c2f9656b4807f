import type { FrameRejection } from '../domain/feed-status.js';
import type { Tick } from '../domain/tick.js';
import { rejectFrame } from './frame-rejection.js';

/**
 * Field readers shared by the exchange parsers. Each returns the decoded value
 * or a typed rejection naming the field, so a parser reads as a list of fields.
 */

/** A decoded JSON object (not an array, not null). */
export type JsonObject = Readonly<Record<string, unknown>>;

/** True for a JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A decoded frame, or why it could not be decoded (a frame may itself carry a `reason` key). */
export type DecodedFrame = { readonly object: JsonObject } | { readonly rejection: FrameRejection };

/**
 * Parses a frame that must be one JSON object.
 *
 * @example
 * parseJsonObject('{"a":1}'); // { object: { a: 1 } }
 * parseJsonObject('[1]');     // { rejection: { reason: 'wrong_shape', excerpt: '[1]', detail: 'expected a JSON object' } }
 */
export function parseJsonObject(frame: string): DecodedFrame {
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    return { rejection: rejectFrame('not_json', frame) };
  }
  return isJsonObject(value) ? { object: value } : { rejection: rejectFrame('wrong_shape', frame, 'expected a JSON object') };
}

// A plain decimal as exchanges write them in strings: no spaces, hex, `Infinity` or empty string
// (Number() would accept all of those).
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** A JSON number, or a decimal string (`"0.0025"`), as a number; `undefined` when it is neither. */
export function decimalValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && DECIMAL.test(value)) return Number(value);
  return undefined;
}

/**
 * A required price: present, numeric, finite and positive.
 *
 * @example
 * readPrice({ c: '0.0025' }, 'c', frame); // 0.0025
 * readPrice({ c: '0' }, 'c', frame);      // { reason: 'bad_price', ..., detail: 'c is 0' }
 */
export function readPrice(object: JsonObject, field: string, frame: string): number | FrameRejection {
  const raw = object[field];
  if (raw === undefined || raw === null) return rejectFrame('missing_field', frame, field);
  const value = decimalValue(raw);
  if (value === undefined) return rejectFrame('not_a_number', frame, `${field} is ${JSON.stringify(raw)}`);
  if (!Number.isFinite(value) || value <= 0) return rejectFrame('bad_price', frame, `${field} is ${String(value)}`);
  return value;
}

/** An optional price (bid, ask, open): the number when it is a usable positive price, else `undefined`. */
export function optionalPrice(object: JsonObject, field: string): number | undefined {
  const value = decimalValue(object[field]);
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : undefined;
}

// A whole number as exchanges write times in strings: digits only, no sign, fraction, exponent or spaces.
const WHOLE = /^\d{1,20}$/;

/** A positive whole JSON number, or a string of digits, as a number; `undefined` when it is neither or not exact. */
function wholeValue(value: unknown): number | undefined {
  const number = typeof value === 'number' ? value : typeof value === 'string' && WHOLE.test(value) ? Number(value) : undefined;
  return number !== undefined && Number.isSafeInteger(number) && number > 0 ? number : undefined;
}

/** Epoch units exchanges send times in. */
export type EpochUnit = 's' | 'ms' | 'us';


/**
 * A required epoch time in `unit`, sent as a JSON number or as a string of
 * digits, read as whole epoch ms (microseconds are truncated).
 *
 * @example
 * readEpoch({ E: 1672515782136 }, 'E', frame);                                  // 1672515782136 (Binance, a number)
 * readEpoch({ ts: '1597026383085' }, 'ts', frame);                              // 1597026383085 (OKX, a string)
 * readEpoch({ microtimestamp: '1676510678160000' }, 'microtimestamp', frame, 'us'); // 1676510678160 (Bitstamp)
 * readEpoch({ ts: '1.5e12' }, 'ts', frame);                                     // { reason: 'bad_time', ..., detail: 'ts is "1.5e12"' }
 */
export function readEpoch(object: JsonObject, field: string, frame: string, unit: EpochUnit = 'ms'): number | FrameRejection {
  const raw = object[field];
  if (raw === undefined || raw === null) return rejectFrame('missing_field', frame, field);
  const value = wholeValue(raw);
  if (value === undefined) return rejectFrame('bad_time', frame, `${field} is ${JSON.stringify(raw)}`);
  if (unit === 'us') return Math.floor(value / 1000);
  return unit === 's' ? value * 1000 : value;
}

/** A required epoch-milliseconds time, a JSON number (Binance `E`, Bybit `ts`) or a string of digits (OKX `ts`). */
export function readEpochMs(object: JsonObject, field: string, frame: string): number | FrameRejection {
  return readEpoch(object, field, frame, 'ms');
}

// RFC 3339 / ISO 8601 in UTC or with an offset; the fraction may have up to 9 digits (Coinbase and
// Kraken send microseconds). Date.parse misreads long fractions, so it only sees milliseconds.
const ISO_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Value of the `count` ASCII digits of `text` from `at`, or NaN when one is not a digit. */
function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * The common exact shape `YYYY-MM-DDTHH:MM:SS.ffffffZ` (Coinbase, Kraken: 27
 * characters, UTC, microseconds) read digit by digit: the regex and
 * `Date.parse` below cost five times more, on every frame. NaN for anything else.
 */
function utcMicrosTime(raw: string): number {
  if (raw.length !== 27 || raw.charCodeAt(26) !== 90 /* Z */ || raw.charCodeAt(19) !== 46 /* . */) return Number.NaN;
  if (raw[4] !== '-' || raw[7] !== '-' || raw[10] !== 'T' || raw[13] !== ':' || raw[16] !== ':') return Number.NaN;
  const month = digits(raw, 5, 2);
  const day = digits(raw, 8, 2);
  const hour = digits(raw, 11, 2);
  const minute = digits(raw, 14, 2);
  const second = digits(raw, 17, 2);
  if (!(hour <= 23 && minute <= 59 && second <= 59)) return Number.NaN;
  const year = digits(raw, 0, 4);
  if (!isCalendarDate(year, month, day) || Number.isNaN(digits(raw, 23, 3))) return Number.NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second, digits(raw, 20, 3));
}

/** False for 31 April or 29 February 2023, which `Date.UTC` and `Date.parse` silently roll over. */
function isCalendarDate(year: number, month: number, day: number): boolean {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month >= 1 && month <= 12 && day >= 1 && day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!);
}

/** A required ISO 8601 time string (`2022-10-19T23:28:22.061769Z`) as epoch ms. */
export function readIsoTime(object: JsonObject, field: string, frame: string): number | FrameRejection {
  const raw = object[field];
  if (raw === undefined || raw === null) return rejectFrame('missing_field', frame, field);
  if (typeof raw === 'string') {
    const fast = utcMicrosTime(raw);
    if (!Number.isNaN(fast)) return fast;
  }
  const match = typeof raw === 'string' ? ISO_TIME.exec(raw) : null;
  const date = match?.[1];
  if (!match || !date || !isCalendarDate(Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10)))) {
    return rejectFrame('bad_time', frame, `${field} is ${JSON.stringify(raw)}`);
  }
  const millis = (match[2] ?? '').padEnd(3, '0').slice(0, 3);
  const ms = Date.parse(`${match[1]}.${millis}${match[3]}`);
  return Number.isFinite(ms) ? ms : rejectFrame('bad_time', frame, `${field} is ${JSON.stringify(raw)}`);
}

/** A required non-empty string field. */
export function readString(object: JsonObject, field: string, frame: string): string | FrameRejection {
  const raw = object[field];
  if (raw === undefined || raw === null) return rejectFrame('missing_field', frame, field);
  if (typeof raw !== 'string' || raw.length === 0) return rejectFrame('wrong_shape', frame, `${field} is not a string`);
  return raw;
}

/** Which fields of an exchange's ticker hold the tick's prices. */
export interface TickerFields {
  readonly price: string;
  readonly bid: string;
  readonly ask: string;
  /** Absent when the exchange sends no 24 h open. */
  readonly open24h?: string;
}

/**
 * The tick in a ticker object: the price is required (a rejection names it
 * when it is missing or unusable); bid, ask and open are kept when usable.
 *
 * @example
 * readTick({ c: '0.0025', b: '0.0024', a: '0.0026' }, frame, { exchange: 'binance', symbol: 'BNB/BTC', ts: 1, receivedAt: 2 },
 *   { price: 'c', bid: 'b', ask: 'a' });
 * // { exchange: 'binance', symbol: 'BNB/BTC', price: 0.0025, ts: 1, bid: 0.0024, ask: 0.0026, receivedAt: 2 }
 */
export function readTick(
  object: JsonObject,
  frame: string,
  known: { readonly exchange: string; readonly symbol: string; readonly ts: number; readonly receivedAt: number },
  fields: TickerFields,
): Tick | FrameRejection {
  const price = readPrice(object, fields.price, frame);
  if (typeof price !== 'number') return price;
  const bid = optionalPrice(object, fields.bid);
  const ask = optionalPrice(object, fields.ask);
  const open24h = fields.open24h === undefined ? undefined : optionalPrice(object, fields.open24h);
  return {
    exchange: known.exchange, symbol: known.symbol, price, ts: known.ts,
    ...(bid !== undefined && { bid }),
    ...(ask !== undefined && { ask }),
    ...(open24h !== undefined && { open24h }),
    receivedAt: known.receivedAt,
  };
}
