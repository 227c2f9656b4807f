import { expect } from 'chai';
import { nextAlertLevel, reachesThreshold } from '../../src/operators/alert-level.js';

/** Levels after each magnitude, starting armed. */
function levelsFor(magnitudes: readonly number[], threshold = 0.05, hysteresis = 0.2): number[] {
  const levels: number[] = [];
  for (const m of magnitudes) levels.push(nextAlertLevel(levels.at(-1) ?? 0, m, threshold, hysteresis));
  return levels;
}

describe('nextAlertLevel', () => {
  it('matches its @example: hover keeps 1, 2x escalates, under 4 % re-arms', () => {
    expect(levelsFor([0.051, 0.049, 0.052, 0.101, 0.03, 0.05])).to.deep.equal([1, 1, 1, 2, 0, 1]);
  });

  it('stays armed below the threshold', () => {
    expect(levelsFor([0, 0.01, 0.0499])).to.deep.equal([0, 0, 0]);
  });

  it('counts a move of exactly the threshold, despite float noise', () => {
    expect(117 / 100 - 1).to.be.below(0.17); // 0.16999999999999993
    expect(nextAlertLevel(0, 117 / 100 - 1, 0.17, 0.2)).to.equal(1);
    expect(nextAlertLevel(1, 120 / 100 - 1, 0.1, 0.2)).to.equal(2);
  });

  it('escalates once per further multiple and never falls while the move lasts', () => {
    expect(levelsFor([0.05, 0.1, 0.149, 0.15, 0.08, 0.149, 0.2])).to.deep.equal([1, 2, 2, 3, 3, 3, 4]);
  });

  it('jumps straight to the level a first crossing reaches', () => {
    expect(levelsFor([0.12])).to.deep.equal([2]);
  });

  it('re-arms only below threshold x (1 - hysteresis)', () => {
    expect(levelsFor([0.06, 0.04, 0.0401, 0.06])).to.deep.equal([1, 1, 1, 1]);
    expect(levelsFor([0.06, 0.0399, 0.06])).to.deep.equal([1, 0, 1]);
    expect(levelsFor([0.06, 0.0499, 0.05], 0.05, 0)).to.deep.equal([1, 0, 1]);
  });
});

describe('reachesThreshold', () => {
  it('is true from the threshold up', () => {
    expect(reachesThreshold(0.05, 0.05)).to.equal(true);
    expect(reachesThreshold(0.0499, 0.05)).to.equal(false);
  });
});
