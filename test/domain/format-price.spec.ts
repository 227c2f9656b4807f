import { expect } from 'chai';
import { formatPrice } from '../../src/domain/format-price.js';

describe('formatPrice', () => {
  it('writes prices as the status page does', () => {
    expect(formatPrice(68123.4)).to.equal('68,123.40');
    expect(formatPrice(100)).to.equal('100.00');
    expect(formatPrice(2.5)).to.equal('2.50');
    expect(formatPrice(3.14159)).to.equal('3.1416');
    expect(formatPrice(0.000012345678)).to.equal('0.00001235');
    expect(formatPrice(undefined)).to.equal('\u2014');
    expect(formatPrice(Number.NaN)).to.equal('\u2014');
  });
});
