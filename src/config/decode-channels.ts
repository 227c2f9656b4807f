import * as E from 'fp-ts/lib/Either.js';
import type { AlertmanagerConfig, TelegramConfig, WebhookConfig } from '../domain/config-types.js';
import type { ConfigFile } from './codecs.js';
import type { ConfigIssue } from './config-issue.js';

type AlertsFile = NonNullable<ConfigFile['alerts']>;

/** The defaults of the channel blocks (`alerts.webhooks[]`, `alerts.telegram`, `alerts.alertmanager`). */
export const CHANNEL_DEFAULTS = {
  webhookFormat: 'json',
  groupWaitMs: 5000,
  telegramApiUrl: 'https://api.telegram.org',
  resendEveryMs: 60_000,
} as const;

/** The channels of `alerts`, defaults filled in. */
export interface DecodedChannels {
  readonly webhooks: readonly WebhookConfig[];
  readonly telegram?: TelegramConfig;
  readonly alertmanager?: AlertmanagerConfig;
}

/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers the request itself sets: a configured one would break it or the idempotency promise. */
const RESERVED_HEADERS = new Set(['content-length', 'host', 'transfer-encoding', 'connection', 'idempotency-key']);
/** Prometheus label names. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** The labels every Alertmanager alert of ours carries: an external label may not replace one. */
const OWN_LABELS = ['alertname', 'exchange', 'symbol', 'rule', 'direction', 'level', 'test'];

function checkHeaders(headers: Readonly<Record<string, string>>, path: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) issues.push({ path: `${path}.${name}`, message: 'not a valid HTTP header name' });
    else if (RESERVED_HEADERS.has(name.toLowerCase())) {
      issues.push({ path: `${path}.${name}`, message: 'is set by the request itself; remove it' });
    }
    // The value is a secret: say what is wrong, never what it is.
    if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value)) {
      issues.push({ path: `${path}.${name}`, message: 'the value holds a line break or control character' });
    }
  }
  return issues;
}

function decodeWebhooks(webhooks: NonNullable<AlertsFile['webhooks']>, issues: ConfigIssue[]): WebhookConfig[] {
  return webhooks.map((webhook, i) => {
    const headers = webhook.headers ?? {};
    issues.push(...checkHeaders(headers, `alerts.webhooks[${i}].headers`));
    return {
      url: webhook.url,
      format: webhook.format ?? CHANNEL_DEFAULTS.webhookFormat,
      group_wait_ms: webhook.group_wait_ms ?? CHANNEL_DEFAULTS.groupWaitMs,
      headers,
    };
  });
}

function decodeTelegram(telegram: NonNullable<AlertsFile['telegram']>, issues: ConfigIssue[]): TelegramConfig {
  if (telegram.chat_ids.length === 0) issues.push({ path: 'alerts.telegram.chat_ids', message: 'expected at least one chat id' });
  const first = new Map<number | string, number>();
  telegram.chat_ids.forEach((chat, i) => {
    const earlier = first.get(chat);
    if (earlier !== undefined) {
      issues.push({ path: `alerts.telegram.chat_ids[${i}]`, message: `${chat} is already listed at chat_ids[${earlier}]` });
    } else first.set(chat, i);
  });
  if (/\s|\//.test(telegram.bot_token.trim())) {
    issues.push({ path: 'alerts.telegram.bot_token', message: 'expected a bot token like 123456:ABC-DEF (no spaces or slashes)' });
  }
  return {
    bot_token: telegram.bot_token.trim(),
    chat_ids: telegram.chat_ids,
    api_url: telegram.api_url ?? CHANNEL_DEFAULTS.telegramApiUrl,
    group_wait_ms: telegram.group_wait_ms ?? CHANNEL_DEFAULTS.groupWaitMs,
  };
}

function decodeAlertmanager(alertmanager: NonNullable<AlertsFile['alertmanager']>, issues: ConfigIssue[]): AlertmanagerConfig {
  if (alertmanager.urls.length === 0) issues.push({ path: 'alerts.alertmanager.urls', message: 'expected at least one URL' });
  const external = alertmanager.external_labels ?? {};
  for (const name of Object.keys(external)) {
    const path = `alerts.alertmanager.external_labels.${name}`;
    if (!LABEL_NAME.test(name)) issues.push({ path, message: 'not a valid label name (letters, digits, _; not starting with a digit)' });
    else if (name.startsWith('__')) issues.push({ path, message: 'label names starting with __ are reserved' });
    else if (OWN_LABELS.includes(name)) issues.push({ path, message: `is one of the alert's own labels (${OWN_LABELS.join(', ')})` });
  }
  return {
    urls: alertmanager.urls,
    resend_every_ms: alertmanager.resend_every_ms ?? CHANNEL_DEFAULTS.resendEveryMs,
    ...(alertmanager.external_labels ? { external_labels: external } : {}),
  };
}

/**
 * Fills in the channel blocks of `alerts` and checks what a codec cannot:
 * header names, duplicated chat ids, label names, empty lists. Issues name the
 * key path and never quote a URL, a header value or a token.
 *
 * @example
 * decodeChannels({ webhooks: [{ url: 'https://ntfy.sh/alerts', format: 'ntfy' }] });
 * // Right: { webhooks: [{ url, format: 'ntfy', group_wait_ms: 5000, headers: {} }] }
 */
export function decodeChannels(alerts: AlertsFile | undefined): E.Either<ConfigIssue[], DecodedChannels> {
  const issues: ConfigIssue[] = [];
  const webhooks = decodeWebhooks(alerts?.webhooks ?? [], issues);
  const telegram = alerts?.telegram ? decodeTelegram(alerts.telegram, issues) : undefined;
  const alertmanager = alerts?.alertmanager ? decodeAlertmanager(alerts.alertmanager, issues) : undefined;
  if (issues.length > 0) return E.left(issues);
  return E.right({ webhooks, ...(telegram ? { telegram } : {}), ...(alertmanager ? { alertmanager } : {}) });
}
