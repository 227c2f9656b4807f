import { merge, type Observable } from 'rxjs';
import type { Config } from '../domain/config-types.js';
import type { ExchangeId } from '../domain/exchange-id.js';
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
