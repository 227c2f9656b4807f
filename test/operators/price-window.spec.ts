import { expect } from 'chai';
import fc from 'fast-check';
import { PriceWindow } from '../../src/operators/price-window.js';
import { WindowSlots } from '../../src/operators/window-slots.js';
import { bruteForceWindow, type Observation } from './brute-force-window.js';

const MINUTE = 60_000;

/** Feeds observations to a fresh window and returns it. */
function windowAfter(windowMs: number, buckets: number, observations: readonly Observation[]): PriceWindow {
  const window = new PriceWindow(windowMs, buckets);
  for (const o of observations) window.add(o.price, o.ts, o.blindFrom);
  return window;
}

function readingOf(window: PriceWindow) {
  const { min, minTs, max, maxTs, oldest, oldestTs, coverage } = window;
  return { min, minTs, max, maxTs, oldest, oldestTs, coverage };
}

/**
 * Random tick sequences: mostly forward, sometimes out of order, sometimes after
 * a blind spell; with a `grid`, some times fall exactly on bucket boundaries.
 */
function observationsArb(windowMs: number, grid = 0) {
  const onGrid = grid > 0 ? fc.integer({ min: 0, max: Math.ceil((windowMs * 1.5) / grid) }).map((k) => k * grid) : fc.constant(0);
  const step = fc.record({
    delta: fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 0, max: Math.ceil(windowMs / 10) }) },
      { weight: 2, arbitrary: fc.integer({ min: 0, max: Math.ceil(windowMs * 1.5) }) },
      { weight: 2, arbitrary: onGrid },
      { weight: 1, arbitrary: fc.integer({ min: -Math.ceil(windowMs / 5), max: -1 }) },
    ),
    price: fc.oneof(fc.constantFrom(90, 100, 110), fc.double({ min: 1, max: 1000, noNaN: true })),
    blindBack: fc.option(fc.oneof(fc.integer({ min: -100, max: windowMs * 2 }), onGrid), { freq: 5 }),
  });
  return fc.array(step, { minLength: 1, maxLength: 60 }).map((steps) => {
    let ts = grid > 0 ? grid * 1_000_000 : 1_700_000_000_000;
    return steps.map(({ delta, price, blindBack }): Observation => {
      ts += delta;
      return blindBack === null ? { price, ts } : { price, ts, blindFrom: ts - blindBack };
    });
  });
}

describe('PriceWindow', () => {
  it('reports min, max, the price held at the start and full coverage (the @example)', () => {
    const window = new PriceWindow(60_000, 6);
    window.add(100, 0);
    window.add(103, 30_000);
    window.add(99, 65_000);
    expect([window.min, window.max, window.oldest, window.coverage]).to.deep.equal([99, 103, 100, 1]);
  });

  it('covers nothing before the first tick: coverage grows from 0', () => {
    const window = new PriceWindow(60 * MINUTE, 60);
    window.add(100, 0);
    expect(window.coverage).to.equal(0);
    window.add(100, 30 * MINUTE);
    expect(window.coverage).to.be.closeTo(0.5, 0.02);
    window.add(100, 60 * MINUTE);
    expect(window.coverage).to.equal(1);
  });

  it('assumes the last price held through a quiet spell', () => {
    const window = new PriceWindow(60 * MINUTE, 60);
    window.add(100, 0);
    window.add(100, 60 * MINUTE);
    window.add(104, 150 * MINUTE); // 90 quiet minutes: 100 held until now
    expect(window.min).to.equal(100);
    expect(window.minTs).to.equal(60 * MINUTE);
    expect(window.oldest).to.equal(100);
    expect(window.coverage).to.equal(1);
  });

  it('does not bridge a blind interval: coverage drops and the old price is not assumed', () => {
    const window = new PriceWindow(60 * MINUTE, 60);
    window.add(100, 0);
    window.add(100, 60 * MINUTE);
    // Blind from 70 to 150 minutes: the 100 held only until 70 minutes, outside the window.
    window.add(104, 150 * MINUTE, 70 * MINUTE);
    expect(window.min).to.equal(104);
    expect(window.oldest).to.equal(104);
    expect(window.oldestTs).to.equal(150 * MINUTE);
    expect(window.coverage).to.equal(0);
    window.add(105, 180 * MINUTE); // start 121 minutes: blind until 150
    expect(window.coverage).to.be.closeTo(30 / 59, 1e-9);
    expect(window.min).to.equal(104);
  });

  it('counts the price held up to the blind interval when that is inside the window', () => {
    const window = new PriceWindow(60 * MINUTE, 60);
    window.add(100, 0);
    window.add(95, 10 * MINUTE);
    window.add(104, 50 * MINUTE, 30 * MINUTE);
    expect(window.min).to.equal(95);
    expect(window.coverage).to.be.closeTo(30 / 60, 0.02);
    window.add(104, 85 * MINUTE); // start is now 26 minutes: 95 was held from 10 to 30
    expect(window.min).to.equal(95);
    expect(window.oldest).to.equal(95);
    window.add(104, 95 * MINUTE); // start 36 minutes: inside the blind interval
    expect(window.min).to.equal(104);
    expect(window.oldest).to.equal(104);
    expect(window.oldestTs).to.equal(50 * MINUTE);
  });

  it('slides: prices older than the window leave min and max', () => {
    const window = new PriceWindow(10 * MINUTE, 10);
    window.add(100, 0);
    window.add(120, 1 * MINUTE);
    window.add(80, 2 * MINUTE);
    window.add(100, 3 * MINUTE);
    expect([window.min, window.max]).to.deep.equal([80, 120]);
    window.add(100, 11 * MINUTE + 1); // start 2 minutes: 120 held until then
    expect([window.min, window.max]).to.deep.equal([80, 120]);
    window.add(100, 12 * MINUTE + 1); // start 3 minutes: 120 gone
    expect([window.min, window.max]).to.deep.equal([80, 100]);
    window.add(100, 13 * MINUTE + 1); // start 4 minutes: 80 gone, 100 held from 3 minutes
    expect([window.min, window.max]).to.deep.equal([100, 100]);
    expect(window.oldest).to.equal(100);
  });

  it('holds the price of the bucket that leaves on the tick that fills the window again', () => {
    const window = new PriceWindow(60_000, 6); // 10 s buckets
    window.add(100, 0);
    window.add(105, 60_000); // bucket 6 opens as bucket 0 leaves: 100 is held, and the log's one entry is taken off as the next goes on
    expect([window.oldest, window.oldestTs, window.min, window.minTs, window.max]).to.deep.equal([100, 0, 100, 0, 105]);
  });

  it('counts the held price in min and max only when it can be one (a later price in the window at or past it)', () => {
    const window = new PriceWindow(60_000, 6);
    window.add(99, 0);
    window.add(100, 5_000); // the same bucket: 99 is its low, 100 its last price
    window.add(101, 30_000);
    window.add(102, 65_000); // bucket 0 leaves: 100 is held, and its low 99 left with it
    expect([window.min, window.minTs, window.oldest, window.max]).to.deep.equal([100, 5_000, 100, 102]);
    window.add(100.5, 66_000);
    expect([window.min, window.minTs, window.max, window.maxTs]).to.deep.equal([100, 5_000, 102, 65_000]);
    window.add(99.5, 71_000); // a later price below the held one: it is the low now
    expect([window.min, window.minTs]).to.deep.equal([99.5, 71_000]);
  });

  it('counts an out-of-order tick as seen at the newest time', () => {
    const window = new PriceWindow(10 * MINUTE, 10);
    window.add(100, 5 * MINUTE);
    window.add(101, 6 * MINUTE);
    window.add(90, 1 * MINUTE); // late
    expect(window.latestTs).to.equal(6 * MINUTE);
    expect(window.min).to.equal(90);
    expect(window.minTs).to.equal(6 * MINUTE);
    window.add(102, 15 * MINUTE + 1); // start 6 minutes: the late tick still counts, as of 6 minutes
    expect(window.min).to.equal(90);
    window.add(102, 16 * MINUTE + 1);
    expect(window.min).to.equal(90); // held from 6 minutes, the newest time
    window.add(102, 26 * MINUTE + 1);
    expect(window.min).to.equal(102);
  });

  it('refuses a bad size', () => {
    expect(() => new PriceWindow(0)).to.throw(RangeError, /positive/);
    expect(() => new PriceWindow(1000, 1)).to.throw(RangeError, /buckets/);
    expect(() => new PriceWindow(1000, 2.5)).to.throw(RangeError, /buckets/);
  });

  describe('against a brute-force scan', () => {
    it('equals the scan over its own bucket-aligned window, after every tick', () => {
      const arb = fc
        .record({
          buckets: fc.integer({ min: 2, max: 40 }),
          // Buckets up to 65 s keep their times in 16 bits, wider ones in 32.
          bucketMs: fc.oneof(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 64_990, max: 70_000 })),
        })
        .chain(({ buckets, bucketMs }) =>
          fc.record({ buckets: fc.constant(buckets), bucketMs: fc.constant(bucketMs), observations: observationsArb(buckets * bucketMs, bucketMs) }),
        );
      fc.assert(
        fc.property(arb, ({ buckets, bucketMs, observations }) => {
          const window = new PriceWindow(buckets * bucketMs, buckets);
          const withoutExtremes = new PriceWindow(buckets * bucketMs, buckets, { extremes: false });
          for (let i = 0; i < observations.length; i++) {
            const o = observations[i]!;
            window.add(o.price, o.ts, o.blindFrom);
            withoutExtremes.add(o.price, o.ts, o.blindFrom);
            const expected = bruteForceWindow(observations.slice(0, i + 1), window.start);
            const actual = readingOf(window);
            expect(actual.coverage).to.be.closeTo(expected.coverage, 1e-9);
            expect({ ...actual, coverage: 0 }).to.deep.equal({ ...expected, coverage: 0 });
            const { min, max, minTs, maxTs, ...rest } = readingOf(withoutExtremes);
            expect(rest).to.deep.equal({ oldest: actual.oldest, oldestTs: actual.oldestTs, coverage: actual.coverage });
            expect([min, max, minTs, maxTs].every(Number.isNaN)).to.equal(true);
          }
        }),
        { numRuns: 300 },
      );
    });

    it('stays exact with many windows growing side by side in shared slabs, and one released and replaced midway', () => {
      // Windows of one shape share slabs: a slot written past its end, or copied wrong as it
      // grows, would show in a neighbour's readings. Each window gets its own ticks, all interleaved.
      const buckets = 24;
      const bucketMs = 1000;
      const arb = fc.array(observationsArb(buckets * bucketMs, bucketMs), { minLength: 3, maxLength: 6 });
      fc.assert(
        fc.property(arb, (feeds) => {
          const slots = new WindowSlots();
          const make = () => [new PriceWindow(buckets * bucketMs, buckets, { slots }), new PriceWindow(buckets * bucketMs, buckets, { extremes: false, slots })] as const;
          const windows = feeds.map(make);
          const fed = feeds.map(() => 0);
          const longest = Math.max(...feeds.map((feed) => feed.length));
          for (let step = 0; step < longest; step++) {
            // Halfway, the first window is given back and a fresh one fed its ticks from the start.
            if (step === Math.floor(longest / 2)) {
              for (const window of windows[0]!) window.release();
              windows[0] = make();
              for (let i = 0; i < fed[0]!; i++) for (const window of windows[0]) window.add(feeds[0]![i]!.price, feeds[0]![i]!.ts, feeds[0]![i]!.blindFrom);
            }
            feeds.forEach((feed, w) => {
              const o = feed[step];
              if (o === undefined) return;
              const [window, withoutExtremes] = windows[w]!;
              window.add(o.price, o.ts, o.blindFrom);
              withoutExtremes.add(o.price, o.ts, o.blindFrom);
              fed[w] = step + 1;
              const expected = bruteForceWindow(feed.slice(0, step + 1), window.start);
              const actual = readingOf(window);
              expect(actual.coverage).to.be.closeTo(expected.coverage, 1e-9);
              expect({ ...actual, coverage: 0 }).to.deep.equal({ ...expected, coverage: 0 });
              expect([withoutExtremes.oldest, withoutExtremes.oldestTs]).to.deep.equal([expected.oldest, expected.oldestTs]);
            });
          }
          // Every slot given back: no slab is left.
          for (const pair of windows) for (const window of pair) window.release();
          expect(slots.slabs).to.equal(0);
        }),
        { numRuns: 150 },
      );
    });

    it('agrees with the scan over the exact window [t - windowMs, t] within one bucket', () => {
      const arb = fc
        .record({ windowMs: fc.integer({ min: 100, max: 200_000 }), buckets: fc.integer({ min: 2, max: 50 }) })
        .chain(({ windowMs, buckets }) =>
          fc.record({ windowMs: fc.constant(windowMs), buckets: fc.constant(buckets), observations: observationsArb(windowMs) }),
        );
      fc.assert(
        fc.property(arb, ({ windowMs, buckets, observations }) => {
          const window = windowAfter(windowMs, buckets, observations);
          const bucketMs = windowMs / buckets;
          const now = window.latestTs;
          const slack = 0.01; // float rounding of times around 1.7e12 ms

          expect(window.start).to.be.above(now - windowMs - slack).and.at.most(now - windowMs + bucketMs + slack);
          const longer = bruteForceWindow(observations, now - windowMs);
          const shorter = bruteForceWindow(observations, Math.max(now - windowMs + bucketMs, window.start));
          expect(window.min).to.be.at.least(longer.min).and.at.most(shorter.min);
          expect(window.max).to.be.at.most(longer.max).and.at.least(shorter.max);
          const covered = window.coverage * (now - window.start);
          const coveredExactly = longer.coverage * windowMs;
          expect(Math.abs(covered - coveredExactly)).to.be.at.most(bucketMs + slack);
        }),
        { numRuns: 300 },
      );
    });
  });

  it('refuses a time that is not a whole number of ms (times are kept as integers)', () => {
    const window = new PriceWindow(60_000, 6);
    expect(() => window.add(100, 1.5)).to.throw(RangeError, /whole ms/);
    expect(Number.isNaN(window.latestTs)).to.equal(true);
  });

  it('keeps its times exact past 2^32 ms (49.7 days) of running and across a jump of months', () => {
    const windowMs = 60 * MINUTE;
    const window = new PriceWindow(windowMs, 100);
    const observations: Observation[] = [];
    const feed = (price: number, ts: number) => {
      observations.push({ price, ts });
      window.add(price, ts);
    };
    let ts = 1_700_000_000_123;
    // 60 days of one tick every 7 minutes, a low and a high kept in the window each hour.
    for (let i = 0; i < (60 * 24 * 60) / 7; i++) {
      ts += 7 * MINUTE;
      feed(100 + Math.sin(i) * 5, ts);
      const expected = bruteForceWindow(observations.slice(-20), window.start);
      expect(readingOf(window)).to.deep.equal(expected);
    }
    ts += 200 * 24 * 60 * MINUTE + 17; // 200 quiet days
    feed(50, ts);
    feed(150, ts + 1);
    const expected = bruteForceWindow(observations.slice(-3), window.start);
    expect(readingOf(window)).to.deep.equal(expected);
    expect(window.minTs).to.equal(ts);
    expect(window.maxTs).to.equal(ts + 1);
  });

  it('keeps the times of its log exact past 2^32 ms without extremes too (the 24 h window), with every bucket logged', () => {
    const windowMs = 24 * 60 * MINUTE;
    const window = new PriceWindow(windowMs, 50);
    const withoutExtremes = new PriceWindow(windowMs, 50, { extremes: false });
    const observations: Observation[] = [];
    let ts = 1_700_000_000_007;
    // 60 days of a tick every 13 minutes: more ticks than buckets, so the log is full and wraps many times.
    for (let i = 0; i < (60 * 24 * 60) / 13; i++) {
      ts += 13 * MINUTE + (i % 7);
      const price = 100 + Math.cos(i) * 3;
      observations.push({ price, ts });
      window.add(price, ts);
      withoutExtremes.add(price, ts);
      const expected = bruteForceWindow(observations.slice(-120), window.start);
      expect(readingOf(window)).to.deep.equal(expected);
      expect([withoutExtremes.oldest, withoutExtremes.oldestTs, withoutExtremes.coverage]).to.deep.equal([expected.oldest, expected.oldestTs, expected.coverage]);
    }
  });

  it('keeps up to one low and one high per bucket: a narrowing range fills both queues and stays right', () => {
    const buckets = 8;
    const window = new PriceWindow(8_000, buckets);
    const observations: Observation[] = [];
    for (let i = 0; i < 40; i++) {
      // Each bucket sees a low, a high and a last price between them; the lows rise, the highs fall.
      const k = i % 20;
      for (const [price, at] of [[100 - 10 + k * 0.1, 100], [100 + 10 - k * 0.1, 400], [100, 700]] as const) {
        observations.push({ price, ts: i * 1000 + at });
        window.add(price, i * 1000 + at);
        expect(readingOf(window)).to.deep.equal(bruteForceWindow(observations, window.start));
      }
    }
  });

  it('grows its slot as its buckets fill, gives memory back once it is quiet, and stays exact throughout', () => {
    const window = new PriceWindow(200_000, 200);
    const observations: Observation[] = [];
    const feed = (price: number, ts: number) => {
      observations.push({ price, ts });
      window.add(price, ts);
      const expected = bruteForceWindow(observations, window.start);
      const actual = readingOf(window);
      expect(actual.coverage).to.be.closeTo(expected.coverage, 1e-9);
      expect({ ...actual, coverage: 0 }).to.deep.equal({ ...expected, coverage: 0 });
    };
    const first = window.bytes;
    // Busy: a rising tick every 500 ms for two windows. Every bucket is logged and the lows queue holds one per bucket.
    for (let i = 0; i < 800; i++) feed(100 + i * 0.01, i * 500);
    const busy = window.bytes;
    expect(busy).to.be.above(first * 10);
    // Quiet: a falling tick every 30 s. The log holds a few entries (the highs queue all of them), and the slot
    // halves as they empty, back to about its first size.
    for (let i = 0; i < 20; i++) feed(105 - i * 0.1, 400_000 + i * 30_000);
    expect(window.bytes).to.be.at.most(first * 2);
    // Busy again, prices back and forth: the log grows back to a 12-byte entry for each of the 200 buckets.
    for (let i = 0; i < 400; i++) feed(100 + Math.sin(i) * 3, 1_000_000 + i * 500);
    expect(window.bytes).to.be.at.least(first + (200 - 16) * 12);
  });

  it('can no longer be read once released, and its slot serves the next window, zeroed', () => {
    const slots = new WindowSlots();
    const released = new PriceWindow(60_000, 6, { slots });
    released.add(100, 0);
    released.add(103, 30_000);
    released.add(104, 130_000); // past its first tick: its state says the oldest price is the held one
    released.release();
    expect(() => released.add(101, 40_000)).to.throw(RangeError);
    expect(() => released.min).to.throw(RangeError);
    expect(slots.slabs).to.equal(0);
    const next = new PriceWindow(60_000, 6, { slots });
    expect([next.min, next.oldest, next.coverage, next.latestTs]).to.deep.equal([Number.NaN, Number.NaN, 0, Number.NaN]);
    next.add(50, 100_000);
    expect([next.min, next.max, next.oldest, next.oldestTs, next.coverage]).to.deep.equal([50, 50, 50, 100_000, 0]);
  });

  it('keeps memory fixed: a long run over many windows leaves min and max right', () => {
    const window = new PriceWindow(60 * MINUTE, 1000);
    const observations: Observation[] = [];
    let price = 100;
    for (let i = 0; i < 20_000; i++) {
      price = price * (1 + Math.sin(i * 0.37) * 0.001);
      observations.push({ price, ts: i * 1_000 });
      window.add(price, i * 1_000);
    }
    const expected = bruteForceWindow(observations.slice(-4000), window.start);
    expect(window.min).to.equal(expected.min);
    expect(window.max).to.equal(expected.max);
    expect(window.oldest).to.equal(expected.oldest);
  });
});
