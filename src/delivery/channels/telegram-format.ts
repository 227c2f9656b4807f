import type { DeliveryBatch } from '../channel.js';
import { messageText } from './alert-lines.js';

/** The Bot API refuses a `sendMessage` text longer than this (after entity parsing). */
export const TELEGRAM_MAX_CHARS = 4096;

/**
 * The `sendMessage` body for one chat: plain text (no `parse_mode`, so nothing
 * in an alert needs escaping): the alert's line, or for a digest a title and one line per alert, at most
 * {@link TELEGRAM_MAX_CHARS} characters (a longer digest ends with `and N more`).
 *
 * @example
 * formatTelegram({ id: 'b1', entries: [btc] }, 123456789);
 * // Logs: {"chat_id":123456789,"text":"BTC/USDT +5.23% in 24h on binance: now 36,812.50, was 34,983.10"}
 * @see https://core.telegram.org/bots/api#sendmessage
 */
export function formatTelegram(batch: DeliveryBatch, chatId: number | string): string {
  const text = messageText(batch.entries, { bullet: '- ', maxChars: TELEGRAM_MAX_CHARS });
  return JSON.stringify({ chat_id: chatId, text });
}
