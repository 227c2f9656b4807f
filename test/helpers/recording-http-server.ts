import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the server received, as it came. */
export interface RecordedRequest {
  readonly method: string;
  /** Path and query, e.g. `/botTOKEN/sendMessage`. */
  readonly path: string;
  /** Lower-case names, as node gives them. */
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** One scripted answer. */
export interface ScriptedAnswer {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** A string as is; anything else as JSON. Default `OK` (or `{"ok":true}` for JSON bodies). */
  readonly body?: unknown;
  /** Never answer (the request hangs until the client gives up or the server closes). */
  readonly hang?: boolean;
}

/** A loopback HTTP server recording every request, answering from a script. */
export interface RecordingHttpServer {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly requests: readonly RecordedRequest[];
  /** Queues answers for the next requests, in order; after them, the default answer. */
  script(...answers: ScriptedAnswer[]): void;
  /** The answer when the script is empty (default 200 `OK`). */
  answerWith(answer: ScriptedAnswer): void;
  /** Resolves when at least `count` requests arrived; rejects after `timeoutMs`. */
  waitForRequests(count: number, timeoutMs?: number): Promise<void>;
  /** Closes the server and every open connection (keep-alive and hanging ones included). */
  close(): Promise<void>;
}

/** Starts a {@link RecordingHttpServer} on 127.0.0.1, ephemeral port. */
export async function startRecordingHttpServer(): Promise<RecordingHttpServer> {
  const requests: RecordedRequest[] = [];
  const queue: ScriptedAnswer[] = [];
  const waiters = new Set<() => void>();
  let fallback: ScriptedAnswer = { status: 200 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    // A client killed mid-request (the SIGKILL tests) resets the connection: the request is simply not recorded.
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const answer = queue.shift() ?? fallback;
      for (const wake of waiters) wake();
      if (answer.hang) return;
      const text = answer.body === undefined ? 'OK' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      const type = typeof answer.body === 'object' ? 'application/json' : 'text/plain';
      res.writeHead(answer.status, { 'content-type': type, ...answer.headers }).end(text);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...answers) => {
      queue.push(...answers);
    },
    answerWith: (answer) => {
      fallback = answer;
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
