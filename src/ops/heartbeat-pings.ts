import {
  EMPTY,
  Observable,
  type SchedulerLike,
  asyncScheduler,
  defer,
  distinctUntilChanged,
  endWith,
  exhaustMap,
  switchMap,
  tap,
  timer,
} from 'rxjs';
import { type Logger, silentLogger } from '../log.js';

/** The outcome of one heartbeat ping. */
export interface HeartbeatResult {
  readonly url: string;
  /** When the answer (or the failure) came (ms, scheduler clock). */
  readonly ts: number;
  /** True for a 2xx answer. */
  readonly ok: boolean;
  /** The HTTP status, when the server answered. */
  readonly status?: number;
  /** Why the ping failed, when it did not reach the server or timed out. */
  readonly error?: string;
}

/** Sends one GET and resolves with the HTTP status; rejects when no answer came. */
export type HeartbeatGet = (url: string, signal: AbortSignal) => Promise<number>;

/** Options of {@link heartbeatPings}. */
export interface HeartbeatOptions {
  /** The HTTP client. Default: global `fetch` with a timeout of `timeoutMs`. */
  readonly get?: HeartbeatGet;
  /** Timeout of the default `get`, ms (a slow answer only delays the next ping, never doubles it). Default 5000. */
  readonly timeoutMs?: number;
  /** Clock and timers. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Failed pings are WARNs here. Default: nothing is logged. */
  readonly logger?: Logger;
}

/**
 * Pings a dead-man's-switch URL while every feed is live, so an outside
 * monitor notices when the supervisor itself dies (the pings stop).
 *
 * 1. While the latest `allLive$` value is `true`, sends an HTTP GET to `url`
 *    at once and then every `everyMs`, and emits one {@link HeartbeatResult}
 *    per ping. A ping still waiting when the next is due is not doubled.
 * 2. When `allLive$` turns `false` the pings stop (an in-flight one is
 *    aborted), so the monitor also alerts when the service is blind.
 * 3. A failed ping (refused, timeout, non-2xx) is one WARN and a result with
 *    `ok: false`, never an error of the stream.
 * 4. Completes when `allLive$` completes (an in-flight ping is aborted);
 *    errors of `allLive$` pass through.
 *
 * The URL's path is not logged: monitors put their secret token there.
 *
 * @param url the monitor's ping URL (`ops.heartbeat_url`).
 * @param everyMs period between pings while every feed is live (`ops.heartbeat_every_ms`).
 * @param allLive$ whether every enabled feed is live now.
 *
 * @example
 * heartbeatPings('https://hc-ping.example/abc', 60_000, allLive$).subscribe((r) => console.log(r.ok, r.status));
 * // Logs: true 200   (every minute while every feed is live)
 */
export function heartbeatPings(
  url: string,
  everyMs: number,
  allLive$: Observable<boolean>,
  options: HeartbeatOptions = {},
): Observable<HeartbeatResult> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const logger = options.logger ?? silentLogger;
  const get = options.get ?? fetchStatus(options.timeoutMs ?? 5000);
  const target = redactUrl(url);
  return defer(() => {
    let failing = false;
    let wasLive = false;
    const report = (result: HeartbeatResult) => {
      if (!result.ok) {
        failing = true;
        logger.warn(`heartbeat to ${target} failed: ${result.error ?? `HTTP ${result.status}`}`);
      } else if (failing) {
        failing = false;
        logger.info(`heartbeat to ${target} answered again (HTTP ${result.status})`);
      }
    };
    return allLive$.pipe(
      distinctUntilChanged(),
      tap((live) => {
        if (live === wasLive) return;
        wasLive = live;
        if (live) logger.info(`every feed is live: heartbeat to ${target} every ${everyMs} ms`);
        else logger.info(`heartbeat to ${target} paused: not every feed is live`);
      }),
      // switchMap would keep pinging after allLive$ completed; the end marker stops it.
      endWith(false),
      switchMap((live) =>
        live ? timer(0, everyMs, scheduler).pipe(exhaustMap(() => pingOnce(url, get, scheduler).pipe(tap(report)))) : EMPTY,
      ),
    );
  });
}

/** One GET as an Observable of its result; unsubscribing aborts it. */
function pingOnce(url: string, get: HeartbeatGet, scheduler: SchedulerLike): Observable<HeartbeatResult> {
  return new Observable<HeartbeatResult>((subscriber) => {
    const controller = new AbortController();
    const settle = (result: HeartbeatResult) => {
      subscriber.next(result);
      subscriber.complete();
    };
    // new Promise: a get that throws synchronously is a failed ping too
    new Promise<number>((resolve) => resolve(get(url, controller.signal))).then(
      (status) => settle({ url, ts: scheduler.now(), ok: status >= 200 && status < 300, status }),
      (error: unknown) => settle({ url, ts: scheduler.now(), ok: false, error: describeError(error) }),
    );
    return () => controller.abort();
  });
}

/** The default `get`: global fetch, body discarded, aborted after `timeoutMs`. */
function fetchStatus(timeoutMs: number): HeartbeatGet {
  return async (url, signal) => {
    const response = await fetch(url, {
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      headers: { 'user-agent': 'crypto-supervisor heartbeat' },
    });
    // Free the connection: the monitor's answer body says nothing we need.
    await response.body?.cancel();
    return response.status;
  };
}

/** `https://hc-ping.example/…`: the origin only. */
function redactUrl(url: string): string {
  try {
    const { origin, pathname } = new URL(url);
    return pathname === '/' ? origin : `${origin}/…`;
  } catch {
    return '(invalid URL)';
  }
}

/** fetch wraps the useful part (ECONNREFUSED) in `cause`. */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return 'no answer in time';
  const cause = error.cause;
  if (cause instanceof Error) return `${error.message} (${(cause as NodeJS.ErrnoException).code ?? cause.message})`;
  return error.message;
}
