import type { SchedulerLike } from 'rxjs';
import type { AlertsConfig } from '../domain/config-types.js';
import { type Logger, silentLogger } from '../log.js';
import type { Channel } from './channel.js';
import { alertmanagerChannel } from './channels/alertmanager-channel.js';
import { emailChannel } from './channels/email-channel.js';
import { telegramChannels } from './channels/telegram-channels.js';
import { webhookChannel } from './channels/webhook-channel.js';

/** Options of {@link channelsFromConfig}. */
export interface ChannelsFromConfigOptions {
  /** Parent logger; each channel that logs gets a child named after its id. Default: nothing is logged. */
  readonly logger?: Logger;
  /** Each HTTP request must be answered within this, ms. Default 10000. */
  readonly timeoutMs?: number;
  /** Clock for `Retry-After` dates and Alertmanager's `endsAt`. Default `Date.now`. */
  readonly now?: () => number;
  /** `http.public_url`: emails link to the status page there. Default: no link. */
  readonly statusPageUrl?: string;
  /** Runs Alertmanager's re-send timer. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/**
 * Every configured channel of `alerts`, in a fixed order: `email`, the
 * webhooks (`webhook-1`, `webhook-2`, ... in config order), one Telegram
 * channel per chat (`telegram-<chat_id>`), then `alertmanager`. Empty when
 * none is configured. Building a channel opens nothing: work starts when the
 * delivery path sends.
 *
 * @example
 * channelsFromConfig(config.alerts).map((channel) => channel.id);
 * // Logs: [ 'email', 'webhook-1', 'webhook-2', 'telegram-123456789', 'alertmanager' ]
 */
export function channelsFromConfig(alerts: AlertsConfig, options: ChannelsFromConfigOptions = {}): Channel[] {
  const logger = options.logger ?? silentLogger;
  const http = {
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.now ? { now: options.now } : {}),
  };
  return [
    ...(alerts.email ? [emailChannel(alerts.email, options.statusPageUrl ? { statusPageUrl: options.statusPageUrl } : {})] : []),
    ...alerts.webhooks.map((webhook, i) => webhookChannel(webhook, i, http)),
    ...(alerts.telegram ? telegramChannels(alerts.telegram, http) : []),
    ...(alerts.alertmanager
      ? [
          alertmanagerChannel(alerts.alertmanager, {
            ...http,
            logger: logger.child('alertmanager'),
            ...(options.scheduler ? { scheduler: options.scheduler } : {}),
          }),
        ]
      : []),
  ];
}

/**
 * The settings one channel of {@link channelsFromConfig} is built from, as a
 * string that changes exactly when the channel would be built differently: a
 * config reload keeps a channel whose settings are the same (its delivery, its
 * cursor, its in-memory state) and rebuilds one whose settings changed. Holds
 * secrets: compare it, never log it.
 *
 * @example
 * channelSettingsOf(config.alerts, 'webhook-1') === channelSettingsOf(reloaded.alerts, 'webhook-1');
 * // Logs: true   (when alerts.webhooks[0] did not change)
 */
export function channelSettingsOf(alerts: AlertsConfig, channelId: string, statusPageUrl?: string): string {
  let settings: unknown;
  if (channelId === 'email') settings = [alerts.email, statusPageUrl];
  else if (channelId.startsWith('webhook-')) settings = alerts.webhooks[Number(channelId.slice('webhook-'.length)) - 1];
  // One channel per chat: the chat list itself is the set of channels, not a setting of each.
  else if (channelId.startsWith('telegram-')) settings = alerts.telegram && { ...alerts.telegram, chat_ids: [] };
  else if (channelId === 'alertmanager') settings = alerts.alertmanager;
  return JSON.stringify(settings ?? null);
}
