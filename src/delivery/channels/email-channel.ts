import { defer, ignoreElements } from 'rxjs';
import type { EmailConfig } from '../../domain/config-types.js';
import type { Channel } from '../channel.js';
import { batchAlerts } from './alert-lines.js';
import { classifyEmailFailure } from './email-failure.js';
import { formatEmail } from './email-format.js';
import { type EmailTransport, smtpTransport } from './email-transport.js';

/** Options of {@link emailChannel}. */
export interface EmailChannelOptions {
  /** How messages leave (tests: anything Observable-shaped). Default {@link smtpTransport} of the config. */
  readonly transport?: EmailTransport;
  /** `http.public_url`: each email links to the status page there. */
  readonly statusPageUrl?: string;
}

/**
 * `alerts.email` as a {@link Channel}: each batch is one email (a digest when
 * it holds several alerts) to every `to_addrs`, over SMTP.
 *
 * 1. Id `email`, label `email (<smtp_host>)`; `groupWaitMs` is `group_wait_ms`.
 * 2. The Message-ID is `<batch id@crypto-supervisor>`: a retry, also after a
 *    restart that groups the same alerts, carries the same one, so a mail
 *    client can tell a resend apart. The Date header is the newest alert's time.
 * 3. `classify`: SMTP 5xx (but 503), bad settings (`ECONFIG`, `ENOAUTH`,
 *    `EENVELOPE`) and a refused login without TLS are permanent; 4xx, timeouts
 *    and connection errors temporary (see `classifyEmailFailure`).
 * 4. A `--test-alert` is marked `[TEST]` in the subject and the body.
 *
 * @example
 * emailChannel(config.alerts.email).label;
 * // Logs: email (smtp.example.com)
 */
export function emailChannel(config: EmailConfig, options: EmailChannelOptions = {}): Channel {
  let transport = options.transport;
  return {
    id: 'email',
    label: `email (${config.smtp_host})`,
    groupWaitMs: config.group_wait_ms,
    send: (batch) =>
      defer(() => {
        transport ??= smtpTransport(config);
        const shown = batchAlerts(batch.entries);
        const alerts = shown.map((each) => each.alert);
        return transport.send({
          messageId: `<${batch.id}@crypto-supervisor>`,
          date: new Date(Math.max(...alerts.map((alert) => alert.ts))),
          from: config.from_addr,
          to: config.to_addrs,
          ...formatEmail(alerts, { test: shown.some((each) => each.test), ...(options.statusPageUrl ? { statusPageUrl: options.statusPageUrl } : {}) }),
        });
      }).pipe(ignoreElements()),
    classify: classifyEmailFailure,
  };
}
