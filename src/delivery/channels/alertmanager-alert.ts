import type { Alert, FeedAlert, MoveRearmed, PriceAlert } from '../../domain/alert.js';
import { alertHeadline, durationLabel, isLevelRule, signedPercent, thresholdText, windowLabel } from '../../domain/alert-text.js';
import { TEST_MARK } from './alert-lines.js';

/** One alert of the Alertmanager API v2 (`POST /api/v2/alerts` takes a list of them). */
export interface AlertmanagerAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: { readonly summary: string; readonly description: string };
  /** RFC 3339. */
  readonly startsAt: string;
  /** RFC 3339: in the future while firing (it expires unless re-sent), the resolution time once resolved. */
  readonly endsAt: string;
}

/** `alertname` of a price move. */
export const PRICE_MOVE_ALERTNAME = 'CryptoPriceMove';
/** `alertname` of a blind feed. */
export const FEED_DOWN_ALERTNAME = 'CryptoFeedDown';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The labels of a price move at one level: what makes it one Alertmanager
 * alert. Only what two replicas watching the same move agree on: no receive
 * time, no host, no price. A `--test-alert` also gets `test="true"`, so it is
 * never the same alert as a real one.
 */
export function priceMoveLabels(
  move: Pick<PriceAlert | MoveRearmed, 'exchange' | 'symbol' | 'rule' | 'direction'>,
  level: number,
  externalLabels: Readonly<Record<string, string>>,
  test = false,
): Record<string, string> {
  return {
    ...externalLabels,
    alertname: PRICE_MOVE_ALERTNAME,
    exchange: move.exchange,
    symbol: move.symbol,
    rule: move.rule,
    direction: move.direction,
    level: String(level),
    ...(test ? { test: 'true' } : {}),
  };
}

/** The labels of a blind feed: one alert per exchange, resolved by its `feed_recovered`. */
export function feedDownLabels(
  exchange: string,
  externalLabels: Readonly<Record<string, string>>,
  test = false,
): Record<string, string> {
  return { ...externalLabels, alertname: FEED_DOWN_ALERTNAME, exchange, ...(test ? { test: 'true' } : {}) };
}

function priceDescription(alert: PriceAlert): string {
  if (isLevelRule(alert.rule)) {
    const through = alert.rule === 'level_above' ? 'rose through' : 'fell through';
    return `${alert.symbol} on ${alert.exchange} ${through} the price level ${thresholdText(alert)} (rule ${alert.rule}). Price ${alert.price} at ${iso(alert.ts)}.`;
  }
  const threshold = thresholdText(alert);
  const window = windowLabel(alert.windowMs);
  const reference = alert.referenceTs !== undefined ? ` at ${iso(alert.referenceTs)}` : '';
  return [
    `${alert.symbol} on ${alert.exchange} moved ${signedPercent(alert.change, 2)} (${alert.direction}) in ${window} (rule ${alert.rule}).`,
    `Price ${alert.price} at ${iso(alert.ts)}, reference ${alert.reference}${reference}.`,
    alert.level > 1
      ? `Level ${alert.level}: the move crossed ${alert.level} x the threshold.`
      : 'Level 1: the first crossing of the threshold.',
    ...(threshold !== undefined ? [`Threshold ${threshold}.`] : []),
    `Coverage: ${Math.round(alert.coverage * 100)}% of the window had data.`,
  ].join(' ');
}

function feedDescription(alert: FeedAlert): string {
  const reason = alert.reason !== undefined ? ` Reason: ${alert.reason}.` : '';
  return `${alert.exchange} has not been live since ${iso(alert.downSince)} (${durationLabel(alert.blindMs)}).${reason}`;
}

/**
 * A `feed_down` or price alert as a firing Alertmanager alert: `startsAt` is the
 * alert's own `ts` (stable within a move, the same on every re-send), `endsAt`
 * is `validUntil` (Alertmanager resolves it by itself if we stop re-sending).
 * A `feed_recovered` has no firing form: it resolves (see `resolvedAlert`).
 *
 * @example
 * firingAlert(btc, {}, Date.parse('2023-11-14T22:17:20Z')).labels;
 * // Logs: { alertname: 'CryptoPriceMove', exchange: 'binance', symbol: 'BTC/USDT', rule: 'pct_24h', direction: 'up', level: '1' }
 */
export function firingAlert(
  alert: PriceAlert | (FeedAlert & { rule: 'feed_down' }),
  externalLabels: Readonly<Record<string, string>>,
  validUntil: number,
  test = false,
): AlertmanagerAlert {
  const mark = test ? `${TEST_MARK} ` : '';
  const labels =
    alert.kind === 'price'
      ? priceMoveLabels(alert, alert.level, externalLabels, test)
      : feedDownLabels(alert.exchange, externalLabels, test);
  return {
    labels,
    annotations: {
      summary: `${mark}${alertHeadline(alert as Alert)}`,
      description: `${mark}${alert.kind === 'price' ? priceDescription(alert) : feedDescription(alert)}`,
    },
    startsAt: iso(alert.ts),
    endsAt: iso(Math.max(validUntil, alert.ts)),
  };
}

/**
 * The same alert, resolved at `endsAt` (a re-arm's or a `feed_recovered`'s
 * `ts`); `startsAt` never after `endsAt`, as Alertmanager requires.
 */
export function resolvedAlert(firing: AlertmanagerAlert, endsAt: number): AlertmanagerAlert {
  const starts = Date.parse(firing.startsAt);
  return { ...firing, startsAt: iso(Math.min(starts, endsAt)), endsAt: iso(endsAt) };
}

/** A stable key of a label set (sorted), for the firing alerts map. */
export function labelsKey(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
