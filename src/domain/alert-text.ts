import type { Alert, DivergenceAlert, DivergenceSide, FeedAlert, PriceAlert, PriceRule } from './alert.js';
import { formatPrice } from './format-price.js';

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

/** `5%`, `2.5%`, `0.125%`: a threshold fraction as a percentage, without trailing zeros. */
export function percentLabel(fraction: number): string {
  return `${+(fraction * 100).toFixed(4)}%`;
}

/** True for the price-level rules (`level_above`, `level_below`), whose threshold is a price, not a fraction. */
export function isLevelRule(rule: PriceRule): boolean {
  return rule === 'level_above' || rule === 'level_below';
}

/**
 * The threshold that fired, as the outputs show it: `5%` for a move rule, the
 * price level (`0.5`) for a level rule; `undefined` for a journal line written
 * before alerts carried their threshold.
 */
export function thresholdText(alert: PriceAlert): string | undefined {
  if (isLevelRule(alert.rule)) return String(alert.threshold ?? alert.reference);
  return alert.threshold === undefined ? undefined : percentLabel(alert.threshold);
}

function priceHeadline(alert: PriceAlert): string {
  if (isLevelRule(alert.rule)) {
    const through = alert.rule === 'level_above' ? 'rose through' : 'fell through';
    return `${alert.symbol} ${through} ${thresholdText(alert)} on ${alert.exchange}`;
  }
  const level = (alert.fromLevel ?? 0) > 0 ? ` (level ${alert.level})` : '';
  const threshold = thresholdText(alert);
  return `${alert.symbol} ${signedPercent(alert.change, 2)} in ${windowLabel(alert.windowMs)} on ${alert.exchange}${level}${threshold === undefined ? '' : `, threshold ${threshold}`}`;
}

function feedHeadline(alert: FeedAlert): string {
  return alert.rule === 'feed_down'
    ? `${alert.exchange} feed down for ${durationLabel(alert.blindMs)}`
    : `${alert.exchange} feed recovered after ${durationLabel(alert.blindMs)}`;
}

/**
 * The exchange an alert is about, as one label value: its exchange, or for a
 * divergence both sides' exchanges sorted and joined with a comma (`binance,coinbase`;
 * one name when a pair compares two symbols on one exchange).
 */
export function alertExchanges(alert: Alert): string {
  if (alert.kind !== 'divergence') return alert.exchange;
  return [...new Set([alert.high.exchange, alert.low.exchange])].sort().join(',');
}

/** `1.20%`: a divergence's spread, unsigned, two decimals. */
export function spreadPercent(spread: number): string {
  return `${(spread * 100).toFixed(2)}%`;
}

/** A side as a divergence names it: the exchange alone when both sides are the same symbol, else `BTC/USD on coinbase`. */
export function divergenceSideLabel(alert: Pick<DivergenceAlert, 'high' | 'low'>, side: Pick<DivergenceSide, 'exchange' | 'symbol'>): string {
  return alert.high.symbol === alert.low.symbol ? side.exchange : `${side.symbol} on ${side.exchange}`;
}

function divergenceHeadline(alert: DivergenceAlert): string {
  const apart = `${spreadPercent(alert.spread)} apart`;
  const where =
    alert.high.symbol === alert.low.symbol
      ? `${alert.high.symbol} ${apart} on ${alert.high.exchange} and ${alert.low.exchange}`
      : `${divergenceSideLabel(alert, alert.high)} and ${divergenceSideLabel(alert, alert.low)} ${apart}`;
  return `${where}, threshold ${percentLabel(alert.threshold)}`;
}

/**
 * Both prices of a divergence and how long it has held:
 * `coinbase 64,800.00 vs binance 64,030.00 for 30s`.
 */
export function divergencePrices(alert: DivergenceAlert): string {
  const { high, low } = alert;
  return `${divergenceSideLabel(alert, high)} ${formatPrice(high.price)} vs ${divergenceSideLabel(alert, low)} ${formatPrice(low.price)} for ${durationLabel(alert.ts - alert.since)}`;
}

/**
 * One alert in one line, as an email subject and a log line say it:
 * `BTC/USDT +5.23% in 24h on binance, threshold 5%`, `... on binance (level 2), threshold 5%`
 * for an escalation (never on a move's first alert, whatever its level),
 * `DOGE/USDT rose through 0.5 on binance` for a price level,
 * `binance feed down for 2m`,
 * `BTC/USDT 1.20% apart on coinbase and binance, threshold 1%` for a divergence
 * (`BTC/USD on coinbase and BTC/USDT on binance 1.20% apart, ...` for a pair of
 * symbols). The threshold is left out only for an alert that
 * does not carry one (a journal line from before thresholds were recorded).
 */
export function alertHeadline(alert: Alert): string {
  switch (alert.kind) {
    case 'feed':
      return feedHeadline(alert);
    case 'divergence':
      return divergenceHeadline(alert);
    default:
      return priceHeadline(alert);
  }
}
