import type { Alert, DivergenceAlert, DivergenceSide, FeedAlert, PriceAlert } from '../../domain/alert.js';
import { TEST_MARK } from './alert-lines.js';
import { alertHeadline, durationLabel, isLevelRule, percentLabel, signedPercent, spreadPercent, thresholdText, windowLabel } from '../../domain/alert-text.js';
import { formatPrice } from '../../domain/format-price.js';

/** The readable parts of an alert email. */
export interface EmailContent {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** How many alerts a digest's subject names before it ends with `…`. */
const SUBJECT_ITEMS = 3;

const utc = (ms: number) => new Date(ms).toISOString();

function subjectItem(alert: Alert): string {
  if (alert.kind === 'divergence') return `${alert.high.symbol} ${spreadPercent(alert.spread)} apart (${alert.high.exchange}/${alert.low.exchange})`;
  if (alert.kind === 'feed') return `${alert.exchange} ${alert.rule === 'feed_down' ? 'feed down' : 'feed recovered'}`;
  if (isLevelRule(alert.rule)) return `${alert.symbol} ${alert.direction} through ${thresholdText(alert)} (${alert.exchange})`;
  return `${alert.symbol} ${signedPercent(alert.change, 1)} (${windowLabel(alert.windowMs)}, ${alert.exchange})`;
}

/** Largest move first (by size, either direction; a divergence by its spread), then feed alerts; ties keep arrival order. */
const moveSize = (alert: Alert) => (alert.kind === 'price' ? Math.abs(alert.change) : alert.kind === 'divergence' ? alert.spread : -1);

function subject(alerts: readonly Alert[]): string {
  if (alerts.length === 1) return alertHeadline(alerts[0]!);
  const largestFirst = [...alerts].sort((a, b) => moveSize(b) - moveSize(a));
  const named = largestFirst.slice(0, SUBJECT_ITEMS).map(subjectItem);
  if (alerts.length > SUBJECT_ITEMS) named.push('…');
  return `${alerts.length} alerts: ${named.join(', ')}`;
}

/** One alert as a heading and labelled rows, shared by the text and HTML bodies. */
interface AlertSection {
  readonly heading: string;
  readonly rows: readonly (readonly [label: string, value: string])[];
}

function levelSection(alert: PriceAlert): AlertSection {
  const through = alert.rule === 'level_above' ? 'rose through' : 'fell through';
  return {
    heading: `${alert.symbol} on ${alert.exchange}: ${through} ${thresholdText(alert)}`,
    rows: [
      ['Rule', `${alert.rule} (price level)`],
      ['Price', `${formatPrice(alert.price)} at ${utc(alert.ts)}`],
      ['Threshold', `${thresholdText(alert)} (${signedPercent(alert.change, 2)} past it)`],
    ],
  };
}

function priceSection(alert: PriceAlert): AlertSection {
  if (isLevelRule(alert.rule)) return levelSection(alert);
  const threshold = thresholdText(alert);
  const window = windowLabel(alert.windowMs);
  const level =
    (alert.fromLevel ?? 0) > 0
      ? `${alert.level} (escalation: the move crossed ${alert.level} x the threshold)`
      : alert.level > 1
        ? `${alert.level} (first alert of this move: it crossed ${alert.level} x the threshold at once)`
        : '1 (first crossing)';
  return {
    heading: `${alert.symbol} on ${alert.exchange}: ${alert.direction} ${signedPercent(alert.change, 2)} in ${window}`,
    rows: [
      ['Rule', `${alert.rule} (${window} window)`],
      ['Change', `${signedPercent(alert.change, 2)} (${alert.direction})`],
      ['Price', `${formatPrice(alert.price)} at ${utc(alert.ts)}`],
      // No reference time: the 24 h rule measured from the exchange's own rolling 24 h open.
      ['Reference', `${formatPrice(alert.reference)} ${alert.referenceTs !== undefined ? `at ${utc(alert.referenceTs)}` : "(the exchange's 24 h open)"}`],
      ['Level', level],
      ...(threshold !== undefined ? [['Threshold', `${threshold} (${alert.rule} for ${alert.symbol} on ${alert.exchange})`] as const] : []),
      ['Coverage', `${Math.round(alert.coverage * 100)}% of the ${window} window had data`],
    ],
  };
}

function feedSection(alert: FeedAlert): AlertSection {
  return {
    heading: alertHeadline(alert),
    rows: [
      ['Rule', alert.rule],
      ['Last live', utc(alert.downSince)],
      [alert.rule === 'feed_down' ? 'Blind for' : 'Was blind for', durationLabel(alert.blindMs)],
      ...(alert.reason !== undefined ? [['Reason', alert.reason] as const] : []),
      ['Raised at', utc(alert.ts)],
    ],
  };
}

function divergenceSection(alert: DivergenceAlert): AlertSection {
  const compared = alert.high.symbol === alert.low.symbol ? `${alert.group} on every exchange watching it` : `the pair ${alert.group}`;
  const side = (s: DivergenceSide) => `${formatPrice(s.price)} (${s.symbol} on ${s.exchange}, at ${utc(s.ts)})`;
  return {
    heading: alertHeadline(alert),
    rows: [
      ['Rule', `divergence (${compared})`],
      ['Higher', side(alert.high)],
      ['Lower', side(alert.low)],
      ['Spread', `${spreadPercent(alert.spread)} (higher / lower - 1)`],
      ['Threshold', percentLabel(alert.threshold)],
      ['Since', `${utc(alert.since)} (${durationLabel(alert.ts - alert.since)} above the threshold)`],
      ['Raised at', utc(alert.ts)],
    ],
  };
}

function section(alert: Alert): AlertSection {
  switch (alert.kind) {
    case 'price':
      return priceSection(alert);
    case 'divergence':
      return divergenceSection(alert);
    default:
      return feedSection(alert);
  }
}

const intro = (alerts: readonly Alert[]) =>
  alerts.length === 1 ? 'crypto-supervisor raised 1 alert.' : `crypto-supervisor raised ${alerts.length} alerts.`;

const FOOTER = 'Times are UTC (ISO 8601). Sent by crypto-supervisor.';

function text(alerts: readonly Alert[], statusPageUrl: string | undefined): string {
  const width = 14;
  const blocks = alerts.map(section).map(({ heading, rows }) =>
    [heading, ...rows.map(([label, value]) => `  ${`${label}:`.padEnd(width)}${value}`)].join('\n'),
  );
  const link = statusPageUrl ? `Status page: ${statusPageUrl}\n\n` : '';
  return `${intro(alerts)}\n\n${blocks.join('\n\n')}\n\n${link}-- \n${FOOTER}\n`;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function html(alerts: readonly Alert[], statusPageUrl: string | undefined): string {
  const blocks = alerts.map(section).map(
    ({ heading, rows }) =>
      `<h3>${escapeHtml(heading)}</h3>\n<table cellpadding="2">\n${rows
        .map(([label, value]) => `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`)
        .join('\n')}\n</table>`,
  );
  return [
    '<!doctype html>',
    '<html><body style="font-family: sans-serif">',
    `<p>${escapeHtml(intro(alerts))}</p>`,
    ...blocks,
    ...(statusPageUrl ? [`<p><a href="${escapeHtml(statusPageUrl)}">Status page</a></p>`] : []),
    `<p style="color: #666">${escapeHtml(FOOTER)}</p>`,
    '</body></html>',
    '',
  ].join('\n');
}

/**
 * Renders a digest of alerts as an email: a subject naming the symbol(s),
 * exchange and signed change (a digest's subject leads with the largest move), and plain-text and HTML bodies with one section
 * per alert (rule and window, signed % with two decimals, direction, price,
 * reference price and its time, level, coverage). Times are UTC ISO 8601.
 *
 * Pure: the same alerts always give the same email.
 *
 * @example
 * formatEmail([{ kind: 'price', symbol: 'BTC/USDT', exchange: 'binance', change: 0.0523, windowMs: 86_400_000, level: 1, … }]).subject;
 * // Logs: BTC/USDT +5.23% in 24h on binance
 * @see emailChannel, which sends it.
 */
export function formatEmail(alerts: readonly Alert[], options: EmailFormatOptions = {}): EmailContent {
  const link = options.statusPageUrl;
  if (!options.test) return { subject: subject(alerts), text: text(alerts, link), html: html(alerts, link) };
  return {
    subject: `${TEST_MARK} ${subject(alerts)}`,
    text: `${TEST_NOTE}\n\n${text(alerts, link)}`,
    html: html(alerts, link).replace('<html><body style="font-family: sans-serif">', `<html><body style="font-family: sans-serif">\n<p><strong>${escapeHtml(TEST_NOTE)}</strong></p>`),
  };
}

/** Options of {@link formatEmail}. */
export interface EmailFormatOptions {
  /** A `--test-alert`: `[TEST]` first in the subject and a sentence saying so first in the body. */
  readonly test?: boolean;
  /** `http.public_url`: a line linking to the status page before the footer. */
  readonly statusPageUrl?: string;
}

const TEST_NOTE = 'This is a test alert (crypto-supervisor --test-alert): nothing moved.';
