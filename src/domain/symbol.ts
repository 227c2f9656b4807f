/**
 * Canonical symbols: `BASE/QUOTE`, upper case. Config files may also say
 * `BTC-USDT` or `btcusdt`; the last form needs a known quote currency to split.
 */

/** Quote currencies we can split a concatenated symbol (`btcusdt`) on. */
export const KNOWN_QUOTES: readonly string[] = [
  'USDT', 'USDC', 'FDUSD', 'TUSD', 'BUSD', 'DAI', 'USD', 'EUR', 'GBP', 'JPY', 'AUD', 'CAD', 'CHF',
  'TRY', 'BRL', 'BTC', 'ETH', 'BNB',
];

const ASSET = /^[A-Z0-9]{1,20}$/;

/** Why a symbol could not be made canonical. */
export interface SymbolError {
  readonly message: string;
}

/**
 * Turns `BTC/USDT`, `btc-usdt` or `btcusdt` into `BTC/USDT`.
 *
 * A concatenated symbol is accepted only when exactly one known quote currency
 * ends it (so `ethbusd`, which ends in both BUSD and USD, is ambiguous).
 *
 * @returns the canonical symbol, or a {@link SymbolError} saying why not.
 */
export function canonicalSymbol(written: string): string | SymbolError {
  const upper = written.trim().toUpperCase();
  const parts = upper.split(/[/-]/);
  if (parts.length === 2) {
    const [base, quote] = parts as [string, string];
    if (ASSET.test(base) && ASSET.test(quote)) return `${base}/${quote}`;
    return { message: `"${written}" is not BASE/QUOTE` };
  }
  if (parts.length > 2) return { message: `"${written}" has more than one separator` };
  if (!ASSET.test(upper)) return { message: `"${written}" is not a symbol` };
  const quotes = KNOWN_QUOTES.filter((q) => upper.length > q.length && upper.endsWith(q));
  if (quotes.length === 1) {
    const quote = quotes[0] as string;
    return `${upper.slice(0, -quote.length)}/${quote}`;
  }
  if (quotes.length === 0) {
    return { message: `"${written}" has no known quote currency; write it as BASE/QUOTE` };
  }
  return { message: `"${written}" is ambiguous (${quotes.join(' or ')}); write it as BASE/QUOTE` };
}

/** True when {@link canonicalSymbol} returned an error. */
export function isSymbolError(value: string | SymbolError): value is SymbolError {
  return typeof value !== 'string';
}

/** Splits a canonical `BASE/QUOTE` symbol. */
export function splitSymbol(symbol: string): { base: string; quote: string } {
  const slash = symbol.indexOf('/');
  return { base: symbol.slice(0, slash), quote: symbol.slice(slash + 1) };
}
