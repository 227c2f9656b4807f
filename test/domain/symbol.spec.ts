import { expect } from 'chai';
import { canonicalSymbol, splitSymbol } from '../../src/domain/symbol.js';

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

  it('splits canonical symbols', () => {
    expect(splitSymbol('BTC/USDT')).to.deep.equal({ base: 'BTC', quote: 'USDT' });
  });
});
