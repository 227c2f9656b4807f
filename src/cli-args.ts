import { parseArgs } from 'node:util';
import { type LogLevel, parseLogLevel } from './log.js';
import { errorMessage } from './domain/error-message.js';

/** What the command line asked for. */
export interface CliArgs {
  readonly config: string;
  readonly help: boolean;
  readonly check: boolean;
  readonly logLevel?: LogLevel;
  readonly record?: string;
  readonly replay?: string;
  readonly send: boolean;
  readonly http?: string;
}

/** The `--help` text. */
export const USAGE = `Usage: crypto-supervisor [options]

Watches exchange price feeds and sends deduplicated alerts (log, journal, email).

Options:
  --config FILE       YAML config (default: config/exchanges.yaml)
  --check             validate the config, print a one-line summary, exit 0 (or 2 on error)
  --log-level LEVEL   DEBUG, INFO, WARN or ERROR (default: INFO, or $LOG_LEVEL)
  --record FILE       append every normalized tick to FILE (JSON Lines)
  --replay FILE       run the pipeline on a recorded tick file in virtual time, then exit
  --send              with --replay: also send email (default: log and journal only)
  --http ADDR         serve /healthz, /metrics and the status page on ADDR (host:port)
  -h, --help          print this help

Exit codes: 0 ok, 1 runtime failure, 2 bad usage or bad config.`;

/** A usage error: the CLI prints it with the hint to run --help and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Parses argv (without `node` and the script). `LOG_LEVEL` from `env` applies
 * unless `--log-level` is given.
 *
 * @throws {@link UsageError} for unknown options, missing values or a bad level.
 */
export function parseCliArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): CliArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string', default: 'config/exchanges.yaml' },
        help: { type: 'boolean', short: 'h', default: false },
        check: { type: 'boolean', default: false },
        'log-level': { type: 'string' },
        record: { type: 'string' },
        replay: { type: 'string' },
        send: { type: 'boolean', default: false },
        http: { type: 'string' },
      },
      allowPositionals: false,
      strict: true,
    }));
  } catch (error) {
    throw new UsageError(errorMessage(error));
  }
  const levelText = values['log-level'] ?? env['LOG_LEVEL'];
  let logLevel: LogLevel | undefined;
  if (levelText !== undefined && levelText !== '') {
    logLevel = parseLogLevel(levelText);
    if (!logLevel) throw new UsageError(`unknown log level "${levelText}" (use DEBUG, INFO, WARN or ERROR)`);
  }
  if (values.send && !values.replay) throw new UsageError('--send only makes sense with --replay');
  if (values.record && values.replay) throw new UsageError('--record and --replay cannot be combined');
  return {
    config: values.config ?? 'config/exchanges.yaml',
    help: values.help ?? false,
    check: values.check ?? false,
    send: values.send ?? false,
    ...(logLevel ? { logLevel } : {}),
    ...(values.record ? { record: values.record } : {}),
    ...(values.replay ? { replay: values.replay } : {}),
    ...(values.http ? { http: values.http } : {}),
  };
}
