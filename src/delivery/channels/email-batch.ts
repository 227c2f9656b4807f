import { createHash } from 'node:crypto';
import type { Alert } from '../../domain/alert.js';

/** A digest of alerts that goes out as one email; what the outbox stores. */
export interface EmailBatch {
  /** Short stable id (16 hex digits of the alerts' hash); the outbox file is `<batchId>.json`. */
  readonly batchId: string;
  /** `<sha256-of-the-alerts@crypto-supervisor>`: the same alerts always give the same Message-ID. */
  readonly messageId: string;
  /** When the batch was closed (ms); the email's Date header. */
  readonly createdAt: number;
  /** In arrival order; never empty. */
  readonly alerts: readonly Alert[];
}

/** JSON with object keys sorted, so equal alerts hash equally whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Makes the batch for one digest: its id and Message-ID are derived from the
 * alerts alone (sha256 of their canonical JSON), so a resend after a crash
 * carries the same Message-ID and a mail client can recognise it.
 *
 * @example
 * emailBatch([alert], 1_700_000_000_000).messageId;
 * // Logs: <3f1c…(64 hex digits)@crypto-supervisor>
 */
export function emailBatch(alerts: readonly Alert[], createdAt: number): EmailBatch {
  const hash = createHash('sha256').update(canonicalJson(alerts)).digest('hex');
  return { batchId: hash.slice(0, 16), messageId: `<${hash}@crypto-supervisor>`, createdAt, alerts };
}
