import { defer } from 'rxjs';
import type { TelegramConfig } from '../../domain/config-types.js';
import type { Channel } from '../channel.js';
import { classifyHttpFailure } from './classify-http-failure.js';
import { postAccepted } from './post-accepted.js';
import { secretsOf } from './redact-secrets.js';
import { safeHost } from './safe-origin.js';
import { formatTelegram } from './telegram-format.js';

/** Options of {@link telegramChannels}. */
export interface TelegramChannelOptions {
  /** Each request must be answered within this, ms. Default 10000. */
  readonly timeoutMs?: number;
  /** Clock for `Retry-After` dates. Default `Date.now`. */
  readonly now?: () => number;
}

/** What the Bot API answers when it refuses: `{ ok: false, error_code, description, parameters: { retry_after } }`. */
interface BotApiRefusal {
  readonly description?: unknown;
  readonly parameters?: { readonly retry_after?: unknown };
}

function refusalOf(body: string): BotApiRefusal {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? (parsed as BotApiRefusal) : {};
  } catch {
    return {};
  }
}

/** Telegram's flood control says how long to wait in the body, in seconds (`parameters.retry_after`). */
function retryAfterOf(body: string): number | undefined {
  const seconds = refusalOf(body).parameters?.retry_after;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) : undefined;
}

function descriptionOf(body: string): string | undefined {
  const { description } = refusalOf(body);
  return typeof description === 'string' ? description : undefined;
}

/** `telegram-123456789`, `telegram--1001234567890`, `telegram-@channel`: stable across config reorders. */
export const telegramChannelId = (chatId: number | string) => `telegram-${chatId}`;

/**
 * `alerts.telegram` as one {@link Channel} per chat: each batch is one Bot API
 * `sendMessage` (`<api_url>/bot<token>/sendMessage`) to that chat.
 *
 * Why one channel per chat: a batch is delivered, retried and quarantined as a
 * whole. With one channel for all chats, a chat that fails (the bot was
 * blocked, flood control) would make every retry re-send the batch to the chats
 * that already got it. With one channel per chat, each chat has its own cursor,
 * retries and quarantine, so a chat gets a batch once (at least once across a
 * crash), and a failing chat never delays or duplicates the others. The id is
 * the chat id (`telegram-<chat_id>`), not its position, so editing `chat_ids`
 * keeps each chat's progress.
 *
 * 1. Label `telegram <chat_id> (<api host>)`: the bot token is a secret, shown
 *    nowhere (the Bot API's own refusal text is quoted with it redacted).
 * 2. A `429` is retried after `parameters.retry_after` seconds (or
 *    `Retry-After`); 408, 5xx and no answer are retried with backoff; any other
 *    refusal (400 chat not found, 401 bad token, 403 bot blocked) is permanent.
 * 3. Every request carries the batch id as `Idempotency-Key` (the Bot API
 *    ignores it; a proxy may use it).
 *
 * @example
 * telegramChannels({ bot_token: '123:abc', chat_ids: [42, -100777], api_url: 'https://api.telegram.org', group_wait_ms: 5000 })
 *   .map((channel) => channel.label);
 * // Logs: [ 'telegram 42 (api.telegram.org)', 'telegram -100777 (api.telegram.org)' ]
 * @see https://core.telegram.org/bots/api#sendmessage
 */
export function telegramChannels(config: TelegramConfig, options: TelegramChannelOptions = {}): Channel[] {
  const url = `${config.api_url.replace(/\/+$/, '')}/bot${config.bot_token}/sendMessage`;
  const secrets = secretsOf(url, [config.bot_token, `bot${config.bot_token}`]);
  const host = safeHost(config.api_url);
  return config.chat_ids.map((chatId) => ({
    id: telegramChannelId(chatId),
    label: `telegram ${chatId} (${host})`,
    groupWaitMs: config.group_wait_ms,
    send: (batch) =>
      defer(() =>
        postAccepted(
          {
            url,
            headers: { 'content-type': 'application/json' },
            body: formatTelegram(batch, chatId),
            idempotencyKey: batch.id,
          },
          { ...options, secrets, retryAfterOf, detailOf: descriptionOf },
        ),
      ),
    classify: classifyHttpFailure,
  }));
}
