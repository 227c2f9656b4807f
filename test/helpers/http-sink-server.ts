import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

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

/** Starts an {@link HttpSinkServer} on 127.0.0.1, ephemeral port. */
export async function startHttpSinkServer(): Promise<HttpSinkServer> {
  const requests: SinkRequest[] = [];
  const waiters = new Set<() => void>();
  let status = 200;
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', path: req.url ?? '', userAgent: req.headers['user-agent'] });
    res.writeHead(status, { 'content-type': 'text/plain' }).end('OK');
    for (const wake of waiters) wake();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answerWith: (next) => {
      status = next;
    },
    waitForRequests(count, timeoutMs = 5000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (requests.length < count) return;
          clearTimeout(timeout);
          waiters.delete(check);
          resolve();
        };
        const timeout = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected ${count} requests within ${timeoutMs} ms, got ${requests.length}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
