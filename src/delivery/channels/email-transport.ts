import { createRequire } from 'node:module';
import type Nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { defer, finalize, from, map, type Observable } from 'rxjs';
import type { EmailConfig } from '../../domain/config-types.js';

/** One email, ready to hand to SMTP. */
export interface EmailMessage {
  /** `<…@crypto-supervisor>`, stable across resends. */
  readonly messageId: string;
  /** The Date header: when the batch was closed, not when this attempt runs. */
  readonly date: Date;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** How emails leave the process; {@link smtpTransport} in production, anything Observable-shaped in tests. */
export interface EmailTransport {
  /**
   * One delivery attempt per subscription: emits the server's final reply once
   * it accepted the message, then completes; errors with the failure (classify
   * it with `classifyEmailFailure`). Unsubscribing aborts the attempt.
   */
  send(message: EmailMessage): Observable<string>;
  /** Releases connections and timers; the transport is not used afterwards. */
  close(): void;
}

/** Timeouts of {@link smtpTransport}, ms. */
export interface SmtpTimeouts {
  /** Waiting for the TCP/TLS connection. Default 10000. */
  readonly connectionMs?: number;
  /** Waiting for the server's greeting. Default 10000. */
  readonly greetingMs?: number;
  /** Inactivity on an open connection. Default 30000. */
  readonly socketMs?: number;
}

/** Loopback hosts get plain SMTP: the bytes never leave the machine, and test servers have no certificate. */
const isLoopback = (host: string) => /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/i.test(host);

/**
 * nodemailer (CommonJS, some forty files), required on the first transport built
 * rather than imported: a replay, a check or a run without email never loads it.
 */
let nodemailer: typeof Nodemailer | undefined;
const loadNodemailer = (): typeof Nodemailer => (nodemailer ??= createRequire(import.meta.url)('nodemailer') as typeof Nodemailer);

/** nodemailer's SMTP options for `alerts.email` (see {@link smtpTransport} for what they mean). */
export function smtpOptions(config: EmailConfig, timeouts: SmtpTimeouts = {}): SMTPTransport.Options {
  const loopback = isLoopback(config.smtp_host);
  return {
    host: config.smtp_host,
    port: config.smtp_port,
    secure: config.secure,
    ...(!config.secure && loopback ? { ignoreTLS: true } : {}),
    // A password must not cross the network in clear: a login to a remote host requires TLS unless the user opted out.
    ...(!config.secure && !loopback && (config.smtp_port === 587 || (config.username && !config.allow_insecure_auth))
      ? { requireTLS: true }
      : {}),
    ...(config.username ? { auth: { user: config.username, pass: config.password ?? '' } } : {}),
    connectionTimeout: timeouts.connectionMs ?? 10_000,
    greetingTimeout: timeouts.greetingMs ?? 10_000,
    socketTimeout: timeouts.socketMs ?? 30_000,
    // Bounds how long a closed connection may keep the process alive on shutdown.
    socketCloseTimeout: 500,
  };
}

/**
 * The SMTP transport built from `alerts.email`, over nodemailer (one
 * connection per message, no pool):
 *
 * 1. `secure: true` (the default for port 465): implicit TLS from the first byte.
 * 2. Otherwise port 587 requires STARTTLS, and so does a login (a `username`)
 *    to a host that is not loopback unless `allow_insecure_auth: true`; other
 *    ports upgrade when the server offers it; a loopback host (`127.0.0.1`,
 *    `localhost`, `::1`) stays plain.
 * 3. AUTH only when a username is configured (the password was resolved by the
 *    config loader from `${ENV}` or `password_file`).
 * 4. Every message carries `Auto-Submitted: auto-generated` so vacation
 *    responders stay quiet.
 *
 * @example
 * const transport = smtpTransport(config.alerts.email);
 * transport.send(message).subscribe({ next: (reply) => console.log(reply), complete: () => transport.close() });
 * // Logs: 250 OK: queued
 * @see emailChannel, which the durable delivery path (deliverChannel) retries and quarantines.
 */
export function smtpTransport(config: EmailConfig, timeouts: SmtpTimeouts = {}): EmailTransport {
  const mailer = loadNodemailer().createTransport(smtpOptions(config, timeouts));
  return {
    send: (message) =>
      defer(() => {
        const abort = new AbortController();
        return from(
          mailer.sendMail({
            messageId: message.messageId,
            date: message.date,
            from: message.from,
            to: [...message.to],
            subject: message.subject,
            text: message.text,
            html: message.html,
            headers: { 'Auto-Submitted': 'auto-generated' },
            signal: abort.signal,
          }),
        ).pipe(
          map((info) => info.response),
          // Aborting after completion is a no-op; before it, it ends the SMTP session.
          finalize(() => abort.abort()),
        );
      }),
    close: () => mailer.close(),
  };
}
