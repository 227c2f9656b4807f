/** Log levels, least to most severe. */
export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Line formats: the seed's `text` (the default) or one JSON object per line. */
export const LOG_FORMATS = ['text', 'json'] as const;

/** One of {@link LOG_FORMATS}. */
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * Structured data about a line. The text format leaves it out (the message
 * already says it in words); the JSON format adds it to the line's object.
 */
export interface LogFields {
  /** The alert the line announces: its fields go into the JSON line as `alert`. */
  readonly alert?: object;
}

/** A named logger writing the seed's line format (or JSON lines). */
export interface Logger {
  /** Dotted name, e.g. `supervisor.connectors.binance`. */
  readonly name: string;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** True when a line at `level` would be written (skip building costly messages otherwise). */
  enabled(level: LogLevel): boolean;
  /** A logger named `<this name>.<suffix>` writing to the same place. */
  child(suffix: string): Logger;
}

/** Where and how loggers write. */
export interface LogOptions {
  /** Lines below this level are dropped. Default `INFO`. */
  readonly level?: LogLevel;
  /** `text` (default): the seed's line with local time; `json`: one JSON object per line, UTC time. */
  readonly format?: LogFormat;
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

/** Parses a format name case-insensitively (`JSON` -> `json`). */
export function parseLogFormat(text: string): LogFormat | undefined {
  const lower = text.trim().toLowerCase();
  return (LOG_FORMATS as readonly string[]).includes(lower) ? (lower as LogFormat) : undefined;
}

/**
 * One JSON line: `{"time","level","logger","message"}` with the time in UTC
 * (ISO 8601), then `alert` when the line announces one. JSON.stringify escapes
 * newlines, so a line is always one line.
 */
export function formatJsonLine(ms: number, level: LogLevel, logger: string, message: string, fields?: LogFields): string {
  return JSON.stringify({ time: new Date(ms).toISOString(), level, logger, message, ...(fields?.alert === undefined ? {} : { alert: fields.alert }) });
}

/**
 * Creates a logger writing `YYYY-MM-DD HH:MM:SS [LEVEL] logger.name: message`,
 * or with `format: 'json'` one JSON object per line (see {@link formatJsonLine}).
 *
 * @example
 * const lines: string[] = [];
 * createLogger('supervisor', { write: (l) => lines.push(l), now: () => 0 }).info('started');
 * // lines[0] ends with '[INFO] supervisor: started'
 * createLogger('supervisor', { format: 'json', write: (l) => lines.push(l), now: () => 0 }).info('started');
 * // lines[1] is '{"time":"1970-01-01T00:00:00.000Z","level":"INFO","logger":"supervisor","message":"started"}'
 */
export function createLogger(name: string, options: LogOptions = {}): Logger {
  const threshold = LOG_LEVELS.indexOf(options.level ?? 'INFO');
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? Date.now;
  const json = options.format === 'json';
  const emit = (level: LogLevel, message: string, fields?: LogFields) => {
    if (LOG_LEVELS.indexOf(level) < threshold) return;
    write(json ? formatJsonLine(now(), level, name, message, fields) : `${formatLogTime(now())} [${level}] ${name}: ${message}`);
  };
  return {
    name,
    debug: (message, fields) => emit('DEBUG', message, fields),
    info: (message, fields) => emit('INFO', message, fields),
    warn: (message, fields) => emit('WARN', message, fields),
    error: (message, fields) => emit('ERROR', message, fields),
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
