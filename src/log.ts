/** Log levels, least to most severe. */
export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A named logger writing the seed's line format. */
export interface Logger {
  /** Dotted name, e.g. `supervisor.connectors.binance`. */
  readonly name: string;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** True when a line at `level` would be written (skip building costly messages otherwise). */
  enabled(level: LogLevel): boolean;
  /** A logger named `<this name>.<suffix>` writing to the same place. */
  child(suffix: string): Logger;
}

/** Where and how loggers write. */
export interface LogOptions {
  /** Lines below this level are dropped. Default `INFO`. */
  readonly level?: LogLevel;
  /** Receives each finished line, without the newline. Default: `process.stdout`. */
  readonly write?: (line: string) => void;
  /** Clock for the timestamp. Default `Date.now`. */
  readonly now?: () => number;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD HH:MM:SS` in local time, as the seed's log format has it. */
export function formatLogTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Parses a level name case-insensitively (`warn`, `WARNING` -> `WARN`). */
export function parseLogLevel(text: string): LogLevel | undefined {
  const upper = text.trim().toUpperCase();
  const level = upper === 'WARNING' ? 'WARN' : upper;
  return (LOG_LEVELS as readonly string[]).includes(level) ? (level as LogLevel) : undefined;
}

/**
 * Creates a logger writing `YYYY-MM-DD HH:MM:SS [LEVEL] logger.name: message`.
 *
 * @example
 * const lines: string[] = [];
 * createLogger('supervisor', { write: (l) => lines.push(l), now: () => 0 }).info('started');
 * // lines[0] ends with '[INFO] supervisor: started'
 */
export function createLogger(name: string, options: LogOptions = {}): Logger {
  const threshold = LOG_LEVELS.indexOf(options.level ?? 'INFO');
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? Date.now;
  const emit = (level: LogLevel, message: string) => {
    if (LOG_LEVELS.indexOf(level) < threshold) return;
    write(`${formatLogTime(now())} [${level}] ${name}: ${message}`);
  };
  return {
    name,
    debug: (message) => emit('DEBUG', message),
    info: (message) => emit('INFO', message),
    warn: (message) => emit('WARN', message),
    error: (message) => emit('ERROR', message),
    enabled: (level) => LOG_LEVELS.indexOf(level) >= threshold,
    child: (suffix) => createLogger(`${name}.${suffix}`, { ...options, write, now }),
  };
}

/** A logger that drops everything: the default for library users who did not ask for logs. */
export const silentLogger: Logger = {
  name: 'silent',
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  enabled: () => false,
  child: () => silentLogger,
};
