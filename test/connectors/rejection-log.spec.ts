import { expect } from 'chai';
import { TestScheduler } from 'rxjs/testing';
import { rejectFrame } from '../../src/connectors/frame-rejection.js';
import { createRejectionLog } from '../../src/connectors/rejection-log.js';
import { createLogger } from '../../src/log.js';
import { createTestScheduler } from '../helpers/test-scheduler.js';

describe('createRejectionLog', () => {
  let testScheduler: TestScheduler;
  beforeEach(() => (testScheduler = createTestScheduler()));

  /** Reports the frames of `marbles` (a = not_json, b = bad_price) and returns the WARN lines with their virtual times. */
  function logged(marbles: string, closeAt?: number): string[] {
    const lines: string[] = [];
    testScheduler.run(({ cold }) => {
      const logger = createLogger('binance', { write: (line) => lines.push(`${testScheduler.now()} ${line.slice(20)}`) });
      const log = createRejectionLog(logger, testScheduler);
      const frames = { a: rejectFrame('not_json', 'hello'), b: rejectFrame('bad_price', '{"c":"0"}', 'c is 0') };
      cold(marbles, frames).subscribe((rejection) => log.report(rejection));
      if (closeAt !== undefined) testScheduler.schedule(() => log.close(), closeAt);
    });
    return lines;
  }

  it('logs the first bad frame of a reason at once, naming the reason', () => {
    expect(logged('a')).to.deep.equal(['0 [WARN] binance: dropped frame (not_json): hello']);
  });

  it('turns a flood into one line per reason per 10 s, with a count', () => {
    const flood = 'a 99ms '.repeat(250); // 250 frames over 25 s
    expect(logged(flood)).to.deep.equal([
      '0 [WARN] binance: dropped frame (not_json): hello',
      // 1 + 100 + 100 + 49 = 250: every frame is counted once (the one at 10000 ms falls in the first window).
      '10000 [WARN] binance: dropped 100 more frames (not_json) in the last 10 s; last: hello',
      '20000 [WARN] binance: dropped 100 more frames (not_json) in the last 10 s; last: hello',
      '30000 [WARN] binance: dropped 49 more frames (not_json) in the last 10 s; last: hello',
    ]);
  });

  it('keeps separate windows per reason', () => {
    expect(logged('a b a b')).to.deep.equal([
      '0 [WARN] binance: dropped frame (not_json): hello',
      '1 [WARN] binance: dropped frame (bad_price): c is 0: {"c":"0"}',
      '10000 [WARN] binance: dropped 1 more frame (not_json) in the last 10 s; last: hello',
      '10001 [WARN] binance: dropped 1 more frame (bad_price) in the last 10 s; last: c is 0: {"c":"0"}',
    ]);
  });

  it('logs a lone frame again at once after a quiet window', () => {
    expect(logged('a 20s a')).to.deep.equal([
      '0 [WARN] binance: dropped frame (not_json): hello',
      '20001 [WARN] binance: dropped frame (not_json): hello',
    ]);
  });

  it('on close, logs the pending count and leaves no timer', () => {
    expect(logged('a a a', 5000)).to.deep.equal([
      '0 [WARN] binance: dropped frame (not_json): hello',
      '5000 [WARN] binance: dropped 2 more frames (not_json); last: hello',
    ]);
  });
});
