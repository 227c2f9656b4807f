import { expect } from 'chai';
import { nextPriceLevel } from '../../src/operators/price-level.js';

const step = (levels: number[], up: boolean, prices: number[], start = Number.NaN) =>
  prices.reduce((counts, p) => [...counts, nextPriceLevel(counts.at(-1) ?? start, p, levels, 0.005, up)], [] as number[]);

describe('nextPriceLevel', () => {
  it('matches its @example: above [100, 110, 120]', () => {
    expect(step([100, 110, 120], true, [95, 121, 119, 109, 111])).to.deep.equal([0, 3, 2, 1, 2]);
  });

  it('starts a key not seen yet at the levels already past, so its first reading cannot raise the count', () => {
    expect(nextPriceLevel(Number.NaN, 115, [100, 110, 120], 0.005, true)).to.equal(2);
    expect(nextPriceLevel(Number.NaN, 95, [100, 110, 120], 0.005, true)).to.equal(0);
  });

  it('holds a crossed level while the price hovers within the hysteresis, and re-arms past it', () => {
    // 100 * (1 - 0.005) = 99.5
    expect(step([100], true, [101, 99.6, 100.2, 99.5, 99.49, 100], 0)).to.deep.equal([1, 1, 1, 1, 0, 1]);
  });

  it('mirrors for below levels, given in descending order', () => {
    // 50 * 1.005 = 50.25
    expect(step([50, 40], false, [55, 39, 45, 50.2, 50.3, 49.9], Number.NaN)).to.deep.equal([0, 2, 1, 1, 0, 1]);
  });

  it('counts a price exactly at a level as through it', () => {
    expect(nextPriceLevel(0, 100, [100], 0.005, true)).to.equal(1);
    expect(nextPriceLevel(0, 50, [50], 0.005, false)).to.equal(1);
  });
});
