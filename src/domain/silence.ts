import type { Alert } from './alert.js';

/** What a silence matches: any of exchange, symbol, rule; every key given must equal the alert's. */
export interface SilenceMatch {
  readonly exchange?: string;
  /** Canonical `BASE/QUOTE`. */
  readonly symbol?: string;
  /** `pct_24h`, `pct_short`, `level_above`, `level_below`, `divergence`, `feed_down`, `feed_recovered`. */
  readonly rule?: string;
}

/**
 * A silence: alerts it matches are journaled (with `silencedBy`) and counted,
 * never delivered. From `alerts.silences` (ids `config-1`, `config-2`, ...) or
 * created at runtime over `POST /api/silences` (random ids, kept in `state_dir`).
 */
export interface Silence {
  readonly id: string;
  readonly match: SilenceMatch;
  /** Ends at this time (ms, exclusive); forever when absent. */
  readonly until?: number;
  readonly comment?: string;
  /** `config` or `api`: who made it, shown on the status page. */
  readonly source: 'config' | 'api';
  /** When it was created (ms), for runtime silences. */
  readonly createdAt?: number;
}

/** A runtime silence as asked for (`POST /api/silences`), validated. */
export interface SilenceRequest {
  readonly match: SilenceMatch;
  /** Ends at this time (ms); forever when absent. */
  readonly until?: number;
  readonly comment?: string;
}

/** The rules a silence can name. */
export const SILENCE_RULES = ['pct_24h', 'pct_short', 'level_above', 'level_below', 'divergence', 'feed_down', 'feed_recovered'] as const;

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** An instant written with its zone (`2026-12-31T00:00:00Z`, `...+01:00`) in ms; undefined for anything else (a zone-less time is ambiguous). */
export function parseIsoTime(text: string): number | undefined {
  if (!ISO_TIME.test(text.trim())) return undefined;
  const ms = Date.parse(text.trim());
  return Number.isFinite(ms) ? ms : undefined;
}

/** True while `silence` is in force at `ts` (ms). */
export const silenceActive = (silence: Silence, ts: number): boolean => silence.until === undefined || ts < silence.until;

/**
 * True when `silence` holds `alert` back at the alert's time: every key of its
 * `match` equals the alert's, and it has not ended. A feed alert (`feed_down`,
 * `feed_recovered`) is held only by a match naming its rule: muting a symbol
 * or an exchange must not hide that we went blind. A divergence is held by an
 * `exchange` or a `symbol` naming either of its sides.
 *
 * @example
 * silenceHolds({ id: 'config-1', match: { symbol: 'DOGE/USDT' }, source: 'config' }, dogeAlert); // true
 */
export function silenceHolds(silence: Silence, alert: Alert): boolean {
  if (!silenceActive(silence, alert.ts)) return false;
  const { exchange, symbol, rule } = silence.match;
  if (exchange === undefined && symbol === undefined && rule === undefined) return false;
  if (rule !== undefined && rule !== alert.rule) return false;
  if (alert.kind === 'divergence') {
    const sides = [alert.high, alert.low];
    return (exchange === undefined || sides.some((side) => side.exchange === exchange)) && (symbol === undefined || sides.some((side) => side.symbol === symbol));
  }
  if (exchange !== undefined && exchange !== alert.exchange) return false;
  if (alert.kind === 'feed') return rule !== undefined && symbol === undefined;
  return symbol === undefined || symbol === alert.symbol;
}

/** One line for logs and the status page: `symbol=DOGE/USDT until 2026-12-31T00:00:00.000Z: known volatility`. */
export function describeSilence(silence: Silence): string {
  const what = Object.entries(silence.match).map(([key, value]) => `${key}=${value}`).join(' ');
  const until = silence.until === undefined ? 'forever' : `until ${new Date(silence.until).toISOString()}`;
  return `${what} ${until}${silence.comment ? `: ${silence.comment}` : ''}`;
}
