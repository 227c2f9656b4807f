import { join } from 'node:path';
import { ignoreElements, type MonoTypeOperatorFunction, type Observable, type OperatorFunction, pipe, tap } from 'rxjs';
import { type DeliveryReport, emailSink, type EmailSinkOptions } from '../delivery/channels/email-sink.js';
import { journalSink } from '../delivery/journal-sink.js';
import { alertHeadline } from '../domain/alert-text.js';
import type { Alert } from '../domain/alert.js';
import type { Config } from '../domain/config-types.js';
import type { Logger } from '../log.js';

/** Options of {@link alertDelivery}. */
export interface AlertDeliveryOptions {
  readonly logger: Logger;
  /** `false`: no email even when `alerts.email` is configured; an object overrides sink options. */
  readonly email?: false | Partial<Omit<EmailSinkOptions, 'stateDir'>>;
}

/** The delivery part of a supervisor: what happens to an alert once it is raised. */
export interface AlertDelivery {
  /** Logs every alert at INFO and appends it to the journal before passing it on. */
  readonly journal: MonoTypeOperatorFunction<Alert>;
  /**
   * Delivers journaled alerts through the configured channels; emits what they
   * did and completes once they flushed. `undefined` when no channel is on.
   */
  readonly deliver: OperatorFunction<Alert, DeliveryReport> | undefined;
}

/**
 * Builds the delivery part shared by `run()` and `replay()`: the journal first
 * (an alert is on disk before any channel sees it), then the channels.
 *
 * @example
 * const { journal, deliver } = alertDelivery(config, { logger });
 * alerts$.pipe(journal, deliver ?? ignoreElements()).subscribe();
 * // Logs: (per alert) INFO supervisor.alerts: BTC/USDT +5.23% in 24h on binance (...)
 */
export function alertDelivery(config: Config, options: AlertDeliveryOptions): AlertDelivery {
  const alertLog = options.logger.child('alerts');
  const journal = pipe(
    tap((alert: Alert) => alertLog.info(alertHeadline(alert) + alertDetails(alert), { alert })),
    journalSink(join(config.state_dir, 'alerts.jsonl'), { logger: alertLog }),
  );
  const email = options.email === false ? undefined : config.alerts.email;
  const deliver = email
    ? emailSink(email, { stateDir: config.state_dir, logger: options.logger.child('email'), ...(options.email || {}) })
    : undefined;
  return { journal, deliver };
}

/** Delivers with `deliver`, or just drains the alerts when no channel is on. */
export const deliverOrDrain = (alerts: Observable<Alert>, deliver: AlertDelivery['deliver']): Observable<DeliveryReport> =>
  deliver ? alerts.pipe(deliver) : alerts.pipe(ignoreElements());

function alertDetails(alert: Alert): string {
  if (alert.kind === 'feed') return alert.reason ? ` (${alert.reason})` : '';
  const at = alert.referenceTs !== undefined ? ` at ${new Date(alert.referenceTs).toISOString()}` : '';
  return ` (price ${alert.price}, reference ${alert.reference}${at}, coverage ${Math.round(alert.coverage * 100)}%)`;
}
