import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * `127.0.0.1:<preferred>` when that port is free, else a free port the system
 * picks, and whether it had to fall back. A probe, not a reservation: another
 * process may take the port before the caller listens (the caller then fails
 * with the port's error).
 *
 * @example
 * await listenOrFree(9464);
 * // Logs: { listen: '127.0.0.1:9464', fellBack: false }
 */
export async function listenOrFree(preferred: number): Promise<{ readonly listen: string; readonly fellBack: boolean }> {
  const probe = (port: number) =>
    new Promise<number | undefined>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(undefined));
      server.listen(port, '127.0.0.1', () => {
        const bound = (server.address() as AddressInfo).port;
        server.close(() => resolve(bound));
      });
    });
  const port = await probe(preferred);
  if (port !== undefined) return { listen: `127.0.0.1:${port}`, fellBack: false };
  const other = await probe(0);
  if (other === undefined) throw new Error('no free port on 127.0.0.1');
  return { listen: `127.0.0.1:${other}`, fellBack: true };
}
