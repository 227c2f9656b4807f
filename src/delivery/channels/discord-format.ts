import type { DeliveryBatch } from '../channel.js';
import { messageText } from './alert-lines.js';
import type { WebhookPayload } from './webhook-payload.js';

/** Discord refuses a message whose `content` is longer than this (HTTP 400). */
export const DISCORD_MAX_CHARS = 2000;

/** Discord markdown would turn `*`, `_`, `~`, `` ` ``, `|` and `\` into formatting. */
const escapeDiscord = (text: string) => text.replace(/([\\*_~`|])/g, '\\$1');

/**
 * Formats a batch for a Discord webhook: `{"content": …}`, the alert's line for
 * one alert, or a bold title and one bullet per alert for a digest, at most
 * {@link DISCORD_MAX_CHARS} characters
 * (a longer digest ends with `and N more`). `allowed_mentions` is empty so an
 * alert can never ping anyone.
 *
 * @example
 * JSON.parse(formatDiscord({ id: 'b1', entries: thirtyAlerts }).body).content.length <= 2000;
 * // Logs: true
 * @see https://discord.com/developers/docs/resources/webhook#execute-webhook
 */
export function formatDiscord(batch: DeliveryBatch): WebhookPayload {
  const content = messageText(batch.entries, {
    bullet: '- ',
    escape: escapeDiscord,
    bold: (title) => `**${title}**`,
    maxChars: DISCORD_MAX_CHARS,
  });
  return {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ content, allowed_mentions: { parse: [] } }),
  };
}
