import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/**
 * What the server answers to one delivery attempt (one `MAIL FROM` transaction).
 * A bare number is the reply code at the end of DATA (`451`, `550`, `250`); the
 * object form picks the stage and the text.
 */
export type SmtpAnswer =
  | number
  | {
      readonly code: number;
      /** Reply text; default `scripted <code>`. */
      readonly message?: string;
      /** Where the reply is given; default `data` (after the message was transmitted). */
      readonly stage?: 'mail' | 'rcpt' | 'data';
    };

/** Options of {@link startSmtpTestServer}. */
export interface SmtpTestServerOptions {
  /** Port on 127.0.0.1; default 0 (ephemeral). Pass an earlier server's port to "restart" it. */
  readonly port?: number;
  /** Answers per attempt, in order; attempts after the script get `250`. Default: always `250`. */
  readonly answers?: readonly SmtpAnswer[];
  /** When given, AUTH is required (over plain text, loopback only) and must match. */
  readonly auth?: { readonly username: string; readonly password: string };
}

/** One message the server accepted, parsed. */
export interface ReceivedEmail {
  /** Envelope sender (`MAIL FROM`). */
  readonly envelopeFrom: string;
  /** Envelope recipients (`RCPT TO`). */
  readonly envelopeTo: readonly string[];
  /** The user that authenticated for it, if any. */
  readonly user?: string;
  /** Top-level headers, names in lower case, values unfolded and RFC 2047-decoded. */
  readonly headers: ReadonlyMap<string, string>;
  readonly subject: string;
  readonly messageId: string;
  /** Decoded `text/plain` part ('' when absent). */
  readonly text: string;
  /** Decoded `text/html` part ('' when absent). */
  readonly html: string;
  /** The message as transmitted. */
  readonly raw: string;
}

/** One `AUTH` attempt the server saw. */
export interface SmtpAuthAttempt {
  readonly method: string;
  readonly username: string;
  readonly password: string;
  readonly accepted: boolean;
}

/** A real SMTP server on 127.0.0.1 for tests. */
export interface SmtpTestServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Messages accepted with 250, in order. */
  readonly received: readonly ReceivedEmail[];
  /** Delivery attempts seen (each `MAIL FROM`), accepted or not. */
  readonly attempts: number;
  readonly authAttempts: readonly SmtpAuthAttempt[];
  /** Resolves once `count` messages were accepted; rejects after `timeoutMs` (default 5000). */
  waitForMessages(count: number, timeoutMs?: number): Promise<readonly ReceivedEmail[]>;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/**
 * Starts an in-process SMTP server (the `smtp-server` package) on 127.0.0.1,
 * with no STARTTLS, that records what it accepts and answers attempts as
 * scripted.
 *
 * @example
 * const smtp = await startSmtpTestServer({ answers: [451, 250] });
 * // ... send twice to 127.0.0.1:smtp.port ...
 * await smtp.waitForMessages(1); // smtp.attempts === 2, smtp.received.length === 1
 * await smtp.close();
 */
export async function startSmtpTestServer(options: SmtpTestServerOptions = {}): Promise<SmtpTestServer> {
  const received: ReceivedEmail[] = [];
  const authAttempts: SmtpAuthAttempt[] = [];
  const waiters = new Set<() => void>();
  let attempts = 0;
  const answerFor = new WeakMap<object, SmtpAnswer>();

  const scriptedError = (answer: SmtpAnswer, stage: 'mail' | 'rcpt' | 'data'): Error | undefined => {
    const { code, message, stage: at } = typeof answer === 'number' ? { code: answer, message: undefined, stage: undefined } : answer;
    if (code < 400 || (at ?? 'data') !== stage) return undefined;
    return Object.assign(new Error(message ?? `scripted ${code}`), { responseCode: code });
  };

  const serverOptions: SMTPServerOptions = {
    logger: false,
    disableReverseLookup: true,
    closeTimeout: 100,
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      const accepted = auth.username === options.auth?.username && auth.password === options.auth?.password;
      authAttempts.push({ method: auth.method, username: auth.username ?? '', password: auth.password ?? '', accepted });
      if (accepted) callback(null, { user: auth.username });
      else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onMailFrom(_address, session, callback) {
      const answer = options.answers?.[attempts] ?? 250;
      attempts += 1;
      answerFor.set(session.envelope, answer);
      callback(scriptedError(answer, 'mail'));
    },
    onRcptTo(_address, session, callback) {
      callback(scriptedError(answerFor.get(session.envelope) ?? 250, 'rcpt'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const error = scriptedError(answerFor.get(session.envelope) ?? 250, 'data');
        if (error) return callback(error);
        const raw = Buffer.concat(chunks).toString('utf8');
        const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        received.push({
          ...parseEmail(raw),
          envelopeFrom,
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          ...(typeof session.user === 'string' ? { user: session.user } : {}),
          raw,
        });
        for (const wake of [...waiters]) wake();
        callback(null, 'queued');
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      // A client killed mid-session (the SIGKILL tests) resets its connection: not the test's failure.
      server.on('error', () => undefined);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;

  return {
    host: '127.0.0.1',
    port,
    received,
    get attempts() {
      return attempts;
    },
    authAttempts,
    waitForMessages(count, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (received.length < count) return;
          done();
          resolve(received);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`expected ${count} message(s) within ${timeoutMs} ms, got ${received.length}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Parses a message just well enough for assertions: headers, and the text and html parts. */
export function parseEmail(raw: string): Pick<ReceivedEmail, 'headers' | 'subject' | 'messageId' | 'text' | 'html'> {
  const { headers, body } = splitEntity(raw);
  const parts = { text: '', html: '' };
  collectParts(headers, body, parts);
  return {
    headers,
    subject: headers.get('subject') ?? '',
    messageId: headers.get('message-id') ?? '',
    ...parts,
  };
}

function splitEntity(entity: string): { headers: Map<string, string>; body: string } {
  const normalized = entity.replace(/\r\n/g, '\n');
  const end = normalized.indexOf('\n\n');
  const head = end === -1 ? normalized : normalized.slice(0, end);
  const body = end === -1 ? '' : normalized.slice(end + 2);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.set(line.slice(0, colon).trim().toLowerCase(), decodeWords(line.slice(colon + 1).trim()));
  }
  return { headers, body };
}

function collectParts(headers: ReadonlyMap<string, string>, body: string, parts: { text: string; html: string }): void {
  const type = headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    const sections = body.split(`--${boundary}`).slice(1);
    for (const section of sections) {
      if (section.startsWith('--')) break;
      const part = splitEntity(section.replace(/^\n/, ''));
      collectParts(part.headers, part.body.replace(/\n$/, ''), parts);
    }
    return;
  }
  const decoded = decodeBody(body, headers.get('content-transfer-encoding') ?? '7bit');
  if (/^text\/html/i.test(type)) parts.html = decoded;
  else if (/^text\/plain/i.test(type)) parts.text = decoded;
}

function decodeBody(body: string, encoding: string): string {
  switch (encoding.toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    case 'quoted-printable':
      return decodeQuotedPrintable(body.replace(/=\n/g, ''));
    default:
      return body;
  }
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** RFC 2047 encoded words; whitespace between two adjacent encoded words is dropped. */
function decodeWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?[^?]+\?[BbQq]\?[^?]*\?=)/g, '$1')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_word, _charset: string, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : decodeQuotedPrintable(text.replace(/_/g, ' ')),
    );
}
