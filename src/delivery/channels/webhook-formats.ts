import type { WebhookFormat } from '../../domain/config-types.js';
import { formatDiscord } from './discord-format.js';
import { formatJson } from './json-format.js';
import { formatNtfy } from './ntfy-format.js';
import { formatSlack } from './slack-format.js';
import type { WebhookFormatter } from './webhook-payload.js';

/** Each `alerts.webhooks[].format` and its formatter: adding a format is a formatter file and one line here. */
export const WEBHOOK_FORMATS: Readonly<Record<WebhookFormat, WebhookFormatter>> = {
  slack: formatSlack,
  discord: formatDiscord,
  ntfy: formatNtfy,
  json: formatJson,
};
