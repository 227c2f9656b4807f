/** Why an SMTP attempt failed, and whether trying the same message again can help. */
export interface EmailFailure {
  /** True: the server refused the message for good (5xx), or the settings cannot work. */
  readonly permanent: boolean;
  /** One line for the log, e.g. `Message failed: 550 mailbox unavailable`. */
  readonly reason: string;
}

/** Errors without an SMTP reply that no retry can fix: the settings are wrong. */
const PERMANENT_CODES = new Set(['ECONFIG', 'ENOAUTH', 'EENVELOPE']);

/**
 * Classifies an error of a send attempt (nodemailer's, or any error carrying
 * `responseCode`/`code`):
 *
 * 1. nodemailer's own `permanent` flag wins when set (5xx except 503).
 * 2. Otherwise a reply code 500-599 other than 503 is permanent, 4xx temporary.
 * 3. A failed STARTTLS (`ETLS`) is permanent, and the reason says how to allow
 *    a login without TLS (`alerts.email.allow_insecure_auth`).
 * 4. Without a reply: `ECONFIG`, `ENOAUTH`, `EENVELOPE` are permanent; connection
 *    refused, timeouts, TLS and socket errors, aborts, anything else temporary.
 *
 * @example
 * classifyEmailFailure(Object.assign(new Error('Message failed: 451 try later'), { responseCode: 451 }));
 * // Logs: { permanent: false, reason: 'Message failed: 451 try later' }
 * @see emailChannel, whose `classify` it is: the delivery path retries the temporary ones and quarantines the permanent ones.
 */
export function classifyEmailFailure(error: unknown): EmailFailure {
  const { message, code, responseCode, permanent, command } = (typeof error === 'object' && error !== null ? error : {}) as {
    message?: unknown;
    code?: unknown;
    responseCode?: unknown;
    permanent?: unknown;
    command?: unknown;
  };
  const text = typeof message === 'string' && message.trim() !== '' ? message : String(error);
  const reason = text.replace(/\s+/g, ' ').trim();
  if (code === 'ETLS' && command === 'STARTTLS') {
    // requireTLS (a login to a remote host) and a server without STARTTLS: only the settings can change that.
    return {
      permanent: true,
      reason: `${reason}: the server offers no TLS, and a login without TLS to a host that is not loopback is refused (set alerts.email.allow_insecure_auth: true to allow it)`,
    };
  }
  if (typeof permanent === 'boolean') return { permanent, reason };
  if (typeof responseCode === 'number') return { permanent: responseCode >= 500 && responseCode <= 599 && responseCode !== 503, reason };
  return { permanent: typeof code === 'string' && PERMANENT_CODES.has(code), reason };
}
