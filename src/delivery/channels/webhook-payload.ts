import type { DeliveryBatch } from '../channel.js';

/** What a webhook format makes of a batch: the body and the headers that describe it. */
export interface WebhookPayload {
  /** `Content-Type` and format-specific headers (ntfy's `Title`, `Priority`, `Tags`). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A webhook body format: pure, the same batch always gives the same payload. */
export type WebhookFormatter = (batch: DeliveryBatch) => WebhookPayload;
