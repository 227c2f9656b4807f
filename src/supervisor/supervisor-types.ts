import type { Observable, SchedulerLike } from 'rxjs';
import type { FeedOptions } from '../connectors/feed-options.js';
import type { Alert } from '../domain/alert.js';
import type { FeedStatus } from '../domain/feed-status.js';
import type { Tick } from '../domain/tick.js';
import type { Logger } from '../log.js';
import type { PriceState } from '../operators/price-state.js';
import type { HeartbeatOptions } from '../ops/heartbeat-pings.js';
import type { ReplayProgress } from '../replay/replay-progress.js';
import type { EmailSinkOptions } from '../delivery/channels/email-sink.js';

/** What {@link createSupervisor} needs from the outside world; everything has a default. */
export interface SupervisorOptions {
  /** Where the service logs. Default: nothing is logged (library use). */
  readonly logger?: Logger;
  /** Timers of the feeds, feed-down alerts and email. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Wall clock for latency and the status page. Default `Date.now`. */
  readonly now?: () => number;
  /** Socket-level overrides for the feeds (tests: `createSocket`, `random`, `limits`). */
  readonly feed?: Pick<FeedOptions, 'createSocket' | 'random' | 'limits' | 'openSocket'>;
  /** `false` sends no email even when `alerts.email` is configured; an object overrides sink options. */
  readonly email?: false | Partial<Omit<EmailSinkOptions, 'stateDir'>>;
  /** Append every tick to this tick file (`--record`). */
  readonly record?: string;
  /** `host:port` for the HTTP surface; overrides `http.listen` (`--http`). */
  readonly http?: string;
  /** HTTP client of the heartbeat pings (tests). */
  readonly heartbeatGet?: HeartbeatOptions['get'];
}

/** A running service. */
export interface SupervisorHandle {
  /** Resolves once everything is listening (the HTTP surface); rejects when it cannot start. */
  readonly ready: Promise<void>;
  /** The HTTP surface's base URL, once `ready` resolved, when one is configured. */
  readonly httpUrl: () => string | undefined;
  /**
   * Stops the feeds, lets the journal and the email sink flush (at most about
   * 4 s), closes the HTTP surface. Resolves when everything is closed.
   */
  stop(): Promise<void>;
}

/** Options of {@link Supervisor.replay}. */
export interface ReplayRunOptions {
  /** Also send email (through the configured SMTP server, in real time). Default false. */
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
  /** Wires sources to sinks as `npm start` does: log, journal, email, HTTP, heartbeat. */
  run(): SupervisorHandle;
  /**
   * Runs the same pipeline (rules, dedupe, log, journal; email only with `send`)
   * over a recorded tick file in virtual time: a day of ticks takes seconds.
   * Resolves when the file is done and, with `send`, the emails are delivered or
   * left in the outbox.
   */
  replay(source: string | Iterable<Tick>, options?: ReplayRunOptions): Promise<ReplaySummary>;
}
