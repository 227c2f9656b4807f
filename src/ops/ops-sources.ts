import type { ReloadOutcome } from '../domain/reload-result.js';
import type { Observable } from 'rxjs';
import type { Alert } from '../domain/alert.js';
import type { FeedEvent } from '../domain/feed-status.js';
import type { HeartbeatResult } from './heartbeat-pings.js';

/** The latest state of one (exchange, symbol), one per tick. */
export interface SymbolView {
  readonly exchange: string;
  /** Canonical `BASE/QUOTE`. */
  readonly symbol: string;
  readonly price: number;
  /** Exchange event time of the tick (ms). */
  readonly ts: number;
  /** Local receive time of the tick (ms), when known: "time since last tick" prefers it. */
  readonly receivedAt?: number;
  /** Signed fraction over the 24 h window (0.0523 = +5.23 %), when known. */
  readonly change24h?: number;
  /** Signed fraction over the short window, when known. */
  readonly changeShort?: number;
  /** Fraction (0..1) of the 24 h window for which we had data. */
  readonly coverage24h?: number;
  /** Fraction (0..1) of the short window for which we had data. */
  readonly coverageShort?: number;
}

/**
 * What a channel's delivery path did (the shape of the delivery layer's
 * `DeliveryEvent`, restated because ops cannot import delivery):
 * `started` (with the backlog from an earlier run), `delivered`, `retry`
 * (`reason`, and `since` when the failing streak began), `quarantined` (refused
 * for good, `reason`), `left` (stopped with `backlog` not delivered yet).
 */
export interface ChannelEvent {
  readonly type: 'started' | 'delivered' | 'retry' | 'quarantined' | 'left';
  /** The channel's id: `email`, `webhook-1`, ... */
  readonly channel: string;
  /** Safe to show (no secret); on `started`. */
  readonly label?: string;
  /** Entries in the batch, for `delivered` and `quarantined`. */
  readonly entries?: number;
  /** Journaled entries the channel has not delivered yet, after this event. */
  readonly backlog: number;
  readonly reason?: string;
  readonly since?: number;
}

/**
 * A symbol silent on a live feed, or ticking again: the shape of `silentSymbols`'
 * output (`src/operators/symbol-silence.ts`), restated because ops cannot import operators.
 */
export interface SilenceView {
  readonly type: 'silent' | 'resumed';
  readonly exchange: string;
  readonly symbol: string;
  /** Since when the symbol has been silent (ms). */
  readonly silentSinceTs: number;
  /** When this was noticed (ms). */
  readonly ts: number;
}

/**
 * An email as a mail catcher received it (the demo's), for the status page's
 * "Caught mail" panel: shown only when {@link OpsSources.caughtMail$} is given.
 */
export interface MailView {
  /** When it was received (ms). */
  readonly ts: number;
  readonly to: readonly string[];
  readonly subject: string;
  /** The plain-text body. */
  readonly text: string;
}

/** An enabled feed as configured: its exchange and symbols. */
export interface OpsFeed {
  readonly exchange: string;
  readonly symbols: readonly string[];
}

/**
 * Everything the HTTP surface shows. The streams are hot and shared by the
 * supervisor: subscribing to them opens no socket.
 */
export interface OpsSources {
  /** The enabled feeds from the config, in config order. */
  readonly feeds: readonly OpsFeed[];
  /** Status changes, frame rejections and gaps of every feed. */
  readonly feedEvents$: Observable<FeedEvent>;
  /** One per tick (high rate): ticks are counted, the latest per symbol is kept. */
  readonly symbols$: Observable<SymbolView>;
  /** Price and feed alerts; the last 50 are shown. */
  readonly alerts$: Observable<Alert>;
  /** `silentSymbols` output. */
  readonly silences$?: Observable<SilenceView>;
  /** Every channel's delivery events. */
  readonly deliveries$?: Observable<ChannelEvent>;
  /** Tick received → alert emitted, ms, one per alert. */
  readonly latencyMs$?: Observable<number>;
  /** Emails a local mail catcher received (`--demo`): the page then has a "Caught mail" panel. */
  readonly caughtMail$?: Observable<MailView>;
  /** `heartbeatPings` output, when a heartbeat URL is configured. */
  readonly heartbeats$?: Observable<HeartbeatResult>;
  /** The enabled feeds after each config reload, the current ones first: readiness counts these, new symbols get rows. */
  readonly feeds$?: Observable<readonly OpsFeed[]>;
  /** Every config reload's outcome: `config_last_reload_successful`, `config_last_reload_success_timestamp_seconds`. */
  readonly reloads$?: Observable<ReloadOutcome>;
}
