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
 * 3. Without a reply: `ECONFIG`, `ENOAUTH`, `EENVELOPE` are permanent; connection
 *    refused, timeouts, TLS and socket errors, aborts, anything else temporary.
 *
 * @example
 * classifyEmailFailure(Object.assign(new Error('Message failed: 451 try later'), { responseCode: 451 }));
 * // Logs: { permanent: false, reason: 'Message failed: 451 try later' }
 * @see emailSink, which retries the temporary ones and moves the permanent ones to `failed/`.
 */
export function classifyEmailFailure(error: unknown): EmailFailure {
  const { message, code, responseCode, permanent } = (typeof error === 'object' && error !== null ? error : {}) as {
    message?: unknown;
    code?: unknown;
    responseCode?: unknown;
    permanent?: unknown;
  };
  const text = typeof message === 'string' && message.trim() !== '' ? message : String(error);
  const reason = text.replace(/\s+/g, ' ').trim();
  if (typeof permanent === 'boolean') return { permanent, reason };
  if (typeof responseCode === 'number') return { permanent: responseCode >= 500 && responseCode <= 599 && responseCode !== 503, reason };
  return { permanent: typeof code === 'string' && PERMANENT_CODES.has(code), reason };
}
