import {
  BehaviorSubject, EMPTY, type Observable, type ObservableInput, type SchedulerLike, Subject, catchError, defer,
  filter, finalize, ignoreElements, interval, merge, mergeMap, retry, switchMap, takeUntil, tap, throwError, timer,
} from 'rxjs';
import type { ExchangeConfig } from '../domain/config-types.js';
import type { FrameRejection } from '../domain/feed-status.js';
import type { Tick } from '../domain/tick.js';
import type { Logger } from '../log.js';
import { backoffDelay } from './backoff.js';
import type { ConnectGate } from './connect-gate.js';
import type { Connector, ConnectorLimits, FeedControl, NativeSymbols } from './connector.js';
import type { FeedTracker } from './feed-tracker.js';
import { rejectFrame } from './frame-rejection.js';
import { FrameTooLargeError, type SocketControl, type SocketEvent } from './socket-frames.js';
import { StaleFeedError, watchdog } from './watchdog.js';
import { errorMessage } from '../domain/error-message.js';

/** A connection that has delivered data for this long has proven healthy: the backoff starts over. */
export const HEALTHY_AFTER_MS = 10_000;

/** Everything one connection of a feed needs; built once per subscription by `connectorTicks`. */
export interface ConnectionSetup {
  /** This connection's index among the feed's connections, and their count. */
  readonly index: number;
  readonly count: number;
  readonly connector: Connector;
  readonly baseUrl: string;
  /** The canonical symbols this connection carries. */
  readonly symbols: readonly string[];
  readonly natives: NativeSymbols;
  readonly cfg: ExchangeConfig;
  readonly limits: ConnectorLimits;
  readonly tracker: FeedTracker;
  readonly gate: ConnectGate;
  readonly reportRejection: (rejection: FrameRejection) => void;
  readonly openSocket: (url: string) => Observable<SocketEvent>;
  readonly logger: Logger;
  readonly scheduler: SchedulerLike;
  readonly random: () => number;
}

/**
 * The ticks of one logical connection that never gives up: it reconnects
 * with exponential backoff after every failure, restarts a silent socket,
 * and hands over to a fresh socket (opened before the old one closes) when
 * the exchange limits a connection's lifetime or announces a shutdown.
 *
 * 1. Emits the connector's ticks, `blindFrom` set on each symbol's first tick after an outage.
 * 2. Never completes and never errors (config errors are caught before).
 * 3. Unsubscribing closes its sockets and timers.
 */
export function connectionTicks(setup: ConnectionSetup): Observable<Tick> {
  const { index, connector, cfg, limits, tracker, logger, scheduler } = setup;
  const label = setup.count > 1 ? `connection ${index + 1}/${setup.count}: ` : '';
  const url = connector.connectionUrl?.(setup.baseUrl, setup.symbols) ?? setup.baseUrl;
  // The exchange may refuse symbols; they stay out of later subscriptions too.
  const active = [...setup.symbols];
  const pingMs = Math.min(limits.pingIntervalMs, Math.max(100, Math.floor(cfg.stale_after_ms / 3)));
  const backoff = { initialMs: cfg.reconnect_delay * 1000, maxMs: cfg.reconnect_max_delay * 1000 };
  let failures = 0;

  const subscribe = (socket: SocketControl) => {
    if (active.length > 0) for (const message of connector.subscribeMessages(active)) socket.send(message);
  };

  const onControl = (control: FeedControl, socket: SocketControl | undefined, handOver: () => void) => {
    if (control.kind === 'shutdown') {
      logger.info(`${label}${control.message}: opening a new connection before this one closes`);
      handOver();
    } else if (control.kind === 'error') {
      logger.error(`${label}${control.message}`);
    } else {
      const symbol = setup.natives.get(control.native) ?? control.native;
      logger.error(`${label}${symbol} refused by ${connector.id}: ${control.message}`);
      const at = active.indexOf(symbol);
      if (at < 0) return;
      active.splice(at, 1);
      tracker.forget(index, symbol);
      if (control.resubscribe && socket && active.length > 0) {
        logger.info(`${label}subscribing again without ${symbol}`);
        subscribe(socket);
      }
    }
  };

  /** One socket, from the connection attempt to its end. */
  const session = (generation: number, handOver: () => void, wentLive: () => void): Observable<Tick> =>
    defer(() => {
      if (generation === 0) tracker.setState(index, 'connecting');
      let socket: SocketControl | undefined;
      let firstFrameAt: number | undefined;

      /** Marks a frame's arrival; `true` for the connection's first frame. */
      const frameArrived = (): boolean => {
        const now = scheduler.now();
        if (firstFrameAt !== undefined) {
          if (now - firstFrameAt >= HEALTHY_AFTER_MS) failures = 0;
          return false;
        }
        firstFrameAt = now;
        tracker.setState(index, 'live');
        if (generation === 0) logger.info(`${label}live (${active.length} ${active.length === 1 ? 'stream' : 'streams'})`);
        else logger.info(`${label}new connection live: closing the old one`);
        return true;
      };

      const onEvent = (event: SocketEvent): ObservableInput<Tick> => {
        switch (event.type) {
          case 'open': {
            socket = event.socket;
            logger.debug(`${label}connected to ${url}`);
            subscribe(event.socket);
            if (!Number.isFinite(limits.connectionLifetimeMs)) return EMPTY;
            return timer(limits.connectionLifetimeMs, scheduler).pipe(
              tap(() => {
                logger.info(`${label}connection is ${limits.connectionLifetimeMs / 1000} s old: opening its successor`);
                handOver();
              }),
              ignoreElements(),
            );
          }
          case 'ping':
          case 'pong':
            return EMPTY; // liveness only: the watchdog has seen them
          case 'binary':
            if (frameArrived()) wentLive();
            setup.reportRejection(rejectFrame('binary', `<${event.bytes} bytes>`));
            return EMPTY;
          case 'text': {
            const first = frameArrived();
            const ticks = ticksOf(event.text);
            // Only now may a predecessor close: its overlap de-duplicates this first frame too.
            if (first) wentLive();
            return ticks;
          }
        }
      };

      const ticksOf = (frame: string): Tick[] => {
        const parsed = connector.parse(frame, scheduler.now(), setup.natives);
        switch (parsed.kind) {
          case 'ticks': {
            const ticks: Tick[] = [];
            for (const tick of parsed.ticks) {
              const accepted = tracker.accept(index, tick);
              if (accepted) ticks.push(accepted);
            }
            return ticks;
          }
          case 'rejected':
            setup.reportRejection(parsed.rejection);
            return [];
          case 'control':
            onControl(parsed.control, socket, handOver);
            return [];
          case 'heartbeat':
          case 'transport':
            return [];
        }
      };

      const keepalive$ = interval(pingMs, scheduler).pipe(
        tap(() => {
          const ping = connector.pingMessage?.();
          if (socket && ping !== undefined) socket.send(ping);
          else socket?.ping();
        }),
        ignoreElements(),
      );
      const frames$ = timer(setup.gate.reserve(), scheduler).pipe(
        switchMap(() => setup.openSocket(url).pipe(watchdog(cfg.stale_after_ms, scheduler))),
        mergeMap(onEvent),
      );
      return merge(frames$, keepalive$);
    });

  /**
   * The sockets of one connection, in generations: a handover subscribes
   * generation n + 1 while n still runs, and n ends once n + 1 delivers.
   */
  const generations = (): Observable<Tick> =>
    defer(() => {
      const starts = new BehaviorSubject(0);
      const liveGenerations = new Subject<number>();
      return starts.pipe(
        mergeMap((generation) => {
          let handingOver = false;
          const handOver = () => {
            if (handingOver) return;
            handingOver = true;
            tracker.overlap(index, 1);
            starts.next(generation + 1);
          };
          return session(generation, handOver, () => liveGenerations.next(generation)).pipe(
            takeUntil(liveGenerations.pipe(filter((live) => live > generation))),
            // Once its successor is on the way, an old socket's end is expected, not an outage.
            catchError((error: unknown) => (handingOver ? EMPTY : throwError(() => error))),
            finalize(() => {
              if (handingOver) tracker.overlap(index, -1);
            }),
          );
        }),
      );
    });

  return generations().pipe(
    retry({
      delay: (error: unknown) => {
        tracker.lost(index, active);
        const reason = errorMessage(error);
        if (error instanceof StaleFeedError) {
          logger.warn(`${label}${reason}: stale, reconnecting`);
          tracker.setState(index, 'stale', reason);
        } else if (error instanceof FrameTooLargeError) {
          setup.reportRejection(rejectFrame('too_large', `<over ${error.maxBytes} bytes>`));
        } else {
          logger.error(`${label}${reason}`);
        }
        const delay = backoffDelay(failures, backoff, setup.random);
        failures += 1;
        tracker.setState(index, 'backoff', reason);
        logger.info(`${label}reconnecting in ${Math.round(delay) / 1000} s (attempt ${failures})`);
        return timer(delay, scheduler).pipe(tap(() => tracker.reconnecting()));
      },
    }),
  );
}
