import { expect } from 'chai';
import type { ReplayProgress } from '../../src/replay/replay-progress.js';
import { renderProgress } from '../../src/replay/render-progress.js';

const halfway: ReplayProgress = {
  source: 'day.jsonl', linesRead: 500_000, ticks: 499_998, skipped: 2, bytesRead: 50_000_000,
  totalBytes: 100_000_000, firstTs: 1717200000000, lastTs: 1717243200000, done: false,
};

describe('renderProgress', () => {
  it('fits a month of ticks in 80 columns with every part shown', () => {
    const month = { ...halfway, ticks: 30_000_000, skipped: 1_234, bytesRead: 10_000_000 };
    const line = renderProgress(month, { elapsedMs: 600_000, width: Number.POSITIVE_INFINITY });
    expect(line).to.equal('[#-----------] 10% 30,000,000 ticks 1,234 skipped 2024-06-01 12:00Z ETA 1:30:00');
    expect(line).to.have.length.below(80);
  });

  it('matches its @example: bar, percent, ticks, skipped, simulated time, ETA', () => {
    expect(renderProgress(halfway, { elapsedMs: 30_000 })).to.equal(
      '[######------] 50% 499,998 ticks 2 skipped 2024-06-01 12:00Z ETA 0:30',
    );
  });

  it('extrapolates the ETA from the share of bytes read', () => {
    const quarter = { ...halfway, bytesRead: 25_000_000, skipped: 0 };
    expect(renderProgress(quarter, { elapsedMs: 1_200_000 })).to.equal(
      '[###---------] 25% 499,998 ticks 2024-06-01 12:00Z ETA 1:00:00',
    );
  });

  it('shows elapsed time before anything is read, and for an iterable without a size', () => {
    const start: ReplayProgress = { ...halfway, ticks: 0, skipped: 0, bytesRead: 0, linesRead: 0, firstTs: undefined, lastTs: undefined };
    expect(renderProgress(start, { elapsedMs: 0 })).to.equal('[------------] 0% 0 ticks elapsed 0:00');
    const iterable: ReplayProgress = { ...halfway, source: 'ticks', totalBytes: undefined, bytesRead: 0, skipped: 0 };
    expect(renderProgress(iterable, { elapsedMs: 5_000 })).to.equal('499,998 ticks 2024-06-01 12:00Z elapsed 0:05');
  });

  it('says how long it took once done', () => {
    expect(renderProgress({ ...halfway, bytesRead: 100_000_000, done: true }, { elapsedMs: 61_000 })).to.equal(
      '[############] 100% 499,998 ticks 2 skipped 2024-06-01 12:00Z took 1:01',
    );
  });

  it('cuts the line to fit the terminal without wrapping', () => {
    const line = renderProgress(halfway, { elapsedMs: 30_000, width: 40 });
    expect(line).to.equal('[######------] 50% 499,998 ticks 2 skip');
    expect(line).to.have.length(39);
  });
});
