import type { Observable } from 'rxjs';
import type { ExchangeConfig } from '../domain/config-types.js';
import type { ExchangeId } from '../domain/exchange-id.js';
import type { Tick } from '../domain/tick.js';
import type { Connector } from './connector.js';
import { connectorTicks } from './connector-ticks.js';
import { exchangeConnectors } from './exchange-connectors.js';
import type { FeedOptions } from './feed-options.js';

export type { FeedOptions } from './feed-options.js';

/**
 * The ticks of one exchange, shipped (by id) or third-party (a
 * {@link Connector}), through the shared lifecycle (see `connectorTicks`):
 * cold, reconnecting forever, never completing; unsubscribing closes every
 * socket and timer.
 *
 * @example
 * exchangeTicks('coinbase', { symbols: ['BTC/USD'], reconnect_delay: 5, reconnect_max_delay: 60,
 *   stale_after_ms: 30_000, enabled: true, url: 'ws://127.0.0.1:8766' }).subscribe(console.log);
 * // Logs: { exchange: 'coinbase', symbol: 'BTC/USD', price: 1285.22, open24h: 1310.79, ... }
 */
export function exchangeTicks(connector: Connector | ExchangeId, cfg: ExchangeConfig, options?: FeedOptions): Observable<Tick> {
  return connectorTicks(typeof connector === 'string' ? exchangeConnectors[connector] : connector, cfg, options);
}
