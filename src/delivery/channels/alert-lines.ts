import type { Alert } from '../../domain/alert.js';
import { alertHeadline, divergencePrices } from '../../domain/alert-text.js';
import { formatPrice } from '../../domain/format-price.js';
import type { JournaledEntry } from '../channel.js';

/** Marks a `--test-alert` wherever it is shown. */
export const TEST_MARK = '[TEST]';

/** The alerts of a batch (re-arms are not shown by the message channels), with their test flag. */
export function batchAlerts(entries: readonly JournaledEntry[]): { readonly alert: Alert; readonly test: boolean }[] {
  return entries.flatMap(({ entry, test }) => (entry.kind === 'rearm' ? [] : [{ alert: entry, test: test === true }]));
}

/**
 * One alert in one line, for chat messages: the headline the log and the email
 * subject use, the price and where it moved from as the status page writes
 * prices (or why a feed is down; for a divergence both prices and how long it held), and
 * `[TEST]` first for a `--test-alert`.
 *
 * @example
 * alertLine(btcAlert, false);
 * // Logs: BTC/USDT +5.23% in 24h on binance: now 36,812.50, was 34,983.10
 */
export function alertLine(alert: Alert, test: boolean): string {
  const mark = test ? `${TEST_MARK} ` : '';
  if (alert.kind === 'feed') {
    const reason = alert.rule === 'feed_down' && alert.reason !== undefined ? ` (${alert.reason})` : '';
    return `${mark}${alertHeadline(alert)}${reason}`;
  }
  if (alert.kind === 'divergence') return `${mark}${alertHeadline(alert)}: ${divergencePrices(alert)}`;
  return `${mark}${alertHeadline(alert)}: now ${formatPrice(alert.price)}, was ${formatPrice(alert.reference)}`;
}

/**
 * The title of a batch: the alert's headline for one alert, `crypto-supervisor: 30 alerts`
 * for a digest; `[TEST]` first when the batch holds a `--test-alert`.
 *
 * @example
 * [batchTitle([btc]), batchTitle(thirty)];
 * // Logs: [ 'BTC/USDT +5.23% in 24h on binance', 'crypto-supervisor: 30 alerts' ]
 */
export function batchTitle(entries: readonly JournaledEntry[]): string {
  const alerts = batchAlerts(entries);
  const mark = alerts.some((a) => a.test) ? `${TEST_MARK} ` : '';
  if (alerts.length === 1) return `${mark}${alertHeadline(alerts[0]!.alert)}`;
  return `${mark}crypto-supervisor: ${alerts.length} alerts`;
}

/**
 * Joins `lines` under `head` with newlines, keeping as many lines as fit in
 * `maxChars` (counted in UTF-16 units, as Discord and Telegram count) and ending
 * with `and N more` when some had to go.
 *
 * @example
 * fitLines('2 alerts', ['a', 'b'], 20);
 * // Logs: '2 alerts\na\nb'
 */
export function fitLines(head: string, lines: readonly string[], maxChars: number): string {
  const full = [head, ...lines].join('\n');
  if (full.length <= maxChars) return full;
  let kept = lines.length;
  const text = (n: number) => [head, ...lines.slice(0, n), `and ${lines.length - n} more`].join('\n');
  while (kept > 0 && text(kept).length > maxChars) kept--;
  const result = text(kept);
  return result.length <= maxChars ? result : result.slice(0, maxChars);
}

/** How a chat format writes a message: its bullet, its escaping, its bold, its limit. */
export interface MessageStyle {
  /** Before each alert of a digest, e.g. `- ` or `• `. */
  readonly bullet: string;
  /** Escapes the format's markup characters in alert text. Default: none. */
  readonly escape?: (text: string) => string;
  /** Wraps the digest title, e.g. in `*...*`. Default: as is. */
  readonly bold?: (text: string) => string;
  /** The receiver's limit, in UTF-16 units. */
  readonly maxChars: number;
}

/**
 * A batch as one chat message: a single alert is its line; a digest is a bold
 * title (`crypto-supervisor: 30 alerts`) and one bulleted line per alert, cut
 * with `and N more` at `maxChars`.
 *
 * @example
 * messageText([btc], { bullet: '- ', maxChars: 4096 });
 * // Logs: BTC/USDT +5.23% in 24h on binance: now 36,812.50, was 34,983.10
 */
export function messageText(entries: readonly JournaledEntry[], style: MessageStyle): string {
  const escape = style.escape ?? ((text: string) => text);
  const bold = style.bold ?? ((text: string) => text);
  const lines = batchAlerts(entries).map(({ alert, test }) => escape(alertLine(alert, test)));
  if (lines.length === 1) return fitLines(lines[0]!, [], style.maxChars);
  return fitLines(bold(escape(batchTitle(entries))), lines.map((line) => `${style.bullet}${line}`), style.maxChars);
}
