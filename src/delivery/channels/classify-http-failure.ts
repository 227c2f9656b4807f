import type { DeliveryFailure } from '../channel.js';
import { HttpPostError } from './http-post-error.js';

/**
 * Says whether a failed channel request may succeed later (the HTTP channels'
 * `classify`):
 *
 * 1. An answer of 408 (timeout), 429 (too many requests) or 5xx is temporary,
 *    with the receiver's `Retry-After` (or Telegram's `retry_after`) as `retryAfterMs`.
 * 2. Any other non-2xx answer (400, 401, 403, 404, 413, a 3xx redirect we do
 *    not follow) is permanent: the same request will be refused again.
 * 3. No answer (refused, reset, DNS, TLS, timeout) is temporary.
 * 4. Anything else (a bug) is temporary: retrying is safe, and the reason says what it was.
 *
 * The reason is the error's message, which names only the receiver's origin.
 *
 * @example
 * classifyHttpFailure(new HttpPostError('EHTTPSTATUS', 'HTTP 429 from https://ntfy.sh', 'https://ntfy.sh', undefined, 429, 30_000));
 * // Logs: { permanent: false, reason: 'HTTP 429 from https://ntfy.sh', retryAfterMs: 30000 }
 */
export function classifyHttpFailure(error: unknown): DeliveryFailure {
  if (!(error instanceof HttpPostError)) {
    const code = (error as { code?: unknown } | null)?.code;
    // Not the message: a URL or header error of node quotes its input, which may be a secret.
    const name = error instanceof Error ? error.name : typeof error;
    return { permanent: false, reason: `unexpected error: ${name}${typeof code === 'string' ? ` (${code})` : ''}` };
  }
  const retryAfter = error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {};
  if (error.code !== 'EHTTPSTATUS' || error.status === undefined) return { permanent: false, reason: error.message };
  const status = error.status;
  const temporary = status === 408 || status === 429 || (status >= 500 && status <= 599);
  return { permanent: !temporary, reason: error.message, ...(temporary ? retryAfter : {}) };
}
