import { BehaviorSubject, type Observable, Subject } from 'rxjs';
import { configDiff, describeConfigDiff } from '../config/config-diff.js';
import { formatIssue } from '../config/config-issue.js';
import { symbolIssues } from '../connectors/symbol-issues.js';
import type { Config } from '../domain/config-types.js';
import { errorMessage } from '../domain/error-message.js';
import type { Logger } from '../log.js';
import { checkAlertSettings } from '../operators/check-alert-settings.js';
import type { ReloadOutcome, ReloadResult } from '../domain/reload-result.js';

export type { ReloadOutcome } from '../domain/reload-result.js';

/** The running config of a supervisor and the one way to change it. */
export interface ConfigReloader {
  /** The running config: the start's first, then each applied reload's (replays the current one). */
  readonly config$: Observable<Config>;
  /** Every reload's outcome. */
  readonly outcomes$: Observable<ReloadOutcome>;
  /** The running config now. */
  current(): Config;
  /** Checks and applies a config (see `SupervisorHandle.reload`); one at a time. */
  reload(next?: Config): Promise<ReloadResult>;
}

/** Options of {@link configReloader}. */
export interface ConfigReloaderOptions {
  readonly logger: Logger;
  readonly now: () => number;
  /** Reads the config again for `reload()` without an argument. */
  readonly loadConfig?: () => Promise<Config>;
  /**
   * Keys the command line overrides (`http.listen` under `--http`): the file's
   * value is not in use, so a change to it needs no restart and gets no WARN.
   */
  readonly overridden?: readonly string[];
}

/** `candidate` with the value `kept` has at each dotted path (two levels at most): what a reload cannot change. */
function withKept(candidate: Config, kept: Config, paths: readonly string[]): Config {
  let result = candidate as unknown as Record<string, unknown>;
  for (const path of paths) {
    const [top, key] = path.split('.') as [string, string | undefined];
    const keptTop = (kept as unknown as Record<string, unknown>)[top];
    if (key === undefined) {
      result = { ...result, [top]: keptTop };
      continue;
    }
    const inner = { ...((result[top] as Record<string, unknown> | undefined) ?? {}) };
    const value = (keptTop as Record<string, unknown> | undefined)?.[key];
    if (value === undefined) delete inner[key];
    else inner[key] = value;
    result = { ...result, [top]: inner };
  }
  return result as unknown as Config;
}

/** Why a decoded config cannot run, as a start would refuse it (one line), or undefined. */
function refusal(config: Config): string | undefined {
  const issues = symbolIssues(config.exchanges);
  if (issues.length > 0) return `${formatIssue(issues[0]!)}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`;
  try {
    const { thresholds, hysteresis, level_hysteresis: levelHysteresis } = config.alerts;
    checkAlertSettings(thresholds, hysteresis, levelHysteresis, config.exchanges);
  } catch (error) {
    return errorMessage(error);
  }
  return undefined;
}

/**
 * The running config of a supervisor, as data its parts react to: feeds,
 * detection, silences and channels subscribe `config$`, and a reload pushes
 * the next config there once it is checked. The signal and the file stay in
 * the CLI; this only decides and logs.
 *
 * 1. A config that fails (cannot be read or decoded, a symbol its exchange
 *    cannot carry, bad alert settings) changes nothing: one ERROR with the
 *    reason (the key path first), an outcome `ok: false`.
 * 2. A valid one is pushed to `config$` with the keys that need a restart kept
 *    at their running value (one WARN naming them), one INFO line says what
 *    changed, an outcome `ok: true`.
 * 3. Reloads run one at a time, in call order; `reload` never rejects.
 *
 * @example
 * const reloader = configReloader(config, { logger, now: Date.now, loadConfig: () => loadConfig(file) });
 * await reloader.reload();
 * // Logs: config reloaded: binance: +ETH/USDT
 */
export function configReloader(initial: Config, options: ConfigReloaderOptions): ConfigReloader {
  const { logger, now } = options;
  const config$ = new BehaviorSubject(initial);
  const outcomes$ = new Subject<ReloadOutcome>();
  let queue: Promise<unknown> = Promise.resolve();

  const fail = (error: string): ReloadResult => {
    logger.error(`config reload failed, still running with the previous config: ${error}`);
    outcomes$.next({ ok: false, at: now() });
    return { ok: false, error };
  };

  const apply = async (given: Config | undefined): Promise<ReloadResult> => {
    let candidate: Config;
    if (given !== undefined) candidate = given;
    else if (options.loadConfig === undefined) return fail('no config source to read again (give reload() a config)');
    else {
      try {
        candidate = await options.loadConfig();
      } catch (error) {
        return fail(errorMessage(error));
      }
    }
    const refused = refusal(candidate);
    if (refused !== undefined) return fail(refused);
    const before = config$.value;
    const diff = configDiff(before, candidate);
    const next = withKept(candidate, before, diff.needsRestart);
    const overridden = new Set(options.overridden ?? []);
    const needsRestart = diff.needsRestart.filter((key) => !overridden.has(key));
    if (needsRestart.length > 0) {
      logger.warn(`config reload: ${needsRestart.join(', ')} changed: a restart applies ${needsRestart.length === 1 ? 'it' : 'them'}; until then the value read at start stays`);
    }
    // The divergence rule's groups (which markets it compares) are built at start from the exchanges' symbols.
    if (next.alerts.divergence !== undefined && diff.exchanges.some((change) => change.feed !== 'none')) {
      logger.warn('config reload: the divergence rule keeps comparing the markets it compared at start until a restart (new symbols and exchanges join it then)');
    }
    const changes = describeConfigDiff(diff);
    config$.next(next);
    logger.info(`config reloaded: ${changes}`);
    outcomes$.next({ ok: true, at: now() });
    return { ok: true, changes, needsRestart };
  };

  return {
    config$: config$.asObservable(),
    outcomes$: outcomes$.asObservable(),
    current: () => config$.value,
    reload(next) {
      const result = queue.then(() => apply(next));
      queue = result;
      return result;
    },
  };
}
