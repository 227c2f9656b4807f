import type { Observable, SchedulerLike } from 'rxjs';
import type { FeedOptions } from '../connectors/feed-options.js';
import type { Alert } from '../domain/alert.js';
import type { FeedStatus } from '../domain/feed-status.js';
import type { Tick } from '../domain/tick.js';
import type { Logger } from '../log.js';
import type { PriceState } from '../operators/price-state.js';
import type { HeartbeatOptions } from '../ops/heartbeat-pings.js';
import type { MailView } from '../ops/ops-sources.js';
import type { ReplayProgress } from '../replay/replay-progress.js';
import type { Channel } from '../delivery/channel.js';
import type { SendNowResult } from '../delivery/send-now.js';
import type { Config } from '../domain/config-types.js';
import type { ReloadResult } from '../domain/reload-result.js';
import type { DeliveryTuning } from './alert-delivery.js';

/** What {@link createSupervisor} needs from the outside world; everything has a default. */
export interface SupervisorOptions {
  /** Where the service logs. Default: nothing is logged (library use). */
  readonly logger?: Logger;
  /** Timers of the feeds, feed-down alerts and delivery. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Wall clock for latency and the status page. Default `Date.now`. */
  readonly now?: () => number;
  /** Socket-level overrides for the feeds (tests: `createSocket`, `random`, `limits`). */
  readonly feed?: Pick<FeedOptions, 'createSocket' | 'random' | 'limits' | 'openSocket'>;
  /** `false`: no channel even when some are configured (log and journal only); an array: these channels instead of the configured ones. */
  readonly channels?: false | readonly Channel[];
  /** Shorter retries and flush time of the delivery path (tests). */
  readonly delivery?: DeliveryTuning;
  /** Append every tick to this tick file (`--record`). */
  readonly record?: string;
  /** `host:port` for the HTTP surface; overrides `http.listen` (`--http`). */
  readonly http?: string;
  /** HTTP client of the heartbeat pings (tests). */
  readonly heartbeatGet?: HeartbeatOptions['get'];
  /** Emails a local mail catcher received (`--demo`): the status page shows them in a "Caught mail" panel. */
  readonly caughtMail$?: Observable<MailView>;
  /**
   * Reads the config again for {@link SupervisorHandle.reload} without an
   * argument, and for `POST /-/reload` (the CLI: decodes the `--config` file).
   * Rejects with the reason (a `ConfigError` names the key path). Default:
   * none (`reload()` then needs a config, and `POST /-/reload` answers 404).
   */
  readonly loadConfig?: () => Promise<Config>;
}

export type { ReloadResult } from '../domain/reload-result.js';

/** A running service. */
export interface SupervisorHandle {
  /** Resolves once everything is listening (the HTTP surface); rejects when it cannot start. */
  readonly ready: Promise<void>;
  /** The HTTP surface's base URL, once `ready` resolved, when one is configured. */
  readonly httpUrl: () => string | undefined;
  /**
   * Stops the feeds, lets the journal and the channels flush (at most about
   * 4 s), closes the HTTP surface. Resolves when everything is closed.
   */
  stop(): Promise<void>;
  /**
   * Applies a new config without a restart (SIGHUP and `POST /-/reload` call
   * it): `config`, or without it what `SupervisorOptions.loadConfig` reads.
   * Checked as a start checks it (`exchangeConfigIssues` and the alert
   * settings); a config that fails changes nothing (one ERROR, the old config
   * keeps running). A valid one applies from the next tick without losing
   * state: feeds whose symbols alone changed keep their sockets (added symbols
   * subscribe, removed ones unsubscribe), other exchanges are untouched, an
   * exchange enabled, disabled or whose url changed is opened or closed alone;
   * windows and dedupe levels of unchanged symbols are kept; thresholds,
   * levels, configured silences (runtime ones stay), quiet hours and channels
   * change. The keys of `RESTART_KEYS` (`state_dir`, `http.listen`, `ops.*`,
   * `alerts.feed_down_after_ms`, `alerts.symbol_silent_after_ms`) keep their
   * old value with a WARN. One INFO line
   * says what changed. Reloads run one at a time. Never rejects.
   *
   * @example
   * const handle = createSupervisor(config, { logger }).run();
   * const result = await handle.reload({ ...config, alerts: { ...config.alerts, thresholds: { ...config.alerts.thresholds, pct_24h: 0.1 } } });
   * console.log(result.ok, result.ok && result.changes);
   * // Logs: true thresholds changed
   */
  reload(config?: Config): Promise<ReloadResult>;
}

/** Options of {@link Supervisor.replay}. */
export interface ReplayRunOptions {
  /** Also send the alerts through every configured channel, now (not through the durable path). Default false. */
  readonly send?: boolean;
  /** Receives replay progress (lines, ticks, simulated time), e.g. for a progress bar. */
  readonly onProgress?: (progress: ReplayProgress) => void;
}

/** What a replay did. */
export interface ReplaySummary {
  readonly ticks: number;
  /** Malformed lines skipped. */
  readonly skipped: number;
  /** Alerts per rule, e.g. `{ pct_24h: 2, pct_short: 5 }`. */
  readonly alerts: Readonly<Record<string, number>>;
  /** First and last tick time (ms), when there were ticks. */
  readonly firstTs: number | undefined;
  readonly lastTs: number | undefined;
  /** With `send`: what each channel did. */
  readonly sent?: readonly SendNowResult[];
}

/**
 * The service's streams and its runner. Subscribing connects; all streams and
 * `run()` of one supervisor share one set of connections (the first subscriber
 * connects, the last one leaving closes them).
 */
export interface Supervisor {
  /** All enabled exchanges' ticks, merged. */
  readonly ticks$: Observable<Tick>;
  /** The latest tick per (exchange, symbol), updated in place on every tick. */
  readonly state$: Observable<PriceState>;
  /** Deduplicated price alerts and feed-down/recovered alerts. */
  readonly alerts$: Observable<Alert>;
  /** Every feed's status on every change (`connecting`, `live`, `stale`, `backoff`, `stopped`); runs the feeds. */
  readonly feedStatus$: Observable<FeedStatus>;
  /** Wires sources to delivery as `npm start` does: log, journal, channels, HTTP, heartbeat. */
  run(): SupervisorHandle;
  /**
   * Runs the same pipeline (rules, dedupe, log, journal; channels only with `send`)
   * over a recorded tick file in virtual time: a day of ticks takes seconds.
   * Resolves when the file is done and, with `send`, every channel was tried.
   * A replay's alerts are journaled marked `test: true`: a later start neither
   * delivers them nor restores dedupe state from them.
   */
  replay(source: string | Iterable<Tick>, options?: ReplayRunOptions): Promise<ReplaySummary>;
  /**
   * `--test-alert`: journals one clearly marked test alert (`test: true`, never
   * a dedupe input) and sends it through every configured channel now.
   * Resolves with one result per channel.
   */
  testAlert(): Promise<SendNowResult[]>;
}
