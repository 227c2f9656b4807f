import {
  asyncScheduler,
  catchError,
  concat,
  concatMap,
  connect,
  defer,
  EMPTY,
  expand,
  filter,
  finalize,
  from,
  ignoreElements,
  last,
  map,
  merge,
  type Observable,
  of,
  type OperatorFunction,
  type SchedulerLike,
  takeUntil,
  timer,
} from 'rxjs';
import type { Alert } from '../../domain/alert.js';
import type { EmailConfig } from '../../domain/config-types.js';
import { type Logger, silentLogger } from '../../log.js';
import { type EmailBatch, emailBatch } from './email-batch.js';
import { emailDigest } from './email-digest.js';
import { classifyEmailFailure } from './email-failure.js';
import { formatEmail } from './email-format.js';
import { emailOutbox } from './email-outbox.js';
import { DEFAULT_EMAIL_RETRY, emailRetryDelay } from './email-retry.js';
import { type EmailMessage, type EmailTransport, smtpTransport } from './email-transport.js';
import { errorMessage } from '../../domain/error-message.js';

/** Options of {@link emailSink}. */
export interface EmailSinkOptions {
  /** The outbox lives in `<stateDir>/outbox/`, refused batches in `<stateDir>/outbox/failed/`. Default `var/`. */
  readonly stateDir?: string;
  /** One line per batch event (queued, sent, retry, failed, left). Default: silent. */
  readonly logger?: Logger;
  /** Runs the group wait, retry and flush timers, and dates batches. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Jitter source for the retry delays, values in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
  /** How long to keep delivering after the input completed, ms. Default 4000. */
  readonly flushTimeoutMs?: number;
  /** Where emails go. Default: nodemailer SMTP built from the config ({@link smtpTransport}). */
  readonly createTransport?: (config: EmailConfig) => EmailTransport;
  /** Ceiling of the first retry delay, ms. Default 2000 (the first retry comes within 2 s). */
  readonly retryBaseMs?: number;
  /** Cap of the retry delay, ms. Default 300000 (5 min). */
  readonly retryMaxMs?: number;
}

/** What happened to a batch; the sink's output. */
export type DeliveryReport =
  /** Written to the outbox; `outboxDepth` counts it. */
  | { readonly type: 'queued'; readonly batchId: string; readonly alerts: number; readonly outboxDepth: number }
  /** Accepted by the server on attempt `attempt` and removed from the outbox. */
  | { readonly type: 'sent'; readonly batchId: string; readonly alerts: number; readonly attempt: number; readonly outboxDepth: number }
  /** Attempt `attempt` failed temporarily; the next one comes in `delayMs`. */
  | { readonly type: 'retry'; readonly batchId: string; readonly attempt: number; readonly delayMs: number; readonly error: string }
  /** Refused for good (5xx) and moved to `outbox/failed/`. */
  | { readonly type: 'failed'; readonly batchId: string; readonly error: string; readonly outboxDepth: number }
  /** Still in the outbox when the sink completed; sent at the next start. */
  | { readonly type: 'left'; readonly batchId: string; readonly outboxDepth: number };

const DEFAULT_FLUSH_TIMEOUT_MS = 4000;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
/**
 * Emails alerts through SMTP, one digest per burst, without losing any: every
 * batch is in the durable outbox before the first attempt and leaves it only
 * when the server accepted it (or refused it for good, into `failed/`).
 *
 * 1. On subscription, first resends what an earlier run left in the outbox
 *    (same Message-ID), then handles new alerts.
 * 2. Alerts within `group_wait_ms` of the first of a group become one batch:
 *    written to the outbox (`queued`), then sent one batch at a time, oldest first.
 * 3. A temporary failure (connection refused, timeout, 4xx) emits `retry` and
 *    tries again after a jittered exponential delay; a permanent one (5xx)
 *    moves the batch to `failed/` and emits `failed`. Emits `sent` on success.
 * 4. When the input completes (shutdown), the open group is sent at once;
 *    delivery goes on for at most `flushTimeoutMs`, then the attempt in flight
 *    is aborted, a `left` report is emitted for each batch still in the outbox,
 *    and the sink completes. With nothing pending it completes at once.
 * 5. An input error is passed on (batches stay in the outbox). Unsubscribing
 *    aborts everything; the SMTP transport is closed in every case.
 *
 * @example
 * alerts$.pipe(emailSink(config.alerts.email, { stateDir: config.state_dir })).subscribe((report) => console.log(report.type));
 * // Logs: queued, then sent
 * @see journalSink, which is piped before it so an alert is on disk before any email is tried.
 */
export function emailSink(config: EmailConfig, options: EmailSinkOptions = {}): OperatorFunction<Alert, DeliveryReport> {
  const logger = options.logger ?? silentLogger;
  const scheduler = options.scheduler ?? asyncScheduler;
  const random = options.random ?? Math.random;
  const flushTimeoutMs = options.flushTimeoutMs ?? DEFAULT_FLUSH_TIMEOUT_MS;
  const retry = {
    baseMs: options.retryBaseMs ?? DEFAULT_EMAIL_RETRY.baseMs,
    maxMs: options.retryMaxMs ?? DEFAULT_EMAIL_RETRY.maxMs,
  };
  const createTransport = options.createTransport ?? ((email: EmailConfig) => smtpTransport(email));

  return (alerts$) =>
    defer(() => {
      const outbox = emailOutbox(options.stateDir ?? 'var/');
      const transport = createTransport(config);
      /** Batches in the outbox that this run has not settled yet (sent or failed). */
      const pending = new Map<string, EmailBatch>();

      const loadEarlier = (): readonly EmailBatch[] => {
        try {
          const { batches, problems } = outbox.load();
          problems.forEach((problem) => logger.warn(problem));
          batches.forEach((batch) => pending.set(batch.batchId, batch));
          if (batches.length > 0) {
            logger.info(`outbox holds ${plural(batches.length, 'batch')} from an earlier run; sending them first`);
          }
          return batches;
        } catch (error) {
          logger.error(`cannot read the outbox ${outbox.dir}: ${errorMessage(error)}; earlier batches are not resent`);
          return [];
        }
      };

      const queue = (alerts: Alert[]): EmailBatch | undefined => {
        const batch = emailBatch(alerts, scheduler.now());
        if (pending.has(batch.batchId)) {
          logger.warn(`batch ${batch.batchId} repeats alerts already in the outbox; not sent twice`);
          return undefined;
        }
        try {
          outbox.put(batch);
        } catch (error) {
          // Still worth trying: the alerts are in the journal, and SMTP may well work.
          logger.error(`cannot write batch ${batch.batchId} to ${outbox.dir}: ${errorMessage(error)}; sending it without a durable copy`);
        }
        pending.set(batch.batchId, batch);
        logger.info(
          `queued ${plural(alerts.length, 'alert')} as batch ${batch.batchId}: ${formatEmail(alerts).subject} (outbox: ${pending.size})`,
        );
        return batch;
      };

      const sent = (batch: EmailBatch, attempt: number, reply: string): DeliveryReport => {
        try {
          outbox.remove(batch.batchId);
        } catch (error) {
          logger.error(`cannot remove sent batch ${batch.batchId} from ${outbox.dir}: ${errorMessage(error)}; it may be sent again`);
        }
        pending.delete(batch.batchId);
        logger.info(
          `sent batch ${batch.batchId} (${plural(batch.alerts.length, 'alert')}, attempt ${attempt}) to ${config.to_addrs.join(', ')}` +
            (reply ? `: ${reply}` : ''),
        );
        return { type: 'sent', batchId: batch.batchId, alerts: batch.alerts.length, attempt, outboxDepth: pending.size };
      };

      const failed = (batch: EmailBatch, attempt: number, error: unknown): DeliveryReport => {
        const failure = classifyEmailFailure(error);
        if (!failure.permanent) {
          const delayMs = emailRetryDelay(attempt, retry, random);
          logger.warn(`batch ${batch.batchId}: attempt ${attempt} failed: ${failure.reason}; retry in ${seconds(delayMs)}`);
          return { type: 'retry', batchId: batch.batchId, attempt, delayMs, error: failure.reason };
        }
        let where: string;
        try {
          where = `moved to ${outbox.fail(batch, failure.reason)}`;
        } catch (moveError) {
          where = `could not move it to ${outbox.failedDir} (${errorMessage(moveError)}); it stays in the outbox`;
        }
        pending.delete(batch.batchId);
        logger.error(`batch ${batch.batchId} failed permanently: ${failure.reason}; ${where}`);
        return { type: 'failed', batchId: batch.batchId, error: failure.reason, outboxDepth: pending.size };
      };

      const deliver = (batch: EmailBatch): Observable<DeliveryReport> => {
        const message: EmailMessage = {
          messageId: batch.messageId,
          date: new Date(batch.createdAt),
          from: config.from_addr,
          to: config.to_addrs,
          ...formatEmail(batch.alerts),
        };
        const attempt = (n: number): Observable<DeliveryReport> =>
          transport.send(message).pipe(
            last(null, ''),
            map((reply) => sent(batch, n, reply)),
            catchError((error: unknown) => of(failed(batch, n, error))),
          );
        return attempt(1).pipe(
          expand((report) =>
            report.type === 'retry' ? timer(report.delayMs, scheduler).pipe(concatMap(() => attempt(report.attempt + 1))) : EMPTY,
          ),
        );
      };

      const left = (): Observable<DeliveryReport> =>
        defer(() =>
          from(
            [...pending.values()].map((batch): DeliveryReport => {
              logger.warn(
                `batch ${batch.batchId} (${plural(batch.alerts.length, 'alert')}) left unsent in ${outbox.dir}; it is sent at the next start`,
              );
              return { type: 'left', batchId: batch.batchId, outboxDepth: pending.size };
            }),
          ),
        );

      const earlier = loadEarlier();
      return alerts$.pipe(
        emailDigest<Alert>(config.group_wait_ms, scheduler),
        map(queue),
        filter((batch): batch is EmailBatch => batch !== undefined),
        connect((batches$) => {
          const deadline$ = concat(batches$.pipe(ignoreElements()), timer(flushTimeoutMs, scheduler));
          const queued$ = batches$.pipe(
            map((batch): DeliveryReport => ({ type: 'queued', batchId: batch.batchId, alerts: batch.alerts.length, outboxDepth: pending.size })),
          );
          const delivered$ = concat(from(earlier), batches$).pipe(concatMap(deliver), takeUntil(deadline$));
          return merge(queued$, concat(delivered$, left()));
        }),
        finalize(() => transport.close()),
      );
    });
}
