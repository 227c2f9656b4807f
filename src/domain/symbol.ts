/**
 * Canonical symbols: `BASE/QUOTE`. Config files may also say `BTC-USDT` or
 * `btcusdt`; the last form needs a known quote currency to split. Assets are
 * upper case, except an asset written in mixed case, which keeps its case:
 * Kraken's tokenized stocks are `AAPLx`, and upper-casing them names a pair
 * that does not exist.
 */

/** Quote currencies we can split a concatenated symbol (`btcusdt`) on. */
export const KNOWN_QUOTES: readonly string[] = [
  'USDT', 'USDC', 'FDUSD', 'TUSD', 'BUSD', 'DAI', 'USD', 'EUR', 'GBP', 'JPY', 'AUD', 'CAD', 'CHF',
  'TRY', 'BRL', 'BTC', 'ETH', 'BNB',
];

const ASSET = /^[A-Za-z0-9]{1,20}$/;

/** Why a symbol could not be made canonical. */
export interface SymbolError {
  readonly message: string;
}

/** `btc` → `BTC`, `BTC` stays; a mixed-case asset (`AAPLx`) keeps its case. */
function assetCase(asset: string): string {
  const upper = asset.toUpperCase();
  return asset === upper || asset === asset.toLowerCase() ? upper : asset;
}

/**
 * Turns `BTC/USDT`, `btc-usdt` or `btcusdt` into `BTC/USDT`; `AAPLx/USD`
 * stays `AAPLx/USD` (a mixed-case asset keeps its case).
 *
 * A concatenated symbol is accepted only when exactly one known quote currency
 * ends it (so `ethbusd`, which ends in both BUSD and USD, is ambiguous),
 * unless it starts with one of `aliases` (an exchange's own asset names,
 * {@link ASSET_ALIASES}) followed by a known quote: on Kraken, `xbtusd` is
 * `XBT/USD`, not `XB/TUSD`.
 *
 * @returns the canonical symbol, or a {@link SymbolError} saying why not.
 */
export function canonicalSymbol(written: string, aliases: Readonly<Record<string, string>> = {}): string | SymbolError {
  const trimmed = written.trim();
  const upper = trimmed.toUpperCase();
  const parts = trimmed.split(/[/-]/);
  if (parts.length === 2) {
    const [base, quote] = parts as [string, string];
    if (ASSET.test(base) && ASSET.test(quote)) return `${assetCase(base)}/${assetCase(quote)}`;
    return { message: `"${written}" is not BASE/QUOTE` };
  }
  if (parts.length > 2) return { message: `"${written}" has more than one separator` };
  if (!ASSET.test(trimmed)) return { message: `"${written}" is not a symbol` };
  for (const alias of Object.keys(aliases)) {
    if (upper.startsWith(alias) && KNOWN_QUOTES.includes(upper.slice(alias.length))) return `${alias}/${upper.slice(alias.length)}`;
  }
  const quotes = KNOWN_QUOTES.filter((q) => upper.length > q.length && upper.endsWith(q));
  if (quotes.length === 1) {
    const quote = quotes[0] as string;
    return `${assetCase(trimmed.slice(0, -quote.length))}/${quote}`;
  }
  if (quotes.length === 0) {
    return { message: `"${written}" has no known quote currency; write it as BASE/QUOTE` };
  }
  return { message: `"${written}" is ambiguous (${quotes.join(' or ')}); write it as BASE/QUOTE` };
}

/**
 * Asset names an exchange's users write for an asset our canonical symbols
 * name otherwise, by exchange id: Kraken's own and older APIs say `XBT` for
 * bitcoin, its v2 API and we say `BTC`.
 */
export const ASSET_ALIASES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  kraken: { XBT: 'BTC' },
};

/**
 * The canonical symbol on `exchange` for a canonical-form symbol that may use
 * one of the exchange's asset aliases ({@link ASSET_ALIASES}).
 *
 * @example
 * exchangeSymbol('kraken', 'XBT/USD'); // 'BTC/USD'
 * exchangeSymbol('binance', 'XBT/USD'); // 'XBT/USD'
 */
export function exchangeSymbol(exchange: string, symbol: string): string {
  const aliases = ASSET_ALIASES[exchange];
  if (aliases === undefined) return symbol;
  const { base, quote } = splitSymbol(symbol);
  return `${aliases[base] ?? base}/${aliases[quote] ?? quote}`;
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
