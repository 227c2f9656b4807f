import { createLogger, type Logger } from '../../src/log.js';

/** A logger named `replay` that keeps its lines, without the timestamp. */
export function captureLogger(): { readonly lines: string[]; readonly logger: Logger } {
  const lines: string[] = [];
  return { lines, logger: createLogger('replay', { write: (l) => lines.push(l.replace(/^\S+ \S+ /, '')) }) };
}
