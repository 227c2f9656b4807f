import { canonicalSymbol, isSymbolError } from '../domain/symbol.js';

/** Symbols already found canonical; cleared when full so memory stays bounded whatever the file holds. */
const canonical = new Set<string>();
const MAX_REMEMBERED = 100_000;

/**
 * Why a tick file's `symbol` is not a canonical `BASE/QUOTE`, or `undefined`
 * when it is: {@link canonicalSymbol} (a regex test per asset, case checks and a
 * new string) answered once per distinct symbol instead of once per tick. The
 * same symbols come back on every line of a replay, and the profile of a
 * 500,000-tick replay spent 7 % of its time in `canonicalSymbol`. Only the
 * canonical ones are remembered (an answer never changes: it depends on the
 * string alone); a refused symbol is checked again each time, which is rare
 * and gives the same sentence.
 *
 * @example
 * symbolProblem('BTC/USDT'); // undefined
 * symbolProblem('btcusdt'); // '"btcusdt" is not canonical BASE/QUOTE (write "BTC/USDT")'
 */
export function symbolProblem(symbol: string): string | undefined {
  if (canonical.has(symbol)) return undefined;
  const written = canonicalSymbol(symbol);
  if (isSymbolError(written)) return written.message;
  if (written !== symbol) return `"${symbol}" is not canonical BASE/QUOTE (write "${written}")`;
  if (canonical.size >= MAX_REMEMBERED) canonical.clear();
  canonical.add(symbol);
  return undefined;
}
