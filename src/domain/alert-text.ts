import type { Alert, FeedAlert } from './alert.js';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** `24h`, `1h`, `15m`, `30s`, `1500ms`: a window length in its shortest exact unit. */
export function windowLabel(ms: number): string {
  if (ms % HOUR_MS === 0) return `${ms / HOUR_MS}h`;
  if (ms % MINUTE_MS === 0) return `${ms / MINUTE_MS}m`;
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** `1h 2m 5s`, `45s`, `350ms`: a duration for people. */
export function durationLabel(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const seconds = Math.round(ms / 1000);
  const parts = [
    [Math.floor(seconds / 3600), 'h'],
    [Math.floor((seconds % 3600) / 60), 'm'],
    [seconds % 60, 's'],
  ] as const;
  return parts
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n}${unit}`)
    .join(' ');
}

/** `+5.23%`, `-0.70%`: the sign is always shown. */
export function signedPercent(change: number, digits: number): string {
  const text = (change * 100).toFixed(digits);
  return change >= 0 ? `+${text}%` : `${text}%`;
}

function feedHeadline(alert: FeedAlert): string {
  return alert.rule === 'feed_down'
    ? `${alert.exchange} feed down for ${durationLabel(alert.blindMs)}`
    : `${alert.exchange} feed recovered after ${durationLabel(alert.blindMs)}`;
}

/**
 * One alert in one line, as an email subject and a log line say it:
 * `BTC/USDT +5.23% in 24h on binance`, `... (level 2)` for an escalation
 * (never on a move's first alert, whatever its level),
 * `binance feed down for 2m`.
 */
export function alertHeadline(alert: Alert): string {
  if (alert.kind === 'feed') return feedHeadline(alert);
  const level = (alert.fromLevel ?? 0) > 0 ? ` (level ${alert.level})` : '';
  return `${alert.symbol} ${signedPercent(alert.change, 2)} in ${windowLabel(alert.windowMs)} on ${alert.exchange}${level}`;
}
