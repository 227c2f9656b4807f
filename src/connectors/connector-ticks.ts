import { asyncScheduler, defer, EMPTY, finalize, ignoreElements, merge, mergeAll, type Observable, Subject, takeUntil, tap, throwError } from 'rxjs';
import type { ExchangeConfig } from '../domain/config-types.js';
import type { FrameRejection } from '../domain/feed-status.js';
import type { Tick } from '../domain/tick.js';
import { silentLogger } from '../log.js';
import { processConnectGates } from './connect-gate.js';
import { connectionTicks, type SymbolChange } from './connection-ticks.js';
import type { Connector } from './connector.js';
import { FeedConfigError } from './feed-config-error.js';
import type { FeedOptions } from './feed-options.js';
import { FeedTracker } from './feed-tracker.js';
import { nativeSymbols } from './native-symbols.js';
import { createRejectionLog } from './rejection-log.js';
import { socketFrames } from './socket-frames.js';

function inGroups<T>(items: readonly T[], size: number): T[][] {
  const groups: T[][] = [];
  for (let start = 0; start < items.length; start += size) groups.push(items.slice(start, start + size));
  return groups;
}

/**
 * One exchange's ticks through the shared lifecycle: the connector says what
 * to send and how to read frames; this opens the sockets (split when the
 * exchange caps symbols per connection, attempts spaced by its connection-rate
 * limit), reconnects with backoff, restarts silent sockets, hands over before
 * a connection's end of life, discloses gaps, rate-limits bad-frame warnings,
 * and reports the feed's status.
 *
 * `options.symbols$` (a config reload) changes the symbols while the feed runs:
 * a removed symbol is unsubscribed on its open connection (which closes when it
 * carries none any more), an added one subscribed on an open connection with
 * room (a new connection beyond), without reconnecting the others.
 *
 * 1. Emits every tick of the configured symbols, in arrival order.
 * 2. Errors only with a {@link FeedConfigError} on subscription when a symbol cannot be mapped.
 * 3. Never completes; unsubscribing closes every socket and timer and reports `stopped`.
 *
 * @example
 * const events = new Subject<FeedEvent>();
 * connectorTicks(binance, { symbols: ['BTC/USDT'], reconnect_delay: 5, reconnect_max_delay: 60,
 *   stale_after_ms: 30_000, enabled: true, url: 'ws://127.0.0.1:8765' }, { events }).subscribe(console.log);
 * // Logs: { exchange: 'binance', symbol: 'BTC/USDT', price: 101234.5, ts: ..., receivedAt: ... }
 */
export function connectorTicks(connector: Connector, cfg: ExchangeConfig, options: FeedOptions = {}): Observable<Tick> {
  return defer(() => {
    const book = nativeSymbols(connector, cfg.symbols);
    if (book.problems.length > 0) return throwError(() => new FeedConfigError(connector.id, book.problems));
    const scheduler = options.scheduler ?? asyncScheduler;
    const logger = (options.logger ?? silentLogger).child(connector.id);
    const limits = { ...connector.limits, ...options.limits };
    const groups = inGroups(cfg.symbols, Math.max(1, limits.maxSymbolsPerConnection));
    const tracker = new FeedTracker(connector.id, groups.length, logger, scheduler, options.events);
    const rejectionLog = createRejectionLog(logger, scheduler);
    const reportRejection = (rejection: FrameRejection) => {
      options.events?.next?.({ type: 'rejected', exchange: connector.id, rejection });
      rejectionLog.report(rejection);
    };
    const createSocket = options.createSocket;
    const openSocket = options.openSocket
      ?? ((url: string) => socketFrames(url, { maxFrameBytes: limits.maxFrameBytes, ...(createSocket && { createSocket }) }));
    // Per exchange for the whole process: every consumer shares the exchange's connection-rate budget.
    const gate = (options.connectGates ?? processConnectGates).gate(connector.id, limits.minConnectIntervalMs, scheduler);
    // Grows when a reload adds symbols; a removed symbol keeps its entry, so its late frames are known (and dropped).
    const natives = new Map(book.natives);
    const maxPerConnection = Math.max(1, limits.maxSymbolsPerConnection);
    /** Each connection's symbols now, its changes and its end (all its symbols removed). */
    const lines: {
      readonly index: number; readonly symbols: Set<string>; readonly changes: Subject<SymbolChange>; readonly retired: Subject<void>; closed: boolean;
    }[] = [];
    const openLine = (symbols: readonly string[], index: number, count: number): Observable<Tick> => {
      const line = { index, symbols: new Set(symbols), changes: new Subject<SymbolChange>(), retired: new Subject<void>(), closed: false };
      lines.push(line);
      return connectionTicks({
        index, count, connector, baseUrl: cfg.url ?? connector.url, symbols, changes$: line.changes, natives, cfg,
        limits, tracker, gate, reportRejection, openSocket, logger, scheduler, random: options.random ?? Math.random,
      }).pipe(takeUntil(line.retired));
    };
    const connections = groups.map((symbols, index) => openLine(symbols, index, groups.length));
    const more = new Subject<Observable<Tick>>();

    /** A reload's symbol list: removed ones leave their connection, added ones fill connections with room, then new ones. */
    const reconcile = (wanted: readonly string[]) => {
      const want = new Set(wanted);
      const open = lines.filter((line) => !line.closed);
      const removed = new Map(open.map((line) => [line, [...line.symbols].filter((symbol) => !want.has(symbol))]));
      for (const [line, remove] of removed) for (const symbol of remove) line.symbols.delete(symbol);
      const carried = new Set(open.flatMap((line) => [...line.symbols]));
      const add: string[] = [];
      for (const symbol of wanted) {
        if (carried.has(symbol)) continue;
        const native = connector.nativeSymbol(symbol);
        // Reloads are checked like a start (`symbolIssues`); a library caller's bad symbol is refused here.
        if (typeof native !== 'string') logger.error(`${symbol}: ${native.message}; not subscribed`);
        else {
          natives.set(native, symbol);
          add.push(symbol);
        }
      }
      // Open connections take the added symbols first (one whose symbols were all replaced too), then new ones.
      for (const line of open) {
        const mine = add.splice(0, Math.max(0, maxPerConnection - line.symbols.size));
        for (const symbol of mine) line.symbols.add(symbol);
        const remove = removed.get(line) ?? [];
        if (line.symbols.size === 0) {
          logger.info(`${lines.length > 1 ? `connection ${line.index + 1}: ` : ''}closing: none of its symbols is configured any more`);
          line.closed = true;
          line.retired.next();
          tracker.retire(line.index);
        } else if (mine.length > 0 || remove.length > 0) line.changes.next({ add: mine, remove });
      }
      for (const symbols of inGroups(add, maxPerConnection)) {
        const index = tracker.addLine();
        more.next(openLine(symbols, index, index + 1));
      }
    };
    const reloads$ = options.symbols$ ? options.symbols$.pipe(tap(reconcile), ignoreElements()) : EMPTY;
    return merge(...connections, more.pipe(mergeAll()), reloads$).pipe(
      finalize(() => {
        rejectionLog.close();
        tracker.stop();
        logger.info('stopped');
      }),
    );
  });
}
