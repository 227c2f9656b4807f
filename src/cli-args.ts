import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type LogFormat, type LogLevel, parseLogFormat, parseLogLevel } from './log.js';
import { errorMessage } from './domain/error-message.js';

/** What the command line asked for. */
export interface CliArgs {
  readonly config: string;
  /** True when `--config` was not given and `config` is {@link DEFAULT_CONFIG}. */
  readonly configIsDefault: boolean;
  readonly version: boolean;
  /** `--demo`: the service against the built-in simulated exchange and mail catcher. */
  readonly demo: boolean;
  /** `--fake-exchange [--port N]`: serve a simulated exchange on this port instead of running the service. */
  readonly fakeExchangePort?: number;
  /** `--exchange ID` with `--fake-exchange`: which one it speaks (default `binance`). */
  readonly fakeExchange?: SimulatedExchangeId;
  readonly help: boolean;
  readonly check: boolean;
  readonly logLevel?: LogLevel;
  /** `--log-format` or `LOG_FORMAT`; the logger's default (`text`) when absent. */
  readonly logFormat?: LogFormat;
  readonly record?: string;
  readonly replay?: string;
  readonly send: boolean;
  readonly http?: string;
  readonly testAlert: boolean;
}

/** The exchanges `--fake-exchange` can simulate. */
export const SIMULATED_EXCHANGES = ['binance', 'coinbase'] as const;
/** One of {@link SIMULATED_EXCHANGES}. */
export type SimulatedExchangeId = (typeof SIMULATED_EXCHANGES)[number];

/** The config file used without `--config`: relative to the working directory, else the package's own. */
export const DEFAULT_CONFIG = 'config/exchanges.yaml';

/** The `--help` text. */
export const USAGE = `Usage: crypto-supervisor [options]

Watches exchange price feeds and sends deduplicated alerts (log, journal, email,
webhooks, Telegram, Alertmanager).

Options:
  --config FILE       YAML config (default: config/exchanges.yaml in the working
                      directory, else the one shipped with the package)
  --check             validate the config, print a one-line summary, exit 0 (or 2 on error)
  --log-level LEVEL   DEBUG, INFO, WARN or ERROR (default: INFO, or $LOG_LEVEL)
  --log-format FMT    text (default) or json: one JSON object per line (or $LOG_FORMAT)
  --record FILE       append every normalized tick to FILE (JSON Lines)
  --replay FILE       run the pipeline on a recorded tick file in virtual time, then exit
  --send              with --replay: also send the alerts through every configured
                      channel (default: log and journal only)
  --test-alert        send one test alert through every configured channel now,
                      print one line per channel; exit 0 only when all delivered
  --http ADDR         serve /livez, /readyz, /metrics and the status page on ADDR (host:port)
  --demo              see it work in a minute: the service against built-in
                      simulated exchanges (a scripted market) and mail catcher, status
                      page on http://127.0.0.1:9464 (or --http), no network; Ctrl-C stops
  --fake-exchange     serve a simulated exchange (a scripted, volatile market) on
                      ws://127.0.0.1:PORT for a config's url:, until Ctrl-C
  --exchange ID       with --fake-exchange: binance (default) or coinbase
  --port PORT         with --fake-exchange (default 8765)
  -V, --version       print the version
  -h, --help          print this help

Exit codes: 0 ok, 1 runtime failure, 2 bad usage or bad config.`;

/** A usage error: the CLI prints it with the hint to run --help and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Parses argv (without `node` and the script). `LOG_LEVEL` and `LOG_FORMAT`
 * from `env` apply unless `--log-level` / `--log-format` is given.
 *
 * @throws {@link UsageError} for unknown options, missing values or a bad level.
 */
export function parseCliArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): CliArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string' },
        version: { type: 'boolean', short: 'V', default: false },
        demo: { type: 'boolean', default: false },
        'fake-exchange': { type: 'boolean', default: false },
        port: { type: 'string' },
        exchange: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        check: { type: 'boolean', default: false },
        'log-level': { type: 'string' },
        'log-format': { type: 'string' },
        record: { type: 'string' },
        replay: { type: 'string' },
        send: { type: 'boolean', default: false },
        http: { type: 'string' },
        'test-alert': { type: 'boolean', default: false },
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
  const formatText = values['log-format'] ?? env['LOG_FORMAT'];
  let logFormat: LogFormat | undefined;
  if (formatText !== undefined && formatText !== '') {
    logFormat = parseLogFormat(formatText);
    if (!logFormat) throw new UsageError(`unknown log format "${formatText}" (use text or json)`);
  }
  if (values.port !== undefined && !values['fake-exchange']) throw new UsageError('--port only makes sense with --fake-exchange');
  if (values.exchange !== undefined && !values['fake-exchange']) throw new UsageError('--exchange only makes sense with --fake-exchange');
  const fakeExchange = values.exchange ?? 'binance';
  if (!(SIMULATED_EXCHANGES as readonly string[]).includes(fakeExchange)) {
    throw new UsageError(`--exchange: expected one of ${SIMULATED_EXCHANGES.join(', ')}, got "${fakeExchange}"`);
  }
  const port = values.port === undefined ? 8765 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: expected a port number 0-65535, got "${values.port}"`);
  if (values.demo && (values.replay || values.record || values['fake-exchange'] || values['test-alert'] || values.check || values.config)) {
    throw new UsageError('--demo runs on its own config: it cannot be combined with --config, --check, --replay, --record, --test-alert or --fake-exchange');
  }
  if (values.send && !values.replay) throw new UsageError('--send only makes sense with --replay');
  if (values.record && values.replay) throw new UsageError('--record and --replay cannot be combined');
  return {
    config: values.config ?? DEFAULT_CONFIG,
    configIsDefault: values.config === undefined,
    version: values.version ?? false,
    demo: values.demo ?? false,
    ...(values['fake-exchange'] ? { fakeExchangePort: port, fakeExchange: fakeExchange as SimulatedExchangeId } : {}),
    help: values.help ?? false,
    check: values.check ?? false,
    send: values.send ?? false,
    testAlert: values['test-alert'] ?? false,
    ...(logLevel ? { logLevel } : {}),
    ...(logFormat ? { logFormat } : {}),
    ...(values.record ? { record: values.record } : {}),
    ...(values.replay ? { replay: values.replay } : {}),
    ...(values.http ? { http: values.http } : {}),
  };
}

/**
 * Where the CLI looks for its config when `--config` is not given, in order:
 * `config/exchanges.yaml` in the working directory, then the one shipped in
 * the package (so the installed bin runs from any directory). Duplicates are
 * dropped (running from the checkout, both are the same file).
 */
export function defaultConfigCandidates(cwd: string, packageRoot: string): string[] {
  return [...new Set([resolve(cwd, DEFAULT_CONFIG), resolve(packageRoot, DEFAULT_CONFIG)])];
}
