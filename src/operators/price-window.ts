/** Disjoint blind intervals remembered per window; more within one window are merged (see `addGap`). */
const MAX_GAPS = 64;

/** The ring of written buckets is indexed with 16-bit positions. */
const MAX_BUCKETS = 65_536;

/**
 * A sliding time window over one (exchange, symbol)'s prices: a time-bucketed
 * ring buffer of fixed size, so memory is O(buckets) whatever the tick rate or
 * uptime, and each {@link PriceWindow.add} costs O(1) amortized.
 *
 * The window `[t - windowMs, t]` is split into `buckets` buckets of
 * `windowMs / buckets` ms on a fixed grid (bucket `b` spans `[b * w, (b + 1) * w)`).
 * After a tick at `t` the window is the `buckets` grid buckets ending with the
 * tick's, so its start ({@link PriceWindow.start}) lies within one bucket after
 * `t - windowMs`.
 *
 * What the window assumes between ticks:
 * 1. Between two ordinary ticks the last price held (a quiet market is covered).
 * 2. Before the first tick nothing is covered: coverage grows from 0.
 * 3. A tick with `blindFrom` marks `[blindFrom, ts]` as uncovered; the old price is
 *    held only until `blindFrom`, never bridged across the gap.
 * 4. A tick older than the newest seen (out of order) counts as seen at the
 *    newest time: the ring never moves backwards.
 *
 * Storage: one entry per bucket that saw a price (its min, max and last price
 * with their times) in a ring of `buckets` entries held in `Float64Array`s, two
 * monotonic queues of entry positions for the sliding min and max, and up to 64
 * blind intervals. Buckets a held price ran through are not written one by one:
 * the held price is added to the next written bucket instead, which keeps a
 * long quiet spell O(1). About 52 bytes per bucket: ~53 KiB for 1000 buckets.
 * A bucket's first price is not stored: the window's oldest price is the price
 * held at its start (the last price of the newest bucket before it) or, when the
 * start was blind, the price that ended the blind spell.
 *
 * @example
 * const window = new PriceWindow(60_000, 6); // 1 min in 10 s buckets
 * window.add(100, 0);
 * window.add(103, 30_000);
 * window.add(99, 65_000);
 * [window.min, window.max, window.oldest, window.coverage];
 * // Logs: [99, 103, 100, 1]
 */
export class PriceWindow {
  /** Length of the window, ms. */
  readonly windowMs: number;
  /** Number of buckets the window is split into. */
  readonly buckets: number;
  /** Width of one bucket, ms. */
  readonly bucketMs: number;

  /** Lowest price in the window after the last `add` (NaN before the first). */
  min = Number.NaN;
  /** When the lowest price was seen (the latest time, on a tie). */
  minTs = Number.NaN;
  /** Highest price in the window after the last `add`. */
  max = Number.NaN;
  /** When the highest price was seen (the latest time, on a tie). */
  maxTs = Number.NaN;
  /** Oldest price in the window: the price held at its start, else the first price seen in it. */
  oldest = Number.NaN;
  /** When the oldest price was seen. */
  oldestTs = Number.NaN;
  /** Fraction (0..1) of `[start, t]` for which we had a price. */
  coverage = 0;
  /** Start of the window after the last `add`, ms (bucket-aligned, within one bucket after `t - windowMs`). */
  start = Number.NaN;
  /** Time of the newest tick, ms (out-of-order ticks do not move it back). */
  latestTs = Number.NaN;

  // The ring of written buckets, oldest at `head`. An entry's bucket is derived
  // from its `lastTs`, which always lies inside it.
  private readonly entryMin: Float64Array;
  private readonly entryMinTs: Float64Array;
  private readonly entryMax: Float64Array;
  private readonly entryMaxTs: Float64Array;
  private readonly entryLast: Float64Array;
  private readonly entryLastTs: Float64Array;
  private head = 0;
  private size = 0;
  private newestBucket = Number.NEGATIVE_INFINITY;

  // Monotonic queues of entry positions: entry minima increasing, maxima decreasing.
  private readonly lows: Uint16Array;
  private lowsHead = 0;
  private lowsSize = 0;
  private readonly highs: Uint16Array;
  private highsHead = 0;
  private highsSize = 0;

  // Blind intervals (from, to] with the price that ended each, oldest first.
  private readonly gapFrom = new Float64Array(MAX_GAPS);
  private readonly gapTo = new Float64Array(MAX_GAPS);
  private readonly gapPrice = new Float64Array(MAX_GAPS);
  private gapsHead = 0;
  private gapsSize = 0;
  private gapsTotal = 0;

  private firstTs = Number.NaN;
  private firstPrice = Number.NaN;
  private lastPrice = Number.NaN;
  // The newest bucket that left the window: its last price held at the window's start.
  private heldPrice = Number.NaN;
  private heldTs = Number.NaN;

  /**
   * @param windowMs length of the window, ms (> 0)
   * @param buckets how many buckets to split it into, 2..65536 (default 1000)
   */
  constructor(windowMs: number, buckets = 1000) {
    if (!(windowMs > 0) || !Number.isFinite(windowMs)) {
      throw new RangeError(`window length must be a positive number of ms, got ${windowMs}`);
    }
    if (!Number.isInteger(buckets) || buckets < 2 || buckets > MAX_BUCKETS) {
      throw new RangeError(`buckets must be an integer from 2 to ${MAX_BUCKETS}, got ${buckets}`);
    }
    this.windowMs = windowMs;
    this.buckets = buckets;
    this.bucketMs = windowMs / buckets;
    this.entryMin = new Float64Array(buckets);
    this.entryMinTs = new Float64Array(buckets);
    this.entryMax = new Float64Array(buckets);
    this.entryMaxTs = new Float64Array(buckets);
    this.entryLast = new Float64Array(buckets);
    this.entryLastTs = new Float64Array(buckets);
    this.lows = new Uint16Array(buckets);
    this.highs = new Uint16Array(buckets);
  }

  /**
   * Adds one price observation and updates `min`, `max`, `oldest`, `coverage` and `start`.
   *
   * @param price a positive finite price
   * @param ts when it was seen, ms
   * @param blindFrom when set, nothing could be seen from this time until `ts`
   */
  add(price: number, ts: number, blindFrom?: number): void {
    if (Number.isNaN(this.latestTs)) {
      this.firstTs = ts;
      this.firstPrice = price;
      this.latestTs = ts;
      this.lastPrice = price;
      this.newestBucket = this.bucketOf(ts);
      this.push(price, ts, price, ts);
      this.measure(ts);
      return;
    }
    const now = ts < this.latestTs ? this.latestTs : ts;
    const bucket = this.bucketOf(now);
    const windowStart = bucket - this.buckets + 1;
    this.expire(windowStart);

    // The old price held from the previous tick until `from`; after that we were blind.
    let from = now;
    if (blindFrom !== undefined && blindFrom < now) from = blindFrom < this.latestTs ? this.latestTs : blindFrom;
    const blind = from < now;
    if (blind) {
      const fromBucket = this.bucketOf(from);
      if (fromBucket > this.newestBucket && fromBucket >= windowStart) {
        // The held price was still seen in this bucket, up to `from`.
        this.newestBucket = fromBucket;
        this.push(this.lastPrice, this.latestTs, this.lastPrice, from);
      }
      this.addGap(from, now, price);
    }
    if (bucket > this.newestBucket) {
      this.newestBucket = bucket;
      // A new bucket starts with the held price, unless its start was blind.
      if (blind) this.push(price, now, price, now);
      else this.push(this.lastPrice, this.latestTs, price, now);
    }
    this.observe(price, now);
    this.latestTs = now;
    this.lastPrice = price;
    this.measure(now);
  }

  /** The grid bucket a time falls in. */
  private bucketOf(ts: number): number {
    return Math.floor(ts / this.bucketMs);
  }

  /** Appends an entry for a new bucket holding `price` (seen at `priceTs`), last seen at `lastTs`. */
  private push(price: number, priceTs: number, last: number, lastTs: number): void {
    const at = (this.head + this.size) % this.buckets;
    this.size += 1;
    this.entryMin[at] = price;
    this.entryMinTs[at] = priceTs;
    this.entryMax[at] = price;
    this.entryMaxTs[at] = priceTs;
    this.entryLast[at] = last;
    this.entryLastTs[at] = lastTs;
    this.enqueueLow(at);
    this.enqueueHigh(at);
  }

  /** Adds a tick to the newest entry. */
  private observe(price: number, ts: number): void {
    const at = (this.head + this.size - 1) % this.buckets;
    this.entryLast[at] = price;
    this.entryLastTs[at] = ts;
    if (price <= this.entryMin[at]!) {
      const lower = price < this.entryMin[at]!;
      this.entryMin[at] = price;
      this.entryMinTs[at] = ts;
      if (lower) this.enqueueLow(at);
    }
    if (price >= this.entryMax[at]!) {
      const higher = price > this.entryMax[at]!;
      this.entryMax[at] = price;
      this.entryMaxTs[at] = ts;
      if (higher) this.enqueueHigh(at);
    }
  }

  /** Puts the newest entry at the back of the minima queue, dropping entries it undercuts. */
  private enqueueLow(at: number): void {
    const n = this.buckets;
    const value = this.entryMin[at]!;
    while (this.lowsSize > 0) {
      const back = this.lows[(this.lowsHead + this.lowsSize - 1) % n]!;
      if (back !== at && this.entryMin[back]! < value) break;
      this.lowsSize -= 1;
    }
    this.lows[(this.lowsHead + this.lowsSize) % n] = at;
    this.lowsSize += 1;
  }

  /** Puts the newest entry at the back of the maxima queue, dropping entries it tops. */
  private enqueueHigh(at: number): void {
    const n = this.buckets;
    const value = this.entryMax[at]!;
    while (this.highsSize > 0) {
      const back = this.highs[(this.highsHead + this.highsSize - 1) % n]!;
      if (back !== at && this.entryMax[back]! > value) break;
      this.highsSize -= 1;
    }
    this.highs[(this.highsHead + this.highsSize) % n] = at;
    this.highsSize += 1;
  }

  /** Drops every entry of a bucket before `windowStart`, remembering the newest one's last price. */
  private expire(windowStart: number): void {
    const n = this.buckets;
    while (this.lowsSize > 0 && this.bucketOf(this.entryLastTs[this.lows[this.lowsHead]!]!) < windowStart) {
      this.lowsHead = (this.lowsHead + 1) % n;
      this.lowsSize -= 1;
    }
    while (this.highsSize > 0 && this.bucketOf(this.entryLastTs[this.highs[this.highsHead]!]!) < windowStart) {
      this.highsHead = (this.highsHead + 1) % n;
      this.highsSize -= 1;
    }
    while (this.size > 0 && this.bucketOf(this.entryLastTs[this.head]!) < windowStart) {
      this.heldPrice = this.entryLast[this.head]!;
      this.heldTs = this.entryLastTs[this.head]!;
      this.head = (this.head + 1) % n;
      this.size -= 1;
    }
  }

  /** Records the blind interval `(from, to]`, ended by a tick at `price`. */
  private addGap(from: number, to: number, price: number): void {
    if (this.gapsSize > 0) {
      const back = (this.gapsHead + this.gapsSize - 1) % MAX_GAPS;
      // No room left: extend the newest gap. This counts the seen time between the
      // two as blind, so coverage errs low, never high.
      if (this.gapsSize === MAX_GAPS) {
        this.gapsTotal += to - this.gapTo[back]!;
        this.gapTo[back] = to;
        this.gapPrice[back] = price;
        return;
      }
    }
    const at = (this.gapsHead + this.gapsSize) % MAX_GAPS;
    this.gapFrom[at] = from;
    this.gapTo[at] = to;
    this.gapPrice[at] = price;
    this.gapsSize += 1;
    this.gapsTotal += to - from;
  }

  /** Computes the public readings for a tick at `now`. */
  private measure(now: number): void {
    const start = (this.bucketOf(now) - this.buckets + 1) * this.bucketMs;
    this.start = start;
    const low = this.lows[this.lowsHead]!;
    this.min = this.entryMin[low]!;
    this.minTs = this.entryMinTs[low]!;
    const high = this.highs[this.highsHead]!;
    this.max = this.entryMax[high]!;
    this.maxTs = this.entryMaxTs[high]!;

    // Gaps that ended before the window are gone; one ending exactly at its start still
    // says the start was blind.
    while (this.gapsSize > 0 && this.gapTo[this.gapsHead]! < start) {
      this.gapsTotal -= this.gapTo[this.gapsHead]! - this.gapFrom[this.gapsHead]!;
      this.gapsHead = (this.gapsHead + 1) % MAX_GAPS;
      this.gapsSize -= 1;
    }
    if (this.gapsSize === 0) this.gapsTotal = 0; // no drift from float sums
    let blindMs = this.gapsTotal;
    let startBlind = false;
    if (this.gapsSize > 0) {
      const front = this.gapsHead;
      const from = this.gapFrom[front]!;
      if (from < start) {
        blindMs -= start - from;
        startBlind = true;
      }
    }
    if (start <= this.firstTs) {
      blindMs += this.firstTs - start;
      this.oldest = this.firstPrice;
      this.oldestTs = this.firstTs;
    } else if (startBlind) {
      this.oldest = this.gapPrice[this.gapsHead]!;
      this.oldestTs = this.gapTo[this.gapsHead]!;
    } else {
      this.oldest = this.heldPrice;
      this.oldestTs = this.heldTs;
    }
    const span = now - start;
    const coverage = (span - blindMs) / span;
    this.coverage = coverage < 0 ? 0 : coverage > 1 ? 1 : coverage;
  }
}
