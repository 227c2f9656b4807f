/** What the demo's mail catcher shows of one message. */
export interface CaughtMail {
  /** When it was received (ms). */
  readonly ts: number;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  /** The text/plain body (decoded), or the whole body when there is no text part. */
  readonly text: string;
}

/** `=?UTF-8?Q?...?=` and `=?UTF-8?B?...?=` (RFC 2047) as nodemailer writes non-ASCII headers. */
function decodeWords(value: string): string {
  return value.replace(/\s*=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_all, _charset: string, encoding: string, data: string) =>
    encoding.toUpperCase() === 'B'
      ? Buffer.from(data, 'base64').toString('utf8')
      : decodeQuotedPrintable(data.replace(/_/g, ' ')),
  ).trim();
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  const soft = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < soft.length; i++) {
    const hex = soft[i] === '=' ? soft.slice(i + 1, i + 3) : '';
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(soft[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Headers (unfolded, lower-case names) and body of one MIME entity. */
function splitEntity(raw: string): { headers: Map<string, string>; body: string } {
  const end = raw.search(/\r?\n\r?\n/);
  const head = end < 0 ? raw : raw.slice(0, end);
  const body = end < 0 ? '' : raw.slice(end).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function decodeBody(headers: Map<string, string>, body: string): string {
  const encoding = (headers.get('content-transfer-encoding') ?? '').toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}

/** The text/plain part of an entity (first one, depth first), decoded. */
function plainText(raw: string): string | undefined {
  const { headers, body } = splitEntity(raw);
  const type = headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    for (const part of body.split(`--${boundary}`).slice(1)) {
      if (part.startsWith('--')) break;
      // The line break before a boundary belongs to the boundary (RFC 2046), not to the part.
      const text = plainText(part.replace(/^\r?\n/, '').replace(/\r?\n$/, ''));
      if (text !== undefined) return text;
    }
    return undefined;
  }
  return /^text\/plain/i.test(type) ? decodeBody(headers, body) : undefined;
}

/**
 * Reads what a person would see of an email as nodemailer sends it (the
 * subject, the plain-text part) from its raw RFC 5322 text. Enough MIME for
 * the demo's mail catcher: encoded-word headers, multipart, quoted-printable
 * and base64 bodies; not a general mail parser.
 *
 * @example
 * parseMail('Subject: hi\r\n\r\nbody\r\n', { ts: 0, from: 'a@x', to: ['b@x'] }).subject;
 * // Logs: hi
 */
export function parseMail(raw: string, envelope: { ts: number; from: string; to: readonly string[] }): CaughtMail {
  const { headers, body } = splitEntity(raw);
  return {
    ...envelope,
    subject: decodeWords(headers.get('subject') ?? '(no subject)'),
    text: (plainText(raw) ?? body).replace(/\r\n/g, '\n'),
  };
}
