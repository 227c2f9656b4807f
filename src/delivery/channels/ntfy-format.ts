import type { Alert } from '../../domain/alert.js';
import type { DeliveryBatch } from '../channel.js';
import { alertLine, batchAlerts, batchTitle, fitLines } from './alert-lines.js';
import type { WebhookPayload } from './webhook-payload.js';

/** ntfy turns a longer body into an attachment; a digest stays a message. https://docs.ntfy.sh/publish/#limitations */
export const NTFY_MAX_CHARS = 3500;

/** Escalations (level 2 and up) and a blind feed are worth waking someone: `Priority: high`. */
function urgent(alert: Alert): boolean {
  if (alert.kind === 'divergence') return false;
  return alert.kind === 'feed' ? alert.rule === 'feed_down' : alert.level > 1;
}

/** ntfy tags that are emoji names show as emoji before the title. */
function tagOf(alert: Alert): string {
  if (alert.kind === 'feed') return alert.rule === 'feed_down' ? 'warning' : 'white_check_mark';
  if (alert.kind === 'divergence') return 'left_right_arrow';
  return alert.direction === 'up' ? 'chart_with_upwards_trend' : 'chart_with_downwards_trend';
}

/** HTTP header values must be visible ASCII; a title is ASCII anyway, this only guards it. */
const asciiHeader = (text: string) => text.replace(/[^\x20-\x7e]/g, '?');

/**
 * Formats a batch for ntfy (publish as a plain-text POST to the topic URL):
 *
 * 1. Body: one line per alert (`and N more` past {@link NTFY_MAX_CHARS}).
 * 2. `Title`: the alert's headline, or `crypto-supervisor: N alerts`; `[TEST]` first for a test.
 * 3. `Priority`: `high` when the batch holds an escalation (level 2 and up) or
 *    a `feed_down`, else `default`.
 * 4. `Tags`: `crypto-supervisor`, plus one emoji tag per kind of alert in the
 *    batch (`chart_with_upwards_trend`, `chart_with_downwards_trend`,
 *    `warning`, `white_check_mark`, `left_right_arrow` for a divergence), plus `test` for a test alert.
 *
 * @example
 * formatNtfy({ id: 'b1', entries: [btcLevel2] }).headers.Priority;
 * // Logs: high
 * @see https://docs.ntfy.sh/publish/
 */
export function formatNtfy(batch: DeliveryBatch): WebhookPayload {
  const alerts = batchAlerts(batch.entries);
  const lines = alerts.map(({ alert, test }) => alertLine(alert, test));
  const tags = new Set(['crypto-supervisor', ...alerts.map(({ alert }) => tagOf(alert))]);
  if (alerts.some((a) => a.test)) tags.add('test');
  return {
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      Title: asciiHeader(batchTitle(batch.entries)),
      Priority: alerts.some(({ alert }) => urgent(alert)) ? 'high' : 'default',
      Tags: [...tags].join(','),
    },
    body: alerts.length === 1 ? lines[0]! : fitLines(`${alerts.length} alerts`, lines, NTFY_MAX_CHARS),
  };
}
