import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Observable } from 'rxjs';
import { HttpPostError } from './http-post-error.js';
import { safeOrigin } from './safe-origin.js';

/** One POST a channel makes. Everything in it but the host is a secret (URL path and query, header values, body). */
export interface HttpPostRequest {
  /** `http(s)://host[:port]/path?query`; userinfo (`user:pass@`) becomes Basic auth. */
  readonly url: string;
  /** Request headers; `Content-Length` is added, `Idempotency-Key` is set from `idempotencyKey`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The delivery batch id: sent as `Idempotency-Key` so a receiver can drop a retried duplicate. */
  readonly idempotencyKey: string;
}

/** The receiver's answer to a POST. */
export interface HttpPostAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The body as text, at most {@link MAX_ANSWER_BYTES} bytes of it. */
  readonly body: string;
}

/** Options of {@link httpPost}. */
export interface HttpPostOptions {
  /** The whole exchange (connect, send, answer) must finish within this, ms. Default 10000. */
  readonly timeoutMs?: number;
}

/** Default of {@link HttpPostOptions.timeoutMs}: a receiver slower than this is retried later. */
export const DEFAULT_HTTP_TIMEOUT_MS = 10_000;

/** An answer body is read up to this many bytes: enough for an error description, bounded for a hostile server. */
export const MAX_ANSWER_BYTES = 16_384;

/**
 * One HTTP POST as an Observable, over `node:http`/`node:https`.
 *
 * 1. Each subscription sends the request once; emits the answer (any status,
 *    2xx or not) when its body was read, then completes.
 * 2. Errors with an {@link HttpPostError}: `ENETWORK` when the request did not
 *    get an answer (refused, reset, DNS, TLS), `ETIMEOUT` after `timeoutMs`.
 *    Its message names the origin (`https://hooks.slack.com`), never the path,
 *    query or a header value.
 * 3. Unsubscribing aborts the request.
 *
 * @example
 * httpPost({ url: 'http://127.0.0.1:8080/hook', headers: {}, body: '{}', idempotencyKey: 'b1' })
 *   .subscribe((answer) => console.log(answer.status));
 * // Logs: 200
 * @see postAccepted, which turns a non-2xx answer into an error a channel classifies.
 */
export function httpPost(request: HttpPostRequest, options: HttpPostOptions = {}): Observable<HttpPostAnswer> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  return new Observable<HttpPostAnswer>((subscriber) => {
    const origin = safeOrigin(request.url);
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      subscriber.error(new HttpPostError('ENETWORK', `invalid URL for ${origin}`, origin));
      return undefined;
    }
    const body = Buffer.from(request.body, 'utf8');
    const headers: Record<string, string> = {
      'user-agent': 'crypto-supervisor',
      ...request.headers,
      'content-length': String(body.length),
      'idempotency-key': request.idempotencyKey,
    };
    if ((url.username || url.password) && !Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')) {
      const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
      headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    let settled = false;
    const fail = (error: HttpPostError) => {
      if (settled) return;
      settled = true;
      subscriber.error(error);
    };
    const req = send(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size >= MAX_ANSWER_BYTES) return;
          chunks.push(chunk);
          size += chunk.length;
        });
        res.on('error', () => fail(new HttpPostError('ENETWORK', `the answer from ${origin} was cut off`, origin)));
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          subscriber.next({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8'),
          });
          subscriber.complete();
        });
      },
    );
    const timer = setTimeout(() => {
      fail(new HttpPostError('ETIMEOUT', `no answer from ${origin} within ${timeoutMs} ms`, origin));
      req.destroy();
    }, timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      // The system's words (ECONNREFUSED, ENOTFOUND, a TLS error) without the request's URL.
      const why = error.code ?? 'network error';
      fail(new HttpPostError('ENETWORK', `cannot reach ${origin} (${why})`, origin, error.code));
    });
    req.end(body);
    return () => {
      clearTimeout(timer);
      if (!settled) {
        settled = true;
        req.destroy();
      }
    };
  });
}
