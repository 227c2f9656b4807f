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
import { type Connector, type ConnectorLimits, type FeedControl, MAX_QUIET_FACTOR, type NativeSymbols } from './connector.js';
import { dataDeadline } from './data-deadline.js';
import { AllFramesRejectedError, NoDataError } from './data-path-errors.js';
import type { FeedTracker } from './feed-tracker.js';
import { rejectFrame } from './frame-rejection.js';
import { FrameTooLargeError, type SocketControl, type SocketEvent } from './socket-frames.js';
import { StaleFeedError, watchdog } from './watchdog.js';
import { errorMessage } from '../domain/error-message.js';

/** A connection that has delivered data for this long has proven healthy: the backoff starts over. */
export const HEALTHY_AFTER_MS = 10_000;

/**
 * Longest wait for any frame or pong on an open connection, ms, before its
 * transport counts as dead (shorter when the liveness timeout is): a missing
 * pong drops a connection sooner than a silent data path on exchanges whose
 * liveness timeout is long (Binance).
 */
export const TRANSPORT_TIMEOUT_MS = 30_000;

/** Symbols a reload adds to or removes from one connection (canonical). */
export interface SymbolChange {
  readonly add: readonly string[];
  readonly remove: readonly string[];
}

/** Everything one connection of a feed needs; built once per subscription by `connectorTicks`. */
export interface ConnectionSetup {
  /** This connection's index among the feed's connections, and their count. */
  readonly index: number;
  readonly count: number;
  readonly connector: Connector;
  readonly baseUrl: string;
  /** The canonical symbols this connection carries at first. */
  readonly symbols: readonly string[];
  /**
   * Later changes of its symbols (a config reload): sent on the open socket
   * (`liveSubscribeMessages`, `unsubscribeMessages`), and a reconnect subscribes the current set.
   */
  readonly changes$?: Observable<SymbolChange>;
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
 * with exponential backoff after every failure, replaces a connection whose
 * data path is silent (no ticks and no heartbeat-channel message for the
 * liveness timeout, whatever the pongs say) or whose transport is dead (no
 * frame and no pong), and hands over to a fresh socket (opened before the old
 * one closes) when the exchange limits a connection's lifetime or announces a
 * shutdown. While reconnects bring no data either (a quiet market), the
 * liveness timeout doubles, up to {@link MAX_QUIET_FACTOR} times, instead of
 * restarting the connection in a loop. A connection whose frames are all
 * rejected for the liveness timeout is `degraded`.
 *
 * A change of its symbols (`changes$`) goes out on the open socket at once; a
 * removed symbol's frames are dropped from then on, and every later connection
 * subscribes the current set.
 *
 * 1. Emits the connector's ticks, `blindFrom` set on each symbol's first tick after an outage.
 * 2. Never completes and never errors (config errors are caught before).
 * 3. Unsubscribing closes its sockets and timers.
 */
export function connectionTicks(setup: ConnectionSetup): Observable<Tick> {
  const { index, connector, cfg, limits, tracker, logger, scheduler } = setup;
  const label = setup.count > 1 ? `connection ${index + 1}/${setup.count}: ` : '';
  // The exchange may refuse symbols; they stay out of later subscriptions too. A reload adds and removes some.
  const active = new Set(setup.symbols);
  // Binance puts the streams in the URL: each connection attempt names the current set.
  const urlNow = (): string => connector.connectionUrl?.(setup.baseUrl, [...active]) ?? setup.baseUrl;
  /** The sockets open right now (two during a handover): where a change of symbols is sent. */
  const openSockets = new Set<SocketControl>();
  const staleAfterMs = cfg.stale_after_ms ?? connector.liveness.staleAfterMs;
  const transportMs = Math.min(staleAfterMs, TRANSPORT_TIMEOUT_MS);
  const pingMs = Math.min(limits.pingIntervalMs, Math.max(100, Math.floor(transportMs / 3)));
  const withHeartbeat = connector.liveness.heartbeat !== undefined;
  const backoff = { initialMs: cfg.reconnect_delay * 1000, maxMs: cfg.reconnect_max_delay * 1000 };
  let failures = 0;
  /** Multiplies the liveness timeout while reconnects bring no data either; 1 once data flows. */
  let quietFactor = 1;

  const subscribe = (socket: SocketControl) => {
    if (active.size > 0) for (const message of connector.subscribeMessages([...active])) socket.send(message);
  };

  /** Sends what changed since a socket's URL was made (a reload while it connected). */
  const catchUp = (socket: SocketControl, inUrl: ReadonlySet<string>) => {
    const removed = [...inUrl].filter((symbol) => !active.has(symbol));
    const added = [...active].filter((symbol) => !inUrl.has(symbol));
    if (removed.length > 0) for (const message of connector.unsubscribeMessages?.(removed) ?? []) socket.send(message);
    if (added.length > 0) for (const message of (connector.liveSubscribeMessages ?? connector.subscribeMessages)(added)) socket.send(message);
  };

  /** Applies a reload's change: the set first (a reconnect meanwhile subscribes it), then the open sockets. */
  const change = ({ add, remove }: SymbolChange) => {
    const removed = remove.filter((symbol) => active.delete(symbol));
    for (const symbol of removed) tracker.forget(index, symbol);
    const added = add.filter((symbol) => !active.has(symbol));
    for (const symbol of added) active.add(symbol);
    for (const socket of openSockets) {
      if (removed.length > 0) for (const message of connector.unsubscribeMessages?.(removed) ?? []) socket.send(message);
      if (added.length > 0) for (const message of (connector.liveSubscribeMessages ?? connector.subscribeMessages)(added)) socket.send(message);
    }
    const where = openSockets.size > 0 ? 'on the open connection' : 'from the next connection';
    if (added.length > 0) logger.info(`${label}subscribing ${added.join(', ')} ${where}`);
    if (removed.length > 0) {
      const how = openSockets.size > 0 && connector.unsubscribeMessages ? 'unsubscribing' : 'dropping';
      logger.info(`${label}${how} ${removed.join(', ')} ${where}`);
    }
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
      if (!active.delete(symbol)) return;
      tracker.forget(index, symbol);
      if (control.resubscribe && socket && active.size > 0) {
        logger.info(`${label}subscribing again without ${symbol}`);
        subscribe(socket);
      }
    }
  };

  /** One socket, from the connection attempt to its end. */
  const session = (generation: number, handOver: () => void, wentLive: () => void): Observable<Tick> =>
    defer(() => {
      if (generation === 0) tracker.setState(index, 'connecting');
      // Longer while reconnects bring no data (a quiet market); back to stale_after_ms at the first data.
      let dataTimeoutMs = staleAfterMs * quietFactor;
      let socket: SocketControl | undefined;
      let url = setup.baseUrl;
      /** The symbols the URL named when this socket was created (Binance), to catch up with a change made while it connected. */
      let inUrl: ReadonlySet<string> | undefined;
      /** The data path: when market data or a heartbeat-channel message last arrived (or the socket opened). */
      let lastDataAt = scheduler.now();
      let firstDataAt: number | undefined;
      let rejectedSinceData = 0;
      let lastRejection: FrameRejection | undefined;

      /** Marks data on the data path; `true` for the connection's first. */
      const dataArrived = (): boolean => {
        const now = scheduler.now();
        lastDataAt = now;
        rejectedSinceData = 0;
        if (firstDataAt !== undefined) {
          if (now - firstDataAt >= HEALTHY_AFTER_MS) failures = 0;
          return false;
        }
        firstDataAt = now;
        quietFactor = 1;
        dataTimeoutMs = staleAfterMs;
        tracker.setState(index, 'live');
        if (generation === 0) logger.info(`${label}live (${active.size} ${active.size === 1 ? 'stream' : 'streams'})`);
        else logger.info(`${label}new connection live: closing the old one`);
        return true;
      };

      const rejected = (rejection: FrameRejection) => {
        rejectedSinceData += 1;
        lastRejection = rejection;
        setup.reportRejection(rejection);
      };

      /** Why the data path is declared dead at its deadline. */
      const silence = (): Error =>
        rejectedSinceData > 0 && lastRejection !== undefined
          ? new AllFramesRejectedError(dataTimeoutMs, rejectedSinceData, lastRejection)
          : new NoDataError(dataTimeoutMs, withHeartbeat, firstDataAt === undefined);

      const onEvent = (event: SocketEvent): ObservableInput<Tick> => {
        switch (event.type) {
          case 'open': {
            socket = event.socket;
            openSockets.add(event.socket);
            lastDataAt = scheduler.now();
            logger.debug(`${label}connected to ${url}`);
            subscribe(event.socket);
            if (inUrl) catchUp(event.socket, inUrl);
            const deadline$ = dataDeadline(() => lastDataAt + dataTimeoutMs, silence, scheduler);
            if (!Number.isFinite(limits.connectionLifetimeMs)) return deadline$;
            const lifetime$ = timer(limits.connectionLifetimeMs, scheduler).pipe(
              tap(() => {
                logger.info(`${label}connection is ${limits.connectionLifetimeMs / 1000} s old: opening its successor`);
                handOver();
              }),
              ignoreElements(),
            );
            return merge(deadline$, lifetime$);
          }
          case 'ping':
          case 'pong':
            return EMPTY; // the transport only: the watchdog has seen them
          case 'binary':
            rejected(rejectFrame('binary', `<${event.bytes} bytes>`));
            return EMPTY;
          case 'text':
            return ticksOf(event.text);
        }
      };

      const ticksOf = (frame: string): Tick[] => {
        const parsed = connector.parse(frame, scheduler.now(), setup.natives);
        switch (parsed.kind) {
          case 'ticks': {
            const first = dataArrived();
            const ticks: Tick[] = [];
            for (const tick of parsed.ticks) {
              // A symbol a reload removed may still tick until the exchange has processed the unsubscribe.
              if (!active.has(tick.symbol)) continue;
              const accepted = tracker.accept(index, tick);
              if (accepted) ticks.push(accepted);
            }
            // Only now may a predecessor close: its overlap de-duplicates this first frame too.
            if (first) wentLive();
            return ticks;
          }
          case 'heartbeat':
            if (dataArrived()) wentLive();
            return [];
          case 'rejected':
            rejected(parsed.rejection);
            return [];
          case 'control':
            onControl(parsed.control, socket, handOver);
            return [];
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
        switchMap(() => {
          url = urlNow();
          inUrl = connector.connectionUrl ? new Set(active) : undefined;
          return setup.openSocket(url).pipe(watchdog(transportMs, scheduler));
        }),
        mergeMap(onEvent),
      );
      return merge(frames$, keepalive$).pipe(
        finalize(() => {
          if (socket) openSockets.delete(socket);
        }),
      );
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

  const changes$ = setup.changes$ ? setup.changes$.pipe(tap(change), ignoreElements()) : EMPTY;
  const ticks$ = generations().pipe(
    retry({
      delay: (error: unknown) => {
        tracker.lost(index, [...active]);
        const reason = errorMessage(error);
        if (error instanceof StaleFeedError || error instanceof NoDataError) {
          logger.warn(`${label}${reason}: stale, reconnecting`);
          tracker.setState(index, 'stale', reason);
          if (error instanceof NoDataError && error.sinceOpen && quietFactor < MAX_QUIET_FACTOR) {
            quietFactor *= 2;
            logger.info(`${label}no data since the connection opened: the next one waits up to ${(staleAfterMs * quietFactor) / 1000} s for data (a quiet market?)`);
          }
        } else if (error instanceof AllFramesRejectedError) {
          logger.warn(`${label}${reason}: degraded, reconnecting`);
          tracker.setState(index, 'degraded', reason);
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
  return merge(changes$, ticks$);
}
