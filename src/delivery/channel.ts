import type { Observable } from 'rxjs';
import type { JournalEntry } from '../domain/alert.js';

/** One journal entry as a channel receives it: the entry and its position in the journal. */
export interface JournaledEntry {
  /** Byte offset of the entry's line in the journal: strictly increasing, stable across restarts. */
  readonly offset: number;
  readonly entry: JournalEntry;
  /** True for a `--test-alert`: format it as a test, never let it touch dedupe state. */
  readonly test?: boolean;
}

/** A group of entries delivered together (a digest): what a channel formats and sends. */
export interface DeliveryBatch {
  /**
   * Stable id: the same for every retry of this batch, also after a restart
   * (derived from the channel id and the offsets it carries). Sent as the email
   * Message-ID, the webhook `Idempotency-Key`, ...
   */
  readonly id: string;
  /** In journal order, at least one. */
  readonly entries: readonly JournaledEntry[];
}

/** Why a send failed, and whether the same batch may succeed later. */
export interface DeliveryFailure {
  /** True: retrying cannot help (5xx SMTP, HTTP 4xx other than 408/429, bad settings): quarantine it. */
  readonly permanent: boolean;
  /** One line for the log and the status page; never contains a secret (token, webhook path). */
  readonly reason: string;
  /** The server asked to wait this long before the next attempt (HTTP `Retry-After`, Telegram `retry_after`). */
  readonly retryAfterMs?: number;
}

/**
 * One way alerts leave the process (email, a webhook, Telegram, Alertmanager).
 * The durable delivery path is shared by every channel: it reads the journal,
 * groups entries by `groupWaitMs`, calls `send`, retries with backoff what
 * `classify` calls temporary, quarantines what it calls permanent, and moves
 * the channel's cursor only after `send` completed. A channel knows nothing of
 * files, cursors or retries.
 */
export interface Channel {
  /** Stable id, used in file names, metrics labels and logs: `email`, `webhook-1`, `telegram`, `alertmanager`. */
  readonly id: string;
  /** Safe to show (no secret): `email (smtp.example.com)`, `webhook 1 (hooks.slack.com)`. */
  readonly label: string;
  /** Entries within this many ms of a group's first go out as one batch. */
  readonly groupWaitMs: number;
  /** Which journal entries this channel delivers (default: alerts, not re-arms). */
  accepts?(entry: JournaledEntry): boolean;
  /**
   * Sends one batch: emits nothing, completes once the receiver accepted it,
   * errors with whatever `classify` understands. Each subscription is one attempt.
   */
  send(batch: DeliveryBatch): Observable<never>;
  /** Classifies an error of `send`. */
  classify(error: unknown): DeliveryFailure;
  /**
   * Optional work that runs while the channel runs and needs no durability of
   * its own (Alertmanager re-sends its firing alerts every `resend_every_ms`);
   * receives every batch once it was delivered.
   */
  background?(delivered$: Observable<DeliveryBatch>): Observable<never>;
  /**
   * Optional: called once at start, before anything is sent, with the journal
   * entries still in force (oldest first; no test entries, no price alert whose
   * move re-armed or went stale), so that a channel keeping state about what
   * fires (Alertmanager) resumes it after a restart.
   */
  restore?(entries: readonly JournalEntry[]): void;
}
