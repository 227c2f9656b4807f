import { expect } from 'chai';
import fc from 'fast-check';
import { canonicalSymbol, isSymbolError } from '../../src/domain/symbol.js';
import { symbolProblem } from '../../src/replay/symbol-problem.js';

/** What check-tick said before the cache: canonicalSymbol on every call. */
function uncached(symbol: string): string | undefined {
  const written = canonicalSymbol(symbol);
  if (isSymbolError(written)) return written.message;
  return written === symbol ? undefined : `"${symbol}" is not canonical BASE/QUOTE (write "${written}")`;
}

describe('replay: symbolProblem', () => {
  it('says what canonicalSymbol says, the first time and every time after', () => {
    // Strings near symbols (letters of both cases, digits, separators, spaces), so that
    // canonical, non-canonical and refused ones all come up, each several times.
    const symbolChar = fc.constantFrom(...'BTCUSDbtcusdAx09/- '.split(''));
    const symbol = fc.oneof(
      fc.string({ unit: symbolChar, maxLength: 12 }),
      fc.tuple(fc.constantFrom('BTC', 'btc', 'AAPLx', 'ETH', 'x'), fc.constantFrom('/', '-', ''), fc.constantFrom('USDT', 'usd', 'USD', 'EUR', ''))
        .map(([base, separator, quote]) => `${base}${separator}${quote}`),
    );
    fc.assert(fc.property(fc.array(symbol, { minLength: 1, maxLength: 30 }), (symbols) => {
      for (const s of [...symbols, ...symbols]) expect(symbolProblem(s), JSON.stringify(s)).to.equal(uncached(s));
    }), { numRuns: 300 });
  });

  it('accepts a canonical symbol and refuses the others with the same sentences', () => {
    expect(symbolProblem('BTC/USDT')).to.equal(undefined);
    expect(symbolProblem('BTC/USDT')).to.equal(undefined);
    expect(symbolProblem('AAPLx/USD')).to.equal(undefined);
    expect(symbolProblem('btcusdt')).to.equal('"btcusdt" is not canonical BASE/QUOTE (write "BTC/USDT")');
    expect(symbolProblem('btcusdt')).to.equal('"btcusdt" is not canonical BASE/QUOTE (write "BTC/USDT")');
    expect(symbolProblem('BTC/USDT/X')).to.equal('"BTC/USDT/X" has more than one separator');
  });
});
