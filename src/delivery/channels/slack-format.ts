import type { DeliveryBatch } from '../channel.js';
import { messageText } from './alert-lines.js';
import type { WebhookPayload } from './webhook-payload.js';

/**
 * Slack shows about 4000 characters of a message's `text` before "Show more"
 * and cuts it at 40000; a digest is kept readable well under both.
 * https://api.slack.com/reference/surfaces/formatting
 */
export const SLACK_MAX_CHARS = 3500;

/** Slack's mrkdwn treats only these as control characters in text. */
const escapeSlack = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Formats a batch for a Slack incoming webhook: `{"text": …}`, the alert's line
 * for one alert, or a bold title and one bullet per alert for a digest
 * (`and N more` past {@link SLACK_MAX_CHARS}).
 * No blocks: `text` alone renders everywhere, notifications included.
 *
 * @example
 * JSON.parse(formatSlack({ id: 'b1', entries: [btc] }).body).text;
 * // Logs: BTC/USDT +5.23% in 24h on binance: now 36,812.50, was 34,983.10
 * @see https://api.slack.com/messaging/webhooks
 */
export function formatSlack(batch: DeliveryBatch): WebhookPayload {
  const text = messageText(batch.entries, {
    bullet: '• ',
    escape: escapeSlack,
    bold: (title) => `*${title}*`,
    maxChars: SLACK_MAX_CHARS,
  });
  return { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) };
}
