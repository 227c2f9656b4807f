import { defer } from 'rxjs';
import type { WebhookConfig } from '../../domain/config-types.js';
import type { Channel } from '../channel.js';
import { classifyHttpFailure } from './classify-http-failure.js';
import { postAccepted } from './post-accepted.js';
import { secretsOf } from './redact-secrets.js';
import { safeHost } from './safe-origin.js';
import { WEBHOOK_FORMATS } from './webhook-formats.js';

/** Options of {@link webhookChannel}. */
export interface WebhookChannelOptions {
  /** Each request must be answered within this, ms. Default 10000. */
  readonly timeoutMs?: number;
  /** Clock for `Retry-After` dates. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * One entry of `alerts.webhooks` as a {@link Channel}: each batch is one POST
 * of the configured format (`slack`, `discord`, `ntfy`, `json`) to the URL.
 *
 * 1. Id `webhook-<n>` (`n` counts from 1 in config order), label
 *    `webhook <n> (<host>)`: the URL's path and query and the header values are
 *    secrets, shown nowhere (failure reasons quote the receiver's answer with
 *    them redacted).
 * 2. Every request carries the batch id as `Idempotency-Key`, the same on every
 *    retry, plus the configured `headers` (which win over the format's own,
 *    e.g. a fixed ntfy `Priority`).
 * 3. `send` completes on a 2xx answer; 408, 429 (with its `Retry-After`), 5xx
 *    and no answer are temporary failures, any other status permanent
 *    (see `classifyHttpFailure`).
 * 4. Re-arms are not sent (the default `accepts`).
 *
 * @param index position in `alerts.webhooks`, from 0.
 * @example
 * webhookChannel({ url: 'https://hooks.slack.com/services/T/B/X', format: 'slack', group_wait_ms: 5000, headers: {} }, 0).label;
 * // Logs: webhook 1 (hooks.slack.com)
 */
export function webhookChannel(config: WebhookConfig, index: number, options: WebhookChannelOptions = {}): Channel {
  const n = index + 1;
  const format = WEBHOOK_FORMATS[config.format];
  const secrets = secretsOf(config.url, Object.values(config.headers));
  return {
    id: `webhook-${n}`,
    label: `webhook ${n} (${safeHost(config.url)})`,
    groupWaitMs: config.group_wait_ms,
    send: (batch) =>
      defer(() => {
        const payload = format(batch);
        return postAccepted(
          { url: config.url, headers: { ...payload.headers, ...config.headers }, body: payload.body, idempotencyKey: batch.id },
          { secrets, ...options },
        );
      }),
    classify: classifyHttpFailure,
  };
}
