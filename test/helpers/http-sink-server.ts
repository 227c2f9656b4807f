import { startRecordingHttpServer } from './recording-http-server.js';

/** One request the sink received. */
export interface SinkRequest {
  readonly method: string;
  /** Path and query, e.g. `/ping/abc`. */
  readonly path: string;
  readonly userAgent: string | undefined;
}

/** A loopback HTTP server recording requests, e.g. heartbeat pings. */
export interface HttpSinkServer {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly requests: readonly SinkRequest[];
  /** The status the next requests get (default 200). */
  answerWith(status: number): void;
  /** Resolves when at least `count` requests arrived; rejects after `timeoutMs`. */
  waitForRequests(count: number, timeoutMs?: number): Promise<void>;
  /** Closes the server and every open connection (keep-alive included). */
  close(): Promise<void>;
}

/** Starts an {@link HttpSinkServer} on 127.0.0.1, ephemeral port: a {@link startRecordingHttpServer} seen by method, path and user agent. */
export async function startHttpSinkServer(): Promise<HttpSinkServer> {
  const server = await startRecordingHttpServer();
  return {
    url: server.url,
    get requests() {
      return server.requests.map(({ method, path, headers }) => ({ method, path, userAgent: headers['user-agent'] }));
    },
    answerWith: (status) => server.answerWith({ status }),
    waitForRequests: (count, timeoutMs) => server.waitForRequests(count, timeoutMs),
    close: () => server.close(),
  };
}
