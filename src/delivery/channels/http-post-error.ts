/** Stable codes of {@link HttpPostError}. */
export type HttpPostErrorCode =
  /** The receiver answered with a status other than 2xx. */
  | 'EHTTPSTATUS'
  /** No answer: refused, reset, DNS, TLS, an invalid URL. */
  | 'ENETWORK'
  /** No complete answer within the request's timeout. */
  | 'ETIMEOUT';

/**
 * Why a channel's HTTP request failed. The message is safe to log: it names the
 * receiver's origin (`https://hooks.slack.com`) and never the URL's path or
 * query, a header value or a token.
 */
export class HttpPostError extends Error {
  override readonly name = 'HttpPostError';
  constructor(
    readonly code: HttpPostErrorCode,
    message: string,
    /** `https://hooks.slack.com`: scheme and host only. */
    readonly origin: string,
    /** The system's error code for `ENETWORK` (`ECONNREFUSED`, `ENOTFOUND`), when known. */
    readonly systemCode?: string,
    /** The HTTP status for `EHTTPSTATUS`. */
    readonly status?: number,
    /** How long the receiver asked us to wait (`Retry-After`, Telegram's `retry_after`), ms. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}
