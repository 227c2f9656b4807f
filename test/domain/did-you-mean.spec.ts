import { expect } from 'chai';
import { didYouMean, editDistance } from '../../src/domain/did-you-mean.js';

describe('didYouMean', () => {
  it('counts a swap of adjacent letters as one edit', () => {
    expect(editDistance('tresholds', 'thresholds')).to.equal(1);
    expect(editDistance('binanec', 'binance')).to.equal(1);
  });

  it('suggests the closest key for a typo and nothing for a stranger', () => {
    expect(didYouMean('tresholds', ['thresholds', 'email', 'hysteresis'])).to.equal('thresholds');
    expect(didYouMean('binanse', ['binance', 'coinbase', 'kraken'])).to.equal('binance');
    expect(didYouMean('weather', ['binance', 'coinbase', 'kraken'])).to.equal(undefined);
  });
});
