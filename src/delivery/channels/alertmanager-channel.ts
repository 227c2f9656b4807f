import {
  type Observable,
  type SchedulerLike,
  EMPTY,
  asyncScheduler,
  catchError,
  concatMap,
  connect,
  defer,
  endWith,
  exhaustMap,
  finalize,
  forkJoin,
  from,
  ignoreElements,
  map,
  merge,
  of,
  takeUntil,
  tap,
  throwError,
  timer,
} from 'rxjs';
import type { AlertmanagerConfig } from '../../domain/config-types.js';
import { type Logger, silentLogger } from '../../log.js';
import type { Channel, DeliveryBatch, JournaledEntry } from '../channel.js';
import {
  type AlertmanagerAlert,
  divergenceGroupLabels,
  divergenceLabels,
  feedDownLabels,
  firingAlert,
  labelsKey,
  priceMoveLabels,
  resolvedAlert,
} from './alertmanager-alert.js';
import { AlertmanagerPeersError, classifyAlertmanagerFailure, type PeerFailure } from './alertmanager-peers-error.js';
import { postAccepted } from './post-accepted.js';
import { secretsOf } from './redact-secrets.js';
import { safeHost } from './safe-origin.js';

/** Options of {@link alertmanagerChannel}. */
export interface AlertmanagerChannelOptions {
  /** Each request must be answered within this, ms. Default 10000. */
  readonly timeoutMs?: number;
  /** Clock for `endsAt` of firing alerts and `Retry-After` dates. Default `Date.now`. */
  readonly now?: () => number;
  /** Runs the re-send timer. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** A peer that fails while another accepts, and failed re-sends, are WARNs here. Default: nothing is logged. */
  readonly logger?: Logger;
}

/**
 * A firing alert is valid for this many re-send periods: Alertmanager resolves
 * it by itself when the supervisor stops re-sending (it died), as Prometheus
 * sets `endsAt` to 4 x its resend delay.
 */
export const VALIDITY_PERIODS = 4;

/** What a move or feed is, whatever its level: the labels that a re-arm or a recovery resolves. */
function matchesMove(labels: Readonly<Record<string, string>>, move: Readonly<Record<string, string>>): boolean {
  return Object.entries(move).every(([name, value]) => name === 'level' || labels[name] === value);
}

/**
 * `alerts.alertmanager` as a {@link Channel} (id `alertmanager`): alerts become
 * Alertmanager alerts that fire while the move holds and resolve when it
 * re-arms, so Alertmanager's grouping, silences, inhibition, routing and
 * receivers apply, and two supervisors posting to one Alertmanager cluster give
 * one notification per move.
 *
 * 1. `send` POSTs the batch as one JSON list to `<url>/api/v2/alerts` of every
 *    peer in `urls`, at once. The batch is delivered when **at least one peer**
 *    accepted it (Alertmanager peers share alerts by gossip); a peer that failed
 *    while another accepted is one WARN (and one INFO when it accepts again).
 *    When every peer failed, it is temporary unless every peer refused it for
 *    good (see `classifyAlertmanagerFailure`).
 * 2. A price alert fires as `CryptoPriceMove` with labels `exchange`, `symbol`,
 *    `rule`, `direction`, `level` (an escalation is a second alert, at its own
 *    level), `startsAt` = the alert's `ts`, `endsAt` = now + 4 x
 *    `resend_every_ms`. A `MoveRearmed` for the same (exchange, symbol, rule,
 *    direction) resolves every level of that move that is firing (all levels up
 *    to its own when none is known, after a restart): the same labels, `endsAt`
 *    = the re-arm's `ts`.
 * 3. `feed_down` fires as `CryptoFeedDown{exchange}` until its `feed_recovered`
 *    resolves it (`endsAt` = the recovery's `ts`). A divergence fires as
 *    `CryptoPriceDivergence` with labels `group`, `rule`, `exchange_high`,
 *    `symbol_high`, `exchange_low`, `symbol_low` while its episode holds; the
 *    episode's re-arm (converged or stale) resolves it.
 * 4. `background` re-sends every firing alert every `resend_every_ms` with a
 *    fresh `endsAt`, as Prometheus does, so Alertmanager keeps it firing and
 *    the alert resolves by itself within 4 periods if this process dies. A
 *    re-send never overtakes a resolution (it waits for it, and skips what is
 *    being resolved).
 * 5. `accepts` takes alerts and re-arms. A `--test-alert` carries
 *    `test="true"` and `[TEST]` in its annotations, is never re-sent, and
 *    expires by itself.
 * 6. Labels carry no receive time, host or replica: `external_labels` (for
 *    example `{ env: prod }`) are added to every alert; ours win on a clash.
 *    Replicas of a pair must send the same external labels: a label that
 *    differs per replica makes their posts two alerts to Alertmanager.
 *
 * 7. `restore` (called at start with the journal entries still in force) seeds
 *    the firing set: a price move that has not re-armed, and a `feed_down`
 *    without a later `feed_recovered`, fire again with their original
 *    `startsAt`, re-sent at once and then every `resend_every_ms`, so a
 *    restart does not let Alertmanager expire a move that still holds.
 *
 * @example
 * const channel = alertmanagerChannel({ urls: ['http://127.0.0.1:9093'], resend_every_ms: 60_000, external_labels: {} });
 * channel.send({ id: 'alertmanager-120', entries: [{ offset: 120, entry: btcAlert }] }).subscribe({ complete: () => console.log('fired') });
 * // Logs: fired
 * @see https://prometheus.io/docs/alerting/latest/clients/
 */
export function alertmanagerChannel(config: AlertmanagerConfig, options: AlertmanagerChannelOptions = {}): Channel {
  const now = options.now ?? Date.now;
  const scheduler = options.scheduler ?? asyncScheduler;
  const logger = options.logger ?? silentLogger;
  const external = config.external_labels ?? {};
  const validityMs = VALIDITY_PERIODS * config.resend_every_ms;
  const peers = config.urls.map((url) => ({
    url: `${url.replace(/\/+$/, '')}/api/v2/alerts`,
    host: safeHost(url),
    secrets: secretsOf(url),
  }));
  /** Firing alerts by label set, as last sent. */
  const firing = new Map<string, AlertmanagerAlert>();
  /** Label sets a batch being sent resolves: re-sends skip them. */
  const resolving = new Set<string>();
  const failingPeers = new Set<string>();
  /** Settles when the re-send in flight (if any) is done: a resolution waits for it. */
  let resendDone: Promise<void> = Promise.resolve();
  /** A re-send failed and none succeeded since: further failures are not logged again. */
  let resendFailing = false;
  /** `restore` seeded firing alerts: the first re-send goes out at start, not a period later. */
  let restored = false;

  const findFiring = (pending: Map<string, AlertmanagerAlert>, move: Record<string, string>) =>
    [...pending.values(), ...firing.values()].filter((alert) => matchesMove(alert.labels, move));

  /** The batch as Alertmanager alerts, one per label set (the last state wins within the batch). */
  function alertsOf(entries: readonly JournaledEntry[]): { pending: Map<string, AlertmanagerAlert>; resolves: Set<string> } {
    const pending = new Map<string, AlertmanagerAlert>();
    const resolves = new Set<string>();
    const put = (alert: AlertmanagerAlert, resolved = false) => {
      const key = labelsKey(alert.labels);
      pending.set(key, alert);
      if (resolved) resolves.add(key);
      else resolves.delete(key);
    };
    for (const { entry, test = false } of entries) {
      if (entry.kind === 'price' || entry.kind === 'divergence' || (entry.kind === 'feed' && entry.rule === 'feed_down')) {
        put(firingAlert(entry as Parameters<typeof firingAlert>[0], external, now() + validityMs, test));
      } else if (entry.kind === 'rearm' && entry.rule === 'divergence') {
        const known = findFiring(pending, divergenceGroupLabels(entry.group, external, test));
        const episodes: AlertmanagerAlert[] =
          known.length > 0
            ? known
            : [{
                labels: divergenceLabels(entry, external, test),
                annotations: {
                  summary: `${entry.group} divergence ended`,
                  description: `The divergence of ${entry.group} ended (${entry.reason === 'stale' ? 'fewer than two fresh prices to compare' : 'the spread fell below its re-arm line'}).`,
                },
                startsAt: new Date(entry.ts).toISOString(),
                endsAt: new Date(entry.ts).toISOString(),
              }];
        for (const alert of episodes) put(resolvedAlert(alert, entry.ts), true);
      } else if (entry.kind === 'feed') {
        const labels = feedDownLabels(entry.exchange, external, test);
        const known = pending.get(labelsKey(labels)) ?? firing.get(labelsKey(labels));
        const base = known ?? {
          labels,
          annotations: { summary: `${entry.exchange} feed down`, description: `${entry.exchange} feed recovered.` },
          startsAt: new Date(entry.ts).toISOString(),
          endsAt: new Date(entry.ts).toISOString(),
        };
        put(resolvedAlert(base, entry.ts), true);
      } else {
        const move = priceMoveLabels(entry, entry.level, external, test);
        const known = findFiring(pending, move);
        const levels: AlertmanagerAlert[] =
          known.length > 0
            ? known
            : Array.from({ length: entry.level }, (_, i) => ({
                labels: priceMoveLabels(entry, i + 1, external, test),
                annotations: {
                  summary: `${entry.symbol} ${entry.rule} ${entry.direction} move on ${entry.exchange} re-armed`,
                  description: `The ${entry.direction} move of ${entry.symbol} on ${entry.exchange} (rule ${entry.rule}) fell back below its re-arm line.`,
                },
                startsAt: new Date(entry.ts).toISOString(),
                endsAt: new Date(entry.ts).toISOString(),
              }));
        for (const alert of levels) put(resolvedAlert(alert, entry.ts), true);
      }
    }
    return { pending, resolves };
  }

  /** POSTs to every peer at once; completes when one accepted, errors when none did. */
  function postToPeers(alerts: readonly AlertmanagerAlert[], idempotencyKey: string): Observable<never> {
    const body = JSON.stringify(alerts);
    return forkJoin(
      peers.map((peer) =>
        postAccepted(
          { url: peer.url, headers: { 'content-type': 'application/json' }, body, idempotencyKey },
          { timeoutMs: options.timeoutMs, now, secrets: peer.secrets },
        ).pipe(
          endWith(undefined),
          map((): PeerFailure | undefined => undefined),
          catchError((error: unknown) => of<PeerFailure>({ host: peer.host, error })),
        ),
      ),
    ).pipe(
      concatMap((outcomes) => {
        const failures = outcomes.filter((o): o is PeerFailure => o !== undefined);
        if (failures.length === peers.length) return throwError(() => new AlertmanagerPeersError(failures));
        for (const peer of peers) {
          const failure = failures.find((f) => f.host === peer.host);
          if (failure && !failingPeers.has(peer.host)) {
            failingPeers.add(peer.host);
            const reason = classifyAlertmanagerFailure(failure.error).reason;
            logger.warn(`alertmanager peer ${peer.host} did not take the alerts (${reason}); another peer did`);
          } else if (!failure && failingPeers.delete(peer.host)) {
            logger.info(`alertmanager peer ${peer.host} takes alerts again`);
          }
        }
        return EMPTY;
      }),
    );
  }

  /** Keeps the firing set in step with what was delivered, in journal order. */
  function remember(batch: DeliveryBatch): void {
    for (const { entry, test } of batch.entries) {
      if (test) continue;
      if (entry.kind === 'price' || entry.kind === 'divergence' || (entry.kind === 'feed' && entry.rule === 'feed_down')) {
        const alert = firingAlert(entry as Parameters<typeof firingAlert>[0], external, now() + validityMs);
        firing.set(labelsKey(alert.labels), alert);
        continue;
      }
      const move =
        entry.kind === 'feed'
          ? feedDownLabels(entry.exchange, external)
          : entry.rule === 'divergence'
            ? divergenceGroupLabels(entry.group, external)
            : priceMoveLabels(entry, entry.level, external);
      for (const [key, alert] of firing) {
        if (!matchesMove(alert.labels, move)) continue;
        firing.delete(key);
        resolving.delete(key);
      }
    }
  }

  function resendFiring(): Observable<never> {
    const due = [...firing].filter(([key]) => !resolving.has(key)).map(([, alert]) => alert);
    if (due.length === 0) return EMPTY;
    const validUntil = new Date(now() + validityMs).toISOString();
    let release!: () => void;
    resendDone = new Promise((resolve) => (release = resolve));
    return postToPeers(
      due.map((alert) => ({ ...alert, endsAt: validUntil })),
      `alertmanager-resend-${now()}`,
    ).pipe(
      tap({
        complete: () => {
          if (resendFailing) logger.info('alertmanager takes re-sent alerts again');
          resendFailing = false;
        },
      }),
      catchError((error: unknown) => {
        if (!resendFailing) logger.warn(`re-sending ${due.length} firing alert(s) failed: ${classifyAlertmanagerFailure(error).reason}`);
        resendFailing = true;
        return EMPTY;
      }),
      finalize(() => release()),
    );
  }

  return {
    id: 'alertmanager',
    label: `alertmanager (${peers.map((peer) => peer.host).join(', ')})`,
    groupWaitMs: 0,
    accepts: () => true,
    send: (batch) =>
      defer(() => {
        const { pending, resolves } = alertsOf(batch.entries);
        for (const key of resolves) resolving.add(key);
        return from(resendDone).pipe(concatMap(() => postToPeers([...pending.values()], batch.id)));
      }),
    classify: classifyAlertmanagerFailure,
    restore: (entries) => {
      remember({ id: 'alertmanager-restore', entries: entries.map((entry) => ({ offset: 0, entry })) });
      restored = firing.size > 0;
      if (restored) logger.info(`${firing.size} alert${firing.size === 1 ? '' : 's'} that fired before the restart fire${firing.size === 1 ? 's' : ''} again (re-sent now)`);
    },
    background: (delivered$) =>
      delivered$.pipe(
        connect((shared$) =>
          merge(
            shared$.pipe(tap(remember), ignoreElements()),
            timer(restored ? 0 : config.resend_every_ms, config.resend_every_ms, scheduler).pipe(
              exhaustMap(() => resendFiring()),
              takeUntil(shared$.pipe(ignoreElements(), endWith(true))),
            ),
          ),
        ),
      ),
  };
}
