import type { Config } from '../domain/config-types.js';
import type { ExchangeId } from '../domain/exchange-id.js';
import { exchangeConnectors } from './exchange-connectors.js';
import { nativeSymbols } from './native-symbols.js';

/** A configured symbol an exchange cannot carry, as a config error (`path: message`). */
export interface SymbolIssue {
  /** `exchanges.<id>.symbols[i]`. */
  readonly path: string;
  readonly message: string;
}

/**
 * Checks every configured symbol against its exchange's naming, so that the
 * CLI can refuse the config (exit 2) before any feed starts.
 *
 * @example
 * symbolIssues({ binance: { symbols: ['Eth/USDT'], ... } });
 * // [{ path: 'exchanges.binance.symbols[0]', message: '"Eth/USDT" is not a canonical BASE/QUOTE symbol; binance symbols are upper case: write ETH/USDT' }]
 */
export function symbolIssues(exchanges: Config['exchanges']): SymbolIssue[] {
  return (Object.keys(exchanges) as ExchangeId[]).flatMap((id) => {
    const cfg = exchanges[id];
    const connector = exchangeConnectors[id];
    if (!cfg || !connector) return [];
    return nativeSymbols(connector, cfg.symbols).problems.map((problem) => ({
      path: `exchanges.${id}.symbols[${problem.index}]`,
      message: problem.message,
    }));
  });
}
