import { mergeMap, type Observable, EMPTY, throwError } from 'rxjs';
import { httpPost, type HttpPostOptions, type HttpPostRequest } from './http-post.js';
import { HttpPostError } from './http-post-error.js';
import { redactSecrets } from './redact-secrets.js';
import { retryAfterMs } from './retry-after-ms.js';
import { safeOrigin } from './safe-origin.js';

/** Options of {@link postAccepted}. */
export interface PostAcceptedOptions extends HttpPostOptions {
  /** Strings of the request that must not appear in an error (see `secretsOf`). Default none. */
  readonly secrets?: readonly string[];
  /**
   * Reads how long the receiver asked us to wait from a refusal, ms, when it
   * says so in its body (Telegram's `parameters.retry_after`). Default: the
   * `Retry-After` header only.
   */
  readonly retryAfterOf?: (body: string) => number | undefined;
  /** Reads the receiver's own words about a refusal from its body (Telegram's `description`). Default: the body's first line. */
  readonly detailOf?: (body: string) => string | undefined;
  /** Clock for `Retry-After` dates. Default `Date.now`. */
  readonly now?: () => number;
}

/** How much of a receiver's refusal is quoted in a reason. */
const DETAIL_CHARS = 120;

function detailText(body: string, options: PostAcceptedOptions): string {
  const raw = (options.detailOf ? options.detailOf(body) : body) ?? '';
  const line = redactSecrets(raw, options.secrets ?? []).replace(/\s+/g, ' ').trim();
  return line.length > DETAIL_CHARS ? `${line.slice(0, DETAIL_CHARS)}…` : line;
}

/**
 * One POST that counts only when the receiver accepts it:
 *
 * 1. Completes without emitting on a 2xx answer.
 * 2. Errors with an {@link HttpPostError} `EHTTPSTATUS` on any other status:
 *    its `status`, its `retryAfterMs` (the `Retry-After` header in seconds or
 *    as a date, or what `retryAfterOf` reads from the body), and a message like
 *    `HTTP 400 from https://hooks.slack.com: invalid_payload` quoting the
 *    receiver's words with every secret redacted.
 * 3. Errors with `ENETWORK` or `ETIMEOUT` as {@link httpPost} does.
 *
 * @example
 * postAccepted({ url: 'http://127.0.0.1:8080/hook', headers: {}, body: '{}', idempotencyKey: 'b1' })
 *   .subscribe({ error: (e) => console.log(e.message) });
 * // Logs: HTTP 500 from http://127.0.0.1:8080: upstream down   (when the server answers 500)
 * @see classifyHttpFailure, which says whether a retry can help.
 */
export function postAccepted(request: HttpPostRequest, options: PostAcceptedOptions = {}): Observable<never> {
  const now = options.now ?? Date.now;
  return httpPost(request, options).pipe(
    mergeMap((answer) => {
      if (answer.status >= 200 && answer.status < 300) return EMPTY;
      const origin = safeOrigin(request.url);
      const wait = options.retryAfterOf?.(answer.body) ?? retryAfterMs(answer.headers['retry-after'], now());
      const detail = detailText(answer.body, options);
      const message = `HTTP ${answer.status} from ${origin}${detail ? `: ${detail}` : ''}`;
      return throwError(() => new HttpPostError('EHTTPSTATUS', message, origin, undefined, answer.status, wait));
    }),
  );
}
