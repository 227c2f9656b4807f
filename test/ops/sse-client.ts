import { type ClientRequest, type IncomingMessage, get } from 'node:http';

/** One Server-Sent Event. */
export interface ServerSentEvent {
  readonly event: string;
  readonly data: string;
}

/** A minimal EventSource for tests: records events, can wait for the next of a type. */
export interface SseClient {
  readonly response: IncomingMessage;
  readonly events: readonly ServerSentEvent[];
  /** Resolves with the `count`-th event of `type` (1-based), waiting up to `timeoutMs`. */
  waitFor(type: string, count?: number, timeoutMs?: number): Promise<ServerSentEvent>;
  /** Resolves when the server ended the stream. */
  readonly ended: Promise<void>;
  close(): void;
}

/** Opens `url` as an event stream (GET, `accept: text/event-stream`). */
export function openSse(url: string): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    let request: ClientRequest | undefined = undefined;
    request = get(url, { headers: { accept: 'text/event-stream' } }, (response) => {
      const events: ServerSentEvent[] = [];
      const waiters = new Set<() => void>();
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length > 0) events.push({ event, data: data.join('\n') });
        }
        for (const wake of waiters) wake();
      });
      const ended = new Promise<void>((done) => response.on('close', done));
      resolve({
        response,
        events,
        ended,
        waitFor(type, count = 1, timeoutMs = 5000) {
          return new Promise((found, fail) => {
            const check = () => {
              const matching = events.filter((e) => e.event === type);
              if (matching.length < count) return;
              clearTimeout(timer);
              waiters.delete(check);
              found(matching[count - 1]!);
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`no ${count}th "${type}" event within ${timeoutMs} ms (got ${events.map((e) => e.event).join(', ')})`));
            }, timeoutMs);
            waiters.add(check);
            check();
          });
        },
        close: () => request?.destroy(),
      });
    });
    request.on('error', reject);
  });
}
