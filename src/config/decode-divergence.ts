import { type DivergenceConfig, DEFAULT_DIVERGENCE, type DivergenceMarket, type ExchangeConfig } from '../domain/config-types.js';
import type { ConfigFile } from './codecs.js';
import type { ConfigIssue } from './config-issue.js';

type DivergenceFile = NonNullable<NonNullable<ConfigFile['alerts']>['divergence']>;

const named = (market: DivergenceMarket) => `${market.exchange}:${market.symbol}`;

/**
 * `alerts.divergence` as written to a {@link DivergenceConfig}, defaults filled
 * in, after the checks a codec cannot make: each side of a pair names an
 * enabled exchange that watches that symbol, and a pair compares two different
 * symbols (identical symbols on two exchanges are compared by default).
 *
 * 1. Returns `{ divergence }` or `{ issues }`, each issue naming the key path
 *    (`alerts.divergence.pairs[0][1]`).
 * 2. Notes (for an INFO line at start) a rule with nothing to compare: no symbol
 *    watched by two enabled exchanges and no pair.
 *
 * @example
 * decodeDivergence({ pct: 0.01 }, { binance: { symbols: ['BTC/USDT'], enabled: true, ... } }).divergence;
 * // Logs: { pct: 0.01, min_duration_ms: 30000, max_age_ms: 10000, pairs: [] }
 */
export function decodeDivergence(
  file: DivergenceFile,
  exchanges: Readonly<Record<string, ExchangeConfig | undefined>>,
): { readonly divergence?: DivergenceConfig; readonly issues: ConfigIssue[]; readonly notes: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const pairs = file.pairs ?? [];
  pairs.forEach((pair, i) => {
    pair.forEach((side, j) => {
      const exchange = exchanges[side.exchange];
      const path = `alerts.divergence.pairs[${i}][${j}]`;
      if (exchange === undefined) issues.push({ path, message: `${side.exchange} is not configured (add it under exchanges)` });
      else if (!exchange.enabled) issues.push({ path, message: `${side.exchange} is not enabled (exchanges.${side.exchange}.enabled is false)` });
      else if (!exchange.symbols.includes(side.symbol)) {
        issues.push({ path, message: `${side.exchange} does not watch ${side.symbol} (add it to exchanges.${side.exchange}.symbols)` });
      }
    });
    const [a, b] = pair;
    if (a.exchange === b.exchange && a.symbol === b.symbol) {
      issues.push({ path: `alerts.divergence.pairs[${i}]`, message: `compares ${named(a)} with itself` });
    } else if (a.symbol === b.symbol) {
      issues.push({ path: `alerts.divergence.pairs[${i}]`, message: `${named(a)} and ${named(b)} are the same symbol: identical symbols are compared by default, list only pairs across different symbols` });
    } else if (pairs.slice(0, i).some(([c, d]) => (named(c) === named(a) && named(d) === named(b)) || (named(c) === named(b) && named(d) === named(a)))) {
      issues.push({ path: `alerts.divergence.pairs[${i}]`, message: `${named(a)} and ${named(b)} are already paired above` });
    }
  });
  if (issues.length > 0) return { issues, notes: [] };
  const watchers = new Map<string, number>();
  for (const exchange of Object.values(exchanges)) {
    if (!exchange?.enabled) continue;
    for (const symbol of exchange.symbols) watchers.set(symbol, (watchers.get(symbol) ?? 0) + 1);
  }
  const notes: ConfigIssue[] =
    pairs.length === 0 && ![...watchers.values()].some((n) => n >= 2)
      ? [{ path: 'alerts.divergence', message: 'no symbol is watched by two enabled exchanges and no pair is configured: nothing to compare' }]
      : [];
  return {
    divergence: {
      pct: file.pct,
      min_duration_ms: file.min_duration_ms ?? DEFAULT_DIVERGENCE.min_duration_ms,
      max_age_ms: file.max_age_ms ?? DEFAULT_DIVERGENCE.max_age_ms,
      pairs: pairs.map(([a, b]) => [a, b] as const),
    },
    issues,
    notes,
  };
}
