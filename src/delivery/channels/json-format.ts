import type { JournalEntry } from '../../domain/alert.js';
import { withoutFloatNoise } from '../../domain/without-float-noise.js';
import type { DeliveryBatch } from '../channel.js';
import { alertLine, batchAlerts, batchTitle } from './alert-lines.js';
import type { WebhookPayload } from './webhook-payload.js';

/** The body of the `json` webhook format, version 1. Fields are only ever added. */
export interface JsonWebhookBody {
  /** Always `crypto-supervisor`. */
  readonly source: 'crypto-supervisor';
  /** Body version: 1. */
  readonly version: 1;
  /** The batch id, also sent as the `Idempotency-Key` header: the same on every retry. */
  readonly batch_id: string;
  /** One line for people: the headline of a single alert, or `crypto-supervisor: N alerts: first; second; …`. */
  readonly text: string;
  /** True when the batch is a `--test-alert`. */
  readonly test: boolean;
  /** The journal records of the batch, as `<state_dir>/alerts.jsonl` has them, in journal order. */
  readonly alerts: readonly (JournalEntry & { readonly test?: true })[];
}

/** How many headlines the one-line `text` of a digest names. */
const TEXT_ITEMS = 3;

/**
 * Formats a batch as the documented `json` body ({@link JsonWebhookBody}): the
 * journal records themselves, for a program to read, and a one-line `text`
 * for chat tools that show only that.
 *
 * @example
 * JSON.parse(formatJson({ id: 'webhook-1-120', entries: [btc] }).body).text;
 * // Logs: BTC/USDT +5.23% in 24h on binance: now 36,812.50, was 34,983.10
 */
export function formatJson(batch: DeliveryBatch): WebhookPayload {
  const alerts = batchAlerts(batch.entries);
  const lines = alerts.map(({ alert, test }) => alertLine(alert, test));
  const more = lines.length > TEXT_ITEMS ? '; …' : '';
  const text = lines.length === 1 ? lines[0]! : `${batchTitle(batch.entries)}: ${lines.slice(0, TEXT_ITEMS).join('; ')}${more}`;
  const body: JsonWebhookBody = {
    source: 'crypto-supervisor',
    version: 1,
    batch_id: batch.id,
    text,
    test: alerts.some((a) => a.test),
    alerts: batch.entries.map(({ entry, test }) => (test ? { ...entry, test: true as const } : entry)),
  };
  // The records as the journal writes them: the same numbers, without binary float noise.
  return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body, withoutFloatNoise) };
}
