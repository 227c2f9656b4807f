#!/usr/bin/env node
// The only file that touches `process`: argv, environment, signals, exit codes.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject } from 'rxjs';
import { fileURLToPath } from 'node:url';
import { defaultConfigCandidates, parseCliArgs, USAGE, UsageError, type CliArgs } from './cli-args.js';
import { ConfigError, type ConfigIssue, formatIssue } from './config/config-issue.js';
import { loadConfig } from './config/load-config.js';
import { summarizeConfig } from './config/summarize-config.js';
import { decodeConfig } from './config/decode-config.js';
import type { CaughtMail } from './demo/parse-mail.js';
import { createLogger, type Logger } from './log.js';
import { parseListenAddress } from './ops/parse-listen-address.js';
import { progressLine, type ProgressLine } from './replay/progress-line.js';
import { renderProgress } from './replay/render-progress.js';
import { formatReplaySummary } from './replay-summary.js';
import { createSupervisor, exchangeConfigIssues, type Supervisor, type SupervisorHandle } from './supervisor/create-supervisor.js';
import { errorMessage } from './domain/error-message.js';
import { lockStateDir, type StateDirLock, StateDirLockedError } from './delivery/state-dir.js';

/** Graceful shutdown must finish within this budget (the alert channels get a little less). */
const SHUTDOWN_BUDGET_MS = 5000;

/** The package's root: dist/cli.js (or src/cli.ts under tsx) is one level below it. */
const PACKAGE_ROOT = fileURLToPath(new URL('../', import.meta.url));

function fail(message: string, code: number): never {
  process.stderr.write(`crypto-supervisor: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  let args: CliArgs;
  try {
    args = parseCliArgs(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof UsageError) fail(`${error.message} (see --help)`, 2);
    throw error;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  // Checked before anything else, so that --check refuses what a start would.
  const listen = args.http === undefined ? undefined : parseListenAddress(args.http);
  if (typeof listen === 'string') fail(`--http: ${listen}`, 2);
  if (args.version) {
    const { version } = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
    process.stdout.write(`crypto-supervisor ${version}\n`);
    return;
  }
  if (args.fakeExchangePort !== undefined) return fakeExchange(args.fakeExchangePort, args);
  if (args.demo) return demo(args);
  let packagedConfig = false;
  if (args.configIsDefault) {
    const [inCwd, ...others] = defaultConfigCandidates(process.cwd(), PACKAGE_ROOT);
    if (!existsSync(inCwd!)) {
      const found = others.find((path) => existsSync(path));
      if (found === undefined) fail(`no --config given and no config found: looked for ${[inCwd, ...others].join(' and ')}`, 2);
      args = { ...args, config: found };
      packagedConfig = true;
    }
  }
  let config;
  const notes: ConfigIssue[] = [];
  try {
    config = await loadConfig(args.config, { env: process.env, onNote: (note) => notes.push(note) });
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message, 2);
    throw error;
  }
  const exchangeIssues = exchangeConfigIssues(config);
  if (exchangeIssues.length > 0) fail(new ConfigError(args.config, exchangeIssues).message, 2);
  if (args.check) {
    process.stdout.write(`${summarizeConfig(config)}\n`);
    return;
  }

  // A replay draws a progress bar on a terminal; log lines then go through it, so that none glues to the bar.
  const bar = args.replay && process.stderr.isTTY === true
    ? progressLine({ writeBar: (chunk) => process.stderr.write(chunk), writeLog: (chunk) => process.stdout.write(chunk) })
    : undefined;
  const logger = createLogger('supervisor', {
    level: args.logLevel ?? 'INFO',
    ...(args.logFormat ? { format: args.logFormat } : {}),
    ...(bar ? { write: bar.log } : {}),
  });
  if (packagedConfig) logger.info(`no config/exchanges.yaml in ${process.cwd()}: using the package's ${args.config}`);
  for (const note of notes) logger.info(`config ${args.config}: ${formatIssue(note)}`);
  // One process per state_dir: the journal and the delivery cursors have one writer.
  let lock: StateDirLock;
  try {
    lock = lockStateDir(config.state_dir, { pid: process.pid, isAlive: processIsAlive });
  } catch (error) {
    if (error instanceof StateDirLockedError) fail(error.message, 2);
    fail(`cannot use state_dir ${config.state_dir}: ${errorMessage(error)}`, 1);
  }
  process.on('exit', () => lock.release());
  if (lock.note) logger.warn(lock.note);
  if (args.testAlert) return testAlert(createSupervisor(config, { logger }));
  if (args.replay) return replay(args.replay, args, createSupervisor(config, { logger }), bar);
  let handle: SupervisorHandle | undefined;
  let keepAlive: NodeJS.Timeout | undefined;
  // Handlers go in before the service starts, so an early signal still shuts down gracefully.
  const shutdown = onShutdownSignals(logger, async () => {
    clearInterval(keepAlive);
    await handle?.stop();
    return 'stopped';
  });
  // SIGHUP (`systemctl reload`, `kill -HUP`) re-reads the config file; without a handler it would end the process.
  // The file is read and checked exactly as at start; the supervisor applies it or keeps the old one (and says which).
  const configFile = args.config;
  const readConfig = () => loadConfig(configFile, { env: process.env });
  process.on('SIGHUP', () => {
    if (shutdown.stopping()) return;
    logger.info(`received SIGHUP, reloading ${configFile}`);
    void handle?.reload();
  });
  handle = createSupervisor(config, {
    logger,
    loadConfig: readConfig,
    ...(args.record ? { record: args.record } : {}),
    ...(args.http ? { http: args.http } : {}),
  }).run();
  handle.ready.catch((error: unknown) => {
    logger.error(`cannot start: ${errorMessage(error)}`);
    process.exit(1);
  });
  // A daemon runs until it is told to stop, whatever its feeds are doing.
  keepAlive = setInterval(() => undefined, 2 ** 31 - 1);
}

/**
 * Graceful shutdown on SIGINT and SIGTERM, for the service and the demo alike:
 * the first signal runs `stop` (which resolves to the line logged before exit 0)
 * within SHUTDOWN_BUDGET_MS, else exit 1 with an ERROR; a second signal exits 130 at once.
 */
function onShutdownSignals(logger: Logger, stop: () => Promise<string>): { stopping(): boolean } {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(`received ${signal} again, exiting now`);
      process.exit(130);
    }
    stopping = true;
    logger.info(`received ${signal}, shutting down`);
    const deadline = setTimeout(() => {
      logger.error(`shutdown took longer than ${SHUTDOWN_BUDGET_MS} ms, exiting`);
      process.exit(1);
    }, SHUTDOWN_BUDGET_MS);
    deadline.unref();
    stop().then(
      (line) => {
        logger.info(line);
        process.exit(0);
      },
      (error: unknown) => {
        logger.error(`shutdown failed: ${errorMessage(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { stopping: () => stopping };
}

/** True while process `pid` runs (EPERM: it runs, as another user). */
function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `--test-alert`: one marked test alert through every channel, one line per channel, exit 0 only when all delivered. */
async function testAlert(supervisor: Supervisor): Promise<void> {
  const results = await supervisor.testAlert();
  if (results.length === 0) fail('no alert channel is configured (alerts.email, alerts.webhooks, alerts.telegram, alerts.alertmanager)', 1);
  for (const result of results) {
    process.stdout.write(`${result.label}: ${result.delivered ? 'delivered' : `not delivered: ${result.reason}`}\n`);
  }
  process.exit(results.every((result) => result.delivered) ? 0 : 1);
}

/** `--replay`: the same pipeline over a tick file in virtual time, a summary, exit 0. */
async function replay(file: string, args: CliArgs, supervisor: Supervisor, bar: ProgressLine | undefined): Promise<void> {
  const started = Date.now();
  // A progress bar only on a terminal (`bar`): a pipe or a log file gets the summary alone.
  let drawnAt = 0;
  const summary = await supervisor
    .replay(file, {
      send: args.send,
      onProgress: (progress) => {
        const now = Date.now();
        if (!bar || (now - drawnAt < 100 && !progress.done)) return;
        drawnAt = now;
        const line = renderProgress(progress, { elapsedMs: now - started, width: process.stderr.columns });
        if (progress.done) bar.finish(line);
        else bar.draw(line);
      },
    })
    .catch((error: unknown) => fail(errorMessage(error), 2));
  process.stdout.write(`${formatReplaySummary(summary, Date.now() - started)}\n`);
}

/** `--fake-exchange`: a simulated exchange on loopback until SIGINT/SIGTERM, for a config's `url:`. */
async function fakeExchange(port: number, args: CliArgs): Promise<void> {
  const logger = createLogger('fake-exchange', { level: args.logLevel ?? 'INFO', ...(args.logFormat ? { format: args.logFormat } : {}) });
  const exchange = args.fakeExchange ?? 'binance';
  // Imported here, not at the top: every other run (a replay above all) need not load the simulators and ws.
  const { startSimulatedBinance } = await import('./demo/simulated-binance.js');
  const { startSimulatedCoinbase } = await import('./demo/simulated-coinbase.js');
  const start = exchange === 'coinbase' ? startSimulatedCoinbase : startSimulatedBinance;
  const name = exchange === 'coinbase' ? 'Coinbase' : 'Binance';
  const market = await start({ port, logger }).catch((error: unknown) => fail(`--fake-exchange: cannot listen on 127.0.0.1:${port}: ${errorMessage(error)}`, 1));
  const stop = (signal: NodeJS.Signals) => {
    logger.info(`received ${signal}, stopping`);
    market.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  logger.info(`simulated ${name} on ${market.url}: put "url: ${market.url}" under exchanges.${exchange}; Ctrl-C stops it`);
}

/** The status page's port in the demo (Prometheus' registry has 9464 for exporters like this one). */
const DEMO_HTTP_PORT = 9464;

/**
 * `--demo`: the real service (connectors, pipeline, journal, email channel, status page)
 * against the simulated Binance and Coinbase and the mail catcher, all on loopback, with a fresh
 * temporary state_dir, until SIGINT/SIGTERM.
 */
async function demo(args: CliArgs): Promise<void> {
  const logger = createLogger('supervisor', { level: args.logLevel ?? 'INFO', ...(args.logFormat ? { format: args.logFormat } : {}) });
  const say = logger.child('demo');
  // Imported here, not at the top: every other run (a replay above all) need not load the demo's parts.
  const [{ demoConfig }, { listenOrFree }, { startMailCatcher }, { startSimulatedBinance }, { startSimulatedCoinbase }] = await Promise.all([
    import('./demo/demo-config.js'),
    import('./demo/listen-or-free.js'),
    import('./demo/mail-catcher.js'),
    import('./demo/simulated-binance.js'),
    import('./demo/simulated-coinbase.js'),
  ]);
  const stateDir = mkdtempSync(join(tmpdir(), 'crypto-supervisor-demo-'));
  let listen = args.http;
  if (listen === undefined) {
    const picked = await listenOrFree(DEMO_HTTP_PORT);
    if (picked.fellBack) say.warn(`port ${DEMO_HTTP_PORT} on 127.0.0.1 is taken: the status page uses ${picked.listen} instead`);
    listen = picked.listen;
  }
  // Coinbase trails Binance's script by 3 s: in a rally and a fall their prices drift apart for a while.
  const binance = await startSimulatedBinance({ port: 0, logger: logger.child('market.binance') });
  const coinbase = await startSimulatedCoinbase({ port: 0, lagMs: 3000, logger: logger.child('market.coinbase') });
  const mail$ = new Subject<CaughtMail>();
  const catcher = await startMailCatcher({ logger: logger.child('mail-catcher'), onMail: (mail) => mail$.next(mail) });
  const decoded = decodeConfig(demoConfig({ binanceUrl: binance.url, coinbaseUrl: coinbase.url, smtpPort: catcher.port, stateDir, listen }), { env: {} });
  if (decoded._tag === 'Left') fail(`the demo's own config is invalid (a bug): ${decoded.left.map(formatIssue).join('; ')}`, 1);
  const config = decoded.right;
  const lock = lockStateDir(config.state_dir, { pid: process.pid, isAlive: processIsAlive });
  process.on('exit', () => lock.release());
  say.info(`a simulated Binance on ${binance.url} plays a one-minute market (a rally to +7 %, a fall, a 12 s outage) on repeat; a simulated Coinbase on ${coinbase.url} plays it 3 s late, without the outage; mail goes to a catcher on 127.0.0.1:${catcher.port}`);
  say.info(`state (journal, cursors) in ${stateDir}: the journal is ${join(stateDir, 'alerts.jsonl')}`);

  const handle = createSupervisor(config, { logger, caughtMail$: mail$ }).run();
  onShutdownSignals(logger, async () => {
    await handle.stop();
    await Promise.all([catcher.close(), binance.close(), coinbase.close()]);
    return `stopped; the demo's journal stays in ${stateDir}`;
  });
  // The demo builds its config in code: there is no file to reload, and SIGHUP must not end it either.
  process.on('SIGHUP', () => say.warn('received SIGHUP: the demo has no config file to reload; still running'));
  handle.ready.then(
    () => say.info(`status page: ${handle.httpUrl() ?? listen}/ ; the first price alert comes about 15 s after start, the outage at about 40 s; Ctrl-C stops`),
    (error: unknown) => fail(`cannot start the demo: ${errorMessage(error)}`, 1),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`crypto-supervisor: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
