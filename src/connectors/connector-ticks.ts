import { asyncScheduler, defer, finalize, merge, type Observable, throwError } from 'rxjs';
import type { ExchangeConfig } from '../domain/config-types.js';
import type { FrameRejection } from '../domain/feed-status.js';
import type { Tick } from '../domain/tick.js';
import { silentLogger } from '../log.js';
import { processConnectGates } from './connect-gate.js';
import { connectionTicks } from './connection-ticks.js';
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
    const connections = groups.map((symbols, index) => connectionTicks({
      index, count: groups.length, connector, baseUrl: cfg.url ?? connector.url, symbols, natives: book.natives, cfg,
      limits, tracker, gate, reportRejection, openSocket, logger, scheduler, random: options.random ?? Math.random,
    }));
    return merge(...connections).pipe(
      finalize(() => {
        rejectionLog.close();
        tracker.stop();
        logger.info('stopped');
      }),
    );
  });
}
