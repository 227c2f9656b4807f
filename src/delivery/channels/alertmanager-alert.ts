import type { Alert, DivergenceAlert, DivergenceRearmed, FeedAlert, MoveRearmed, PriceAlert } from '../../domain/alert.js';
import { alertHeadline, durationLabel, isLevelRule, percentLabel, signedPercent, spreadPercent, thresholdText, windowLabel } from '../../domain/alert-text.js';
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
/** `alertname` of a cross-exchange divergence. */
export const DIVERGENCE_ALERTNAME = 'CryptoPriceDivergence';

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

/**
 * The labels of a divergence episode: `group` (what is compared) and both sides
 * as the alert named them (`exchange_high`, `symbol_high`, `exchange_low`,
 * `symbol_low`); no price. Its re-arm resolves it by `alertname` and `group`.
 */
export function divergenceLabels(
  episode: Pick<DivergenceAlert | DivergenceRearmed, 'group' | 'high' | 'low'>,
  externalLabels: Readonly<Record<string, string>>,
  test = false,
): Record<string, string> {
  return {
    ...divergenceGroupLabels(episode.group, externalLabels, test),
    rule: 'divergence',
    exchange_high: episode.high.exchange,
    symbol_high: episode.high.symbol,
    exchange_low: episode.low.exchange,
    symbol_low: episode.low.symbol,
  };
}

/** What every alert of one divergence group shares, whichever sides it named: what a re-arm resolves. */
export function divergenceGroupLabels(group: string, externalLabels: Readonly<Record<string, string>>, test = false): Record<string, string> {
  return { ...externalLabels, alertname: DIVERGENCE_ALERTNAME, group, ...(test ? { test: 'true' } : {}) };
}

function divergenceDescription(alert: DivergenceAlert): string {
  const side = (s: DivergenceAlert['high']) => `${s.symbol} on ${s.exchange} at ${s.price} (${iso(s.ts)})`;
  return [
    `${side(alert.high)} is ${spreadPercent(alert.spread)} above ${side(alert.low)} (rule divergence, group ${alert.group}).`,
    `Above the threshold ${percentLabel(alert.threshold)} since ${iso(alert.since)} (${durationLabel(alert.ts - alert.since)}).`,
  ].join(' ');
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
 * A `feed_down`, price or divergence alert as a firing Alertmanager alert: `startsAt` is the
 * alert's own `ts` (stable within a move, the same on every re-send), `endsAt`
 * is `validUntil` (Alertmanager resolves it by itself if we stop re-sending).
 * A `feed_recovered` has no firing form: it resolves (see `resolvedAlert`).
 *
 * @example
 * firingAlert(btc, {}, Date.parse('2023-11-14T22:17:20Z')).labels;
 * // Logs: { alertname: 'CryptoPriceMove', exchange: 'binance', symbol: 'BTC/USDT', rule: 'pct_24h', direction: 'up', level: '1' }
 */
export function firingAlert(
  alert: PriceAlert | (FeedAlert & { rule: 'feed_down' }) | DivergenceAlert,
  externalLabels: Readonly<Record<string, string>>,
  validUntil: number,
  test = false,
): AlertmanagerAlert {
  const mark = test ? `${TEST_MARK} ` : '';
  const labels =
    alert.kind === 'price'
      ? priceMoveLabels(alert, alert.level, externalLabels, test)
      : alert.kind === 'divergence'
        ? divergenceLabels(alert, externalLabels, test)
        : feedDownLabels(alert.exchange, externalLabels, test);
  const description = alert.kind === 'price' ? priceDescription(alert) : alert.kind === 'divergence' ? divergenceDescription(alert) : feedDescription(alert);
  return {
    labels,
    annotations: {
      summary: `${mark}${alertHeadline(alert as Alert)}`,
      description: `${mark}${description}`,
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
