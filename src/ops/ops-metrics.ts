import type { Counter, Gauge, Registry } from 'prom-client';
import { promClient } from './prom-client.js';
import type { Alert } from '../domain/alert.js';
import type { ReloadOutcome } from '../domain/reload-result.js';
import { alertExchanges } from '../domain/alert-text.js';
import type { FeedEvent, FeedState } from '../domain/feed-status.js';
import type { HeartbeatResult } from './heartbeat-pings.js';
import type { ChannelEvent, SilenceView, SymbolView } from './ops-sources.js';

// A record, so a state added to FeedState cannot be forgotten here.
const FEED_STATE_SET: Readonly<Record<FeedState, true>> = { connecting: true, live: true, stale: true, degraded: true, backoff: true, stopped: true };
const FEED_STATES = Object.keys(FEED_STATE_SET) as FeedState[];

/** Prefix of every metric of ours (process metrics keep prom-client's standard names). */
export const METRIC_PREFIX = 'crypto_supervisor_';

/** Records the service's events as Prometheus metrics. */
export interface OpsMetrics {
  tick(view: SymbolView, receivedAt: number): void;
  feedEvent(event: FeedEvent): void;
  alert(alert: Alert): void;
  silence(silence: SilenceView): void;
  delivery(event: ChannelEvent): void;
  latency(ms: number): void;
  heartbeat(result: HeartbeatResult): void;
  statusPageClients(count: number): void;
  /** A config reload's outcome (or the start's, as a successful load). */
  reload(outcome: ReloadOutcome): void;
}

/**
 * Registers the service's metrics (and prom-client's process metrics) on
 * `registry`. Per-exchange counter children are cached, so a tick costs one
 * map look-up and two increments.
 *
 * Metrics (all prefixed `crypto_supervisor_`): `ticks_total{exchange}`,
 * `frames_rejected_total{exchange,reason}`, `feed_gaps_total{exchange}`,
 * `feed_reconnects_total{exchange}`, `feed_up{exchange}`,
 * `feed_state{exchange,state}`, `last_tick_timestamp_seconds{exchange}`,
 * `alerts_total{exchange,rule,direction}` (silenced ones included; a divergence counts under `exchange="binance,coinbase"`),
 * `alerts_silenced_total{exchange,rule}` (journaled, not delivered), `symbols_silent{exchange}`,
 * `deliveries_total{channel,result}` (batches; result `delivered` or
 * `quarantined`), `delivery_backlog{channel}`, `delivery_retries_total{channel}`,
 * and for the `email` channel, as before: `emails_sent_total`,
 * `email_retries_total`, `emails_failed_total`,
 * `tick_to_alert_latency_seconds` (histogram), `heartbeats_total{result}`,
 * `status_page_clients`, `config_last_reload_successful`,
 * `config_last_reload_success_timestamp_seconds`.
 *
 * @example
 * const registry = new Registry();
 * createOpsMetrics(registry).tick({ exchange: 'binance', symbol: 'BTC/USDT', price: 1, ts: 0 }, Date.now());
 * // (await registry.metrics()) includes 'crypto_supervisor_ticks_total{exchange="binance"} 1'
 */
export function createOpsMetrics(registry: Registry): OpsMetrics {
  const registers = [registry];
  const name = (suffix: string) => `${METRIC_PREFIX}${suffix}`;
  const { Counter, Gauge, Histogram, collectDefaultMetrics } = promClient();
  collectDefaultMetrics({ register: registry });

  const ticks = new Counter({ name: name('ticks_total'), help: 'Ticks received, per exchange.', labelNames: ['exchange'], registers });
  const rejected = new Counter({
    name: name('frames_rejected_total'), help: 'Malformed frames dropped, per exchange and reason.', labelNames: ['exchange', 'reason'], registers,
  });
  const gaps = new Counter({ name: name('feed_gaps_total'), help: 'Blind intervals disclosed after reconnects.', labelNames: ['exchange'], registers });
  const reconnects = new Counter({ name: name('feed_reconnects_total'), help: 'Feed reconnects, per exchange.', labelNames: ['exchange'], registers });
  const up = new Gauge({ name: name('feed_up'), help: '1 while the feed is live, else 0.', labelNames: ['exchange'], registers });
  const state = new Gauge({ name: name('feed_state'), help: '1 for the feed\'s current state, 0 for the others.', labelNames: ['exchange', 'state'], registers });
  const lastTick = new Gauge({
    name: name('last_tick_timestamp_seconds'), help: 'Local time of the last tick, per exchange (unix seconds).', labelNames: ['exchange'], registers,
  });
  const alerts = new Counter({
    name: name('alerts_total'), help: 'Alerts raised, per exchange (both, comma-separated, for a divergence), rule and direction (empty for feed and divergence alerts).',
    labelNames: ['exchange', 'rule', 'direction'], registers,
  });
  const silenced = new Counter({
    name: name('alerts_silenced_total'), help: 'Alerts a silence held back (journaled, never delivered), per exchange and rule.',
    labelNames: ['exchange', 'rule'], registers,
  });
  const silent = new Gauge({ name: name('symbols_silent'), help: 'Symbols without ticks on a live feed.', labelNames: ['exchange'], registers });
  const deliveries = new Counter({
    name: name('deliveries_total'), help: 'Batches a channel finished with, per channel and result (delivered, quarantined).',
    labelNames: ['channel', 'result'], registers,
  });
  const backlog = new Gauge({ name: name('delivery_backlog'), help: 'Journaled alerts a channel has not delivered yet.', labelNames: ['channel'], registers });
  const retries = new Counter({ name: name('delivery_retries_total'), help: 'Failed delivery attempts that will be retried, per channel.', labelNames: ['channel'], registers });
  // The email metrics of earlier versions, fed by the email channel.
  const emails = {
    delivered: new Counter({ name: name('emails_sent_total'), help: 'Emails the SMTP server accepted.', registers }),
    retry: new Counter({ name: name('email_retries_total'), help: 'Failed email attempts that will be retried.', registers }),
    quarantined: new Counter({ name: name('emails_failed_total'), help: 'Emails given up on (quarantined).', registers }),
  };
  const latency = new Histogram({
    name: name('tick_to_alert_latency_seconds'), help: 'Time from a tick\'s arrival to the alert it raised.',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1], registers,
  });
  const heartbeats = new Counter({ name: name('heartbeats_total'), help: 'Heartbeat pings, per result.', labelNames: ['result'], registers });
  const clients = new Gauge({ name: name('status_page_clients'), help: 'Browsers connected to /events.', registers });
  // As Prometheus names its own: a failed reload leaves the old config running, which only these tell.
  const reloadOk = new Gauge({ name: name('config_last_reload_successful'), help: 'Whether the last config reload succeeded (1) or failed (0); 1 at start.', registers });
  const reloadAt = new Gauge({
    name: name('config_last_reload_success_timestamp_seconds'), help: 'When the config was last loaded successfully (start or reload), unix seconds.', registers,
  });

  const tickCounters = new Map<string, { ticks: Counter.Internal; lastTick: Gauge.Internal<'exchange'> }>();
  const lastReconnects = new Map<string, number>();
  const silentSymbols = new Map<string, Set<string>>();

  return {
    reload(outcome) {
      reloadOk.set(outcome.ok ? 1 : 0);
      if (outcome.ok) reloadAt.set(outcome.at / 1000);
    },
    tick(view, receivedAt) {
      let children = tickCounters.get(view.exchange);
      if (children === undefined) {
        children = { ticks: ticks.labels(view.exchange), lastTick: lastTick.labels(view.exchange) };
        tickCounters.set(view.exchange, children);
      }
      children.ticks.inc();
      children.lastTick.set(receivedAt / 1000);
    },
    feedEvent(event) {
      if (event.type === 'rejected') {
        rejected.inc({ exchange: event.exchange, reason: event.rejection.reason });
      } else if (event.type === 'gap') {
        gaps.inc({ exchange: event.gap.exchange });
      } else {
        const { exchange, state: current, reconnects: count } = event.status;
        // FeedStatus carries the running count; the counter takes the increase (0 shows the series early).
        const previous = lastReconnects.get(exchange) ?? 0;
        reconnects.inc({ exchange }, Math.max(0, count - previous));
        lastReconnects.set(exchange, Math.max(count, previous));
        up.set({ exchange }, current === 'live' ? 1 : 0);
        for (const each of FEED_STATES) state.set({ exchange, state: each }, each === current ? 1 : 0);
      }
    },
    alert(alert) {
      const exchange = alertExchanges(alert);
      alerts.inc({ exchange, rule: alert.rule, direction: alert.kind === 'price' ? alert.direction : '' });
      if (alert.silencedBy !== undefined) silenced.inc({ exchange, rule: alert.rule });
    },
    silence(silence) {
      let symbols = silentSymbols.get(silence.exchange);
      if (symbols === undefined) {
        symbols = new Set();
        silentSymbols.set(silence.exchange, symbols);
      }
      if (silence.type === 'silent') symbols.add(silence.symbol);
      else symbols.delete(silence.symbol);
      silent.set({ exchange: silence.exchange }, symbols.size);
    },
    delivery(event) {
      backlog.set({ channel: event.channel }, event.backlog);
      if (event.type === 'started') {
        // Shows every channel's series from the start, at 0.
        for (const result of ['delivered', 'quarantined']) deliveries.inc({ channel: event.channel, result }, 0);
        retries.inc({ channel: event.channel }, 0);
      } else if (event.type === 'delivered' || event.type === 'quarantined') deliveries.inc({ channel: event.channel, result: event.type });
      else if (event.type === 'retry') retries.inc({ channel: event.channel });
      if (event.channel === 'email' && (event.type === 'delivered' || event.type === 'retry' || event.type === 'quarantined')) emails[event.type].inc();
    },
    latency: (ms) => latency.observe(ms / 1000),
    heartbeat: (result) => heartbeats.inc({ result: result.ok ? 'ok' : 'failed' }),
    statusPageClients: (count) => clients.set(count),
  };
}
