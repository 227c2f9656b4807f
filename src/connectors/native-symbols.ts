import type { Connector, NativeSymbols } from './connector.js';

/** A configured symbol this exchange cannot carry. */
export interface SymbolProblem {
  /** Index in the configured `symbols` list. */
  readonly index: number;
  readonly symbol: string;
  readonly message: string;
}

/** The symbols a feed can subscribe: native name → canonical, plus the ones it cannot. */
export interface SymbolBook {
  readonly natives: NativeSymbols;
  readonly problems: readonly SymbolProblem[];
}

/**
 * Maps every configured (canonical) symbol to the exchange's own name and
 * collects the ones that cannot be mapped.
 *
 * @example
 * nativeSymbols(binance, ['BTC/USDT', 'Eth/USDT']);
 * // natives: Map { 'BTCUSDT' => 'BTC/USDT' },
 * // problems: [{ index: 1, symbol: 'Eth/USDT', message: '"Eth/USDT" is not a canonical BASE/QUOTE symbol; binance symbols are upper case: write ETH/USDT' }]
 */
export function nativeSymbols(connector: Connector, symbols: readonly string[]): SymbolBook {
  const natives = new Map<string, string>();
  const problems: SymbolProblem[] = [];
  symbols.forEach((symbol, index) => {
    const native = connector.nativeSymbol(symbol);
    if (typeof native !== 'string') {
      // Only Kraken keeps mixed-case assets (AAPLx); elsewhere a mixed-case symbol is a typo.
      const upper = symbol.toUpperCase();
      const hint = upper !== symbol && typeof connector.nativeSymbol(upper) === 'string' ? `; ${connector.id} symbols are upper case: write ${upper}` : '';
      problems.push({ index, symbol, message: `${native.message}${hint}` });
    }
    else if (natives.has(native)) problems.push({ index, symbol, message: `${symbol} is the same ${connector.id} symbol as ${natives.get(native)}` });
    else natives.set(native, symbol);
  });
  return { natives, problems };
}
