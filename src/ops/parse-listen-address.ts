/** Where the HTTP surface listens. */
export interface ListenAddress {
  /** Host name or IP, without brackets (`127.0.0.1`, `::1`, `0.0.0.0`). */
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** True when only this machine can connect. */
  readonly loopback: boolean;
}

const LOOPBACK = /^(127(?:\.\d{1,3}){3}|::1|localhost)$/i;

/**
 * Parses `host:port`, `[::1]:port`, `:port` or a bare `port`; the last two
 * bind to 127.0.0.1, so the surface is exposed only when a host is given on purpose.
 *
 * @returns the address, or a message saying what is wrong.
 *
 * @example
 * parseListenAddress('9464');
 * // { host: '127.0.0.1', port: 9464, loopback: true }
 */
export function parseListenAddress(listen: string): ListenAddress | string {
  const text = listen.trim();
  const match = /^(?:(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+)?:)?(\d{1,5})$/.exec(text);
  if (match === null) return `"${listen}" is not host:port (for example 127.0.0.1:9464)`;
  const port = Number(match[2]);
  if (port > 65535) return `"${listen}": port ${port} is above 65535`;
  const host = (match[1] ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1');
  return { host, port, loopback: LOOPBACK.test(host) };
}
