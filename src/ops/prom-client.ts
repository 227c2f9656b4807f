import { createRequire } from 'node:module';
import type * as PromClient from 'prom-client';

let loaded: typeof PromClient | undefined;

/**
 * prom-client (CommonJS, with OpenTelemetry's API under it), required when the
 * first ops server starts rather than imported: a replay or a `--check` never
 * serves metrics, and loading it was a few per cent of a short replay.
 *
 * @example
 * const registry = new (promClient().Registry)();
 */
export function promClient(): typeof PromClient {
  return (loaded ??= createRequire(import.meta.url)('prom-client') as typeof PromClient);
}
