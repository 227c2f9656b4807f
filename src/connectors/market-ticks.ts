import { distinctUntilChanged, EMPTY, map, merge, type Observable, switchMap } from 'rxjs';
import type { Config, ExchangeConfig } from '../domain/config-types.js';
import { EXCHANGE_IDS, type ExchangeId } from '../domain/exchange-id.js';
import type { Tick } from '../domain/tick.js';
import { exchangeTicks } from './exchange-ticks.js';
import type { FeedOptions } from './feed-options.js';

/**
 * The ticks of every enabled exchange in the config, merged. One `events`
 * observer in `options` receives every feed's events (each names its exchange).
 *
 * @example
 * marketTicks(config.exchanges, { logger, events }).subscribe(console.log);
 * // Logs: ticks of binance, coinbase and kraken as they arrive
 */
export function marketTicks(exchanges: Config['exchanges'], options?: FeedOptions): Observable<Tick> {
  const enabled = (Object.keys(exchanges) as ExchangeId[]).flatMap((id) => {
    const cfg = exchanges[id];
    return cfg?.enabled ? [exchangeTicks(id, cfg, options)] : [];
  });
  return merge(...enabled);
}

/**
 * True when two configs of one exchange need the same connections: only the
 * symbols and the rules (thresholds, levels) differ, which a running feed
 * takes without reconnecting.
 */
export function sameConnections(a: ExchangeConfig | undefined, b: ExchangeConfig | undefined): boolean {
  if (a === undefined || b === undefined || !a.enabled || !b.enabled) return (a?.enabled ?? false) === (b?.enabled ?? false);
  return a.url === b.url && a.reconnect_delay === b.reconnect_delay && a.reconnect_max_delay === b.reconnect_max_delay
    && a.stale_after_ms === b.stale_after_ms;
}

/**
 * {@link marketTicks} over a config that changes (a reload): every exchange's
 * feed follows its block of the latest `exchanges`.
 *
 * 1. A feed whose symbols alone changed keeps its connections: added symbols
 *    are subscribed and removed ones unsubscribed on them (`options.symbols$`
 *    of `connectorTicks`).
 * 2. An exchange enabled, disabled, or whose connection settings changed
 *    (`url`, `reconnect_delay`, `reconnect_max_delay`, `stale_after_ms`) has
 *    its feed closed and, when enabled, opened afresh; the other exchanges are untouched.
 * 3. Never completes (a feed runs until unsubscribed); errors with a feed's
 *    `FeedConfigError` (a symbol its exchange cannot carry).
 *
 * `exchanges$` should replay its latest value to a late subscriber (a
 * `BehaviorSubject`'s `pipe(map(...))`): each feed subscribes it again for its symbols.
 *
 * @example
 * const config$ = new BehaviorSubject(config);
 * liveMarketTicks(config$.pipe(map((c) => c.exchanges)), { logger }).subscribe(console.log);
 * config$.next(withSymbolAdded); // the new symbol is subscribed on the open connection
 * // Logs: ticks of the old symbols, then of the new one too
 */
export function liveMarketTicks(exchanges$: Observable<Config['exchanges']>, options: FeedOptions = {}): Observable<Tick> {
  const feeds = EXCHANGE_IDS.map((id) => {
    const cfg$ = exchanges$.pipe(map((exchanges) => exchanges[id]));
    return cfg$.pipe(
      distinctUntilChanged(sameConnections),
      switchMap((cfg) => {
        if (!cfg?.enabled) return EMPTY;
        const symbols$ = cfg$.pipe(
          map((latest) => latest?.symbols ?? []),
          distinctUntilChanged((a, b) => a.length === b.length && a.every((symbol, i) => symbol === b[i])),
        );
        return exchangeTicks(id, cfg, { ...options, symbols$ });
      }),
    );
  });
  return merge(...feeds);
}
