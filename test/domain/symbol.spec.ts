import { expect } from 'chai';
import { canonicalSymbol, exchangeSymbol, splitSymbol } from '../../src/domain/symbol.js';

describe('canonicalSymbol', () => {
  it('accepts BASE/QUOTE, BASE-QUOTE and lower case', () => {
    expect(canonicalSymbol('BTC/USDT')).to.equal('BTC/USDT');
    expect(canonicalSymbol('btc-usdt')).to.equal('BTC/USDT');
    expect(canonicalSymbol(' eth/btc ')).to.equal('ETH/BTC');
  });

  it('splits a concatenated symbol on its known quote currency', () => {
    expect(canonicalSymbol('btcusdt')).to.equal('BTC/USDT');
    expect(canonicalSymbol('ETHBTC')).to.equal('ETH/BTC');
    expect(canonicalSymbol('solusdc')).to.equal('SOL/USDC');
  });

  it('refuses a concatenated symbol two quotes could end', () => {
    expect(canonicalSymbol('ethbusd')).to.deep.equal({
      message: '"ethbusd" is ambiguous (BUSD or USD); write it as BASE/QUOTE',
    });
  });

  it('refuses what is not a symbol', () => {
    expect(canonicalSymbol('btc')).to.have.property('message').that.matches(/no known quote/);
    expect(canonicalSymbol('BTC/US/DT')).to.have.property('message').that.matches(/more than one separator/);
    expect(canonicalSymbol('BTC/')).to.have.property('message').that.matches(/not BASE\/QUOTE/);
    expect(canonicalSymbol('b t c')).to.have.property('message').that.matches(/not a symbol/);
  });

  it("keeps the case of a mixed-case asset (Kraken's tokenized stocks), upper-cases the rest", () => {
    expect(canonicalSymbol('AAPLx/USD')).to.equal('AAPLx/USD');
    expect(canonicalSymbol('AAPLx-usd')).to.equal('AAPLx/USD');
    expect(canonicalSymbol('TSLAxUSD')).to.equal('TSLAx/USD');
    expect(canonicalSymbol('aaplx/usd')).to.equal('AAPLX/USD');
  });

  it("reads an exchange's asset aliases: XBT is BTC on Kraken only", () => {
    expect(exchangeSymbol('kraken', 'XBT/USD')).to.equal('BTC/USD');
    expect(exchangeSymbol('kraken', 'ETH/XBT')).to.equal('ETH/BTC');
    expect(exchangeSymbol('kraken', 'AAPLx/USD')).to.equal('AAPLx/USD');
    expect(exchangeSymbol('binance', 'XBT/USD')).to.equal('XBT/USD');
  });

  it("splits a concatenated symbol after one of the exchange's asset aliases (Kraken xbtusd, not XB/TUSD)", () => {
    expect(canonicalSymbol('xbtusd')).to.have.property('message').that.matches(/ambiguous \(TUSD or USD\)/);
    expect(canonicalSymbol('xbtusd', { XBT: 'BTC' })).to.equal('XBT/USD');
    expect(canonicalSymbol('ethusd', { XBT: 'BTC' })).to.equal('ETH/USD');
  });

  it('splits canonical symbols', () => {
    expect(splitSymbol('BTC/USDT')).to.deep.equal({ base: 'BTC', quote: 'USDT' });
  });
});
