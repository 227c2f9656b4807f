import { EXCHANGE_IDS } from '../domain/exchange-id.js';
import { parseIsoTime, SILENCE_RULES, type SilenceMatch, type SilenceRequest } from '../domain/silence.js';
import { canonicalSymbol, isSymbolError } from '../domain/symbol.js';

const MAX_COMMENT = 500;
const isObject = (u: unknown): u is Record<string, unknown> => u !== null && typeof u === 'object' && !Array.isArray(u);

/**
 * Validates the body of `POST /api/silences`: `{ match, until | for_ms, comment }`.
 *
 * @param body the parsed JSON.
 * @param now the wall clock (ms) `for_ms` counts from.
 * @returns the request, or one line saying what is wrong (for a 400).
 * @example
 * parseSilenceRequest({ match: { symbol: 'doge/usdt' }, for_ms: 3600000 }, 0);
 * // { match: { symbol: 'DOGE/USDT' }, until: 3600000 }
 */
export function parseSilenceRequest(body: unknown, now: number): SilenceRequest | string {
  if (!isObject(body)) return 'expected a JSON object {"match": {...}, "until" or "for_ms", "comment"}';
  const unknown = Object.keys(body).filter((key) => !['match', 'until', 'for_ms', 'comment'].includes(key));
  if (unknown.length > 0) return `unknown key ${unknown[0]} (known: match, until, for_ms, comment)`;
  const { match: rawMatch, until: rawUntil, for_ms: forMs, comment } = body;
  if (!isObject(rawMatch)) return 'match: expected an object with any of exchange, symbol, rule';
  const badKey = Object.keys(rawMatch).find((key) => !['exchange', 'symbol', 'rule'].includes(key));
  if (badKey !== undefined) return `match.${badKey}: unknown key (known: exchange, symbol, rule)`;
  const match: { exchange?: string; symbol?: string; rule?: string } = {};
  if (rawMatch.exchange !== undefined) {
    if (typeof rawMatch.exchange !== 'string' || !(EXCHANGE_IDS as readonly string[]).includes(rawMatch.exchange)) {
      return `match.exchange: expected one of ${EXCHANGE_IDS.join(', ')}`;
    }
    match.exchange = rawMatch.exchange;
  }
  if (rawMatch.symbol !== undefined) {
    if (typeof rawMatch.symbol !== 'string') return 'match.symbol: expected a symbol like BTC/USDT';
    const symbol = canonicalSymbol(rawMatch.symbol);
    if (isSymbolError(symbol)) return `match.symbol: ${symbol.message}`;
    match.symbol = symbol;
  }
  if (rawMatch.rule !== undefined) {
    if (typeof rawMatch.rule !== 'string' || !(SILENCE_RULES as readonly string[]).includes(rawMatch.rule)) {
      return `match.rule: expected one of ${SILENCE_RULES.join(', ')}`;
    }
    match.rule = rawMatch.rule;
  }
  if (Object.keys(match).length === 0) return 'match: expected at least one of exchange, symbol, rule';
  if (rawUntil !== undefined && forMs !== undefined) return 'give either until or for_ms, not both';
  let until: number | undefined;
  if (rawUntil !== undefined) {
    until = typeof rawUntil === 'string' ? parseIsoTime(rawUntil) : undefined;
    if (until === undefined) return 'until: expected a time with its zone, e.g. 2026-12-31T00:00:00Z';
    if (until <= now) return `until: ${rawUntil} has passed already`;
  }
  if (forMs !== undefined) {
    if (typeof forMs !== 'number' || !Number.isSafeInteger(forMs) || forMs <= 0) return 'for_ms: expected a whole number of milliseconds > 0';
    until = now + forMs;
  }
  if (comment !== undefined && (typeof comment !== 'string' || comment.length > MAX_COMMENT)) {
    return `comment: expected a string of at most ${MAX_COMMENT} characters`;
  }
  const request: SilenceRequest = {
    match: match as SilenceMatch,
    ...(until !== undefined ? { until } : {}),
    ...(typeof comment === 'string' && comment.trim() !== '' ? { comment: comment.trim() } : {}),
  };
  return request;
}
