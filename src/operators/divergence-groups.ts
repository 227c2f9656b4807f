import type { DivergenceMarket } from '../domain/config-types.js';

/** What one divergence episode compares: two or more markets whose prices should agree. */
export interface DivergenceGroup {
  /** The episode's key (`DivergenceAlert.group`): the canonical symbol, or `binance:BTC/USDT~coinbase:BTC/USD` for a pair. */
  readonly key: string;
  /** The markets compared, in config order; at least two. */
  readonly markets: readonly DivergenceMarket[];
}

/** The exchanges as `Config.exchanges` has them: only `enabled` and `symbols` are read. */
type Watchers = Readonly<Record<string, { readonly enabled: boolean; readonly symbols: readonly string[] } | undefined>>;

/** The key of a configured pair: `binance:BTC/USDT~coinbase:BTC/USD`. */
export const pairKey = (a: DivergenceMarket, b: DivergenceMarket): string => `${a.exchange}:${a.symbol}~${b.exchange}:${b.symbol}`;

/**
 * What the divergence rule compares: every canonical symbol watched by two or
 * more enabled exchanges (one group per symbol, all its exchanges in it), and
 * each configured pair (one group of its two markets). Pure.
 *
 * @example
 * divergenceGroups({ binance: { enabled: true, symbols: ['BTC/USDT'] }, okx: { enabled: true, symbols: ['BTC/USDT'] } }, [])
 *   .map((g) => g.key);
 * // Logs: ['BTC/USDT']
 */
export function divergenceGroups(exchanges: Watchers, pairs: readonly (readonly [DivergenceMarket, DivergenceMarket])[]): DivergenceGroup[] {
  const bySymbol = new Map<string, DivergenceMarket[]>();
  for (const [exchange, settings] of Object.entries(exchanges)) {
    if (!settings?.enabled) continue;
    for (const symbol of settings.symbols) {
      const markets = bySymbol.get(symbol) ?? [];
      markets.push({ exchange, symbol });
      bySymbol.set(symbol, markets);
    }
  }
  const groups: DivergenceGroup[] = [];
  for (const [key, markets] of bySymbol) if (markets.length >= 2) groups.push({ key, markets });
  for (const [a, b] of pairs) groups.push({ key: pairKey(a, b), markets: [a, b] });
  return groups;
}
