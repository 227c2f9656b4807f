import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.js';
import { type CaughtMail, parseMail } from './parse-mail.js';

/** Options of {@link startMailCatcher}; every one has a default. */
export interface MailCatcherOptions {
  /** TCP port on 127.0.0.1; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Called with every accepted message. */
  readonly onMail?: (mail: CaughtMail) => void;
  /** Clock. Default `Date.now`. */
  readonly now?: () => number;
  /** Where it says what it caught. Default: nothing is logged. */
  readonly logger?: Logger;
}

/** A running mail catcher. */
export interface MailCatcher {
  /** The port it listens on, on 127.0.0.1: put it in `alerts.email.smtp_port`. */
  readonly port: number;
  /** Every message caught so far, oldest first. */
  readonly caught: () => readonly CaughtMail[];
  close(): Promise<void>;
}

/** Biggest message kept (bytes); anything longer is refused with 552. */
const MAX_MESSAGE = 1_000_000;

/**
 * A minimal SMTP receiver on loopback that accepts every message and keeps it
 * in memory, so the demo's real email channel (nodemailer over SMTP) has
 * somewhere to deliver without a mail server. It speaks just enough of RFC 5321
 * for a plain, unauthenticated client: `EHLO`/`HELO`, `MAIL`, `RCPT`, `DATA`
 * (dot-unstuffed), `RSET`, `NOOP`, `QUIT`; no TLS, no AUTH, no relaying.
 *
 * 1. Each accepted message is parsed ({@link parseMail}), kept, logged in one
 *    line and handed to `onMail`.
 * 2. `close()` stops listening and drops open connections.
 *
 * @example
 * const catcher = await startMailCatcher({ onMail: (mail) => console.log(mail.subject) });
 * // config: alerts.email.smtp_host = 127.0.0.1, smtp_port = catcher.port
 * // Logs: BTC/USDT +5.02% in 24h on binance
 */
export async function startMailCatcher(options: MailCatcherOptions = {}): Promise<MailCatcher> {
  const now = options.now ?? Date.now;
  const caught: CaughtMail[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => sockets.delete(socket));
    const reply = (line: string) => socket.write(`${line}\r\n`);
    let from = '';
    let to: string[] = [];
    let data: string[] | undefined;
    let size = 0;
    let pending = '';
    reply('220 127.0.0.1 crypto-supervisor demo mail catcher');
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      let newline: number;
      while ((newline = pending.indexOf('\r\n')) >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 2);
        if (data !== undefined) {
          if (line !== '.') {
            size += line.length + 2;
            if (size <= MAX_MESSAGE) data.push(line.startsWith('..') ? line.slice(1) : line);
            continue;
          }
          if (size > MAX_MESSAGE) reply('552 message too big for the demo mail catcher');
          else {
            const mail = parseMail(data.join('\r\n'), { ts: now(), from, to });
            caught.push(mail);
            options.logger?.info(`caught an email to ${mail.to.join(', ')}: ${mail.subject}`);
            options.onMail?.(mail);
            reply('250 caught');
          }
          data = undefined;
          from = '';
          to = [];
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        const address = () => /<([^>]*)>/.exec(line)?.[1] ?? line.slice(line.indexOf(':') + 1).trim();
        if (verb === 'EHLO' || verb === 'HELO') reply('250 127.0.0.1');
        else if (verb === 'MAIL') {
          from = address();
          to = [];
          reply('250 ok');
        } else if (verb === 'RCPT') {
          to.push(address());
          reply('250 ok');
        } else if (verb === 'DATA') {
          if (to.length === 0) reply('503 no recipient');
          else {
            data = [];
            size = 0;
            reply('354 end with <CRLF>.<CRLF>');
          }
        } else if (verb === 'RSET') {
          from = '';
          to = [];
          reply('250 ok');
        } else if (verb === 'NOOP') reply('250 ok');
        else if (verb === 'QUIT') {
          reply('221 bye');
          socket.end();
        } else reply('502 not implemented');
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    caught: () => [...caught],
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
