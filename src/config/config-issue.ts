/** One problem with a config file: the dotted key path and what is wrong there. */
export interface ConfigIssue {
  /** e.g. `alerts.thresholds.pct_24h` or `exchanges.binance.symbols[1]`; empty for the file itself. */
  readonly path: string;
  readonly message: string;
}

/** Renders an issue as the one line a user reads: `path: message`. */
export function formatIssue(issue: ConfigIssue): string {
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}

/** Appends a key to a dotted path; array indices render as `[i]`. */
export function joinPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/** Thrown by `loadConfig`: carries the one line the CLI prints before exiting 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly file: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    const first = issues[0] ? formatIssue(issues[0]) : 'invalid config';
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super(`${file}: ${first}${more}`);
  }
}
