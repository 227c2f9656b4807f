/** Disjoint blind intervals remembered per window; more within one window are merged (see `addGap`). */
const MAX_GAPS = 64;

/** The ring of written buckets is indexed with 16-bit positions. */
const MAX_BUCKETS = 65_536;

// The window's numbers live in one Float64Array, `data`: first the scalars below,
// then the ring of entries. With a thousand symbols the windows do not fit in any
// cache, and one array instead of many boxed number fields costs fewer misses per tick.
const MIN = 0;
const MIN_TS = 1;
const MAX = 2;
const MAX_TS = 3;
const OLDEST = 4;
const OLDEST_TS = 5;
const COVERAGE = 6;
const START = 7;
const LATEST_TS = 8;
const BUCKET_MS = 9;
const FIRST_TS = 10;
const FIRST_PRICE = 11;
const LAST_PRICE = 12;
const HELD_PRICE = 13; // the newest entry that left the window: its last price held at the window's start
const HELD_TS = 14;
const NEWEST_BUCKET = 15;
const OLDEST_BUCKET = 16; // bucket of the entry at `head`: lets `expire` return without touching the ring
const GAPS_TOTAL = 17;
const SCALARS = 18;

// Fields of one entry (a bucket that saw a price), at SCALARS + position x ENTRY.
// An entry's bucket is derived from its last time, which always lies inside it.
const E_MIN = 0;
const E_MIN_TS = 1;
const E_MAX = 2;
const E_MAX_TS = 3;
const E_LAST = 4;
const E_LAST_TS = 5;
const ENTRY = 6;

// Fields of one blind interval (from, to], with the price that ended it, in `gaps`.
const GAP_FROM = 0;
const GAP_TO = 1;
const GAP_PRICE = 2;
const GAP = 3;

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
 * with their times) in a ring of `buckets` entries, two monotonic queues of
 * entry positions for the sliding min and max, and up to 64 blind intervals
 * (allocated on the first). Buckets a held price ran through are not written
 * one by one: the held price is added to the next written bucket instead, which
 * keeps a long quiet spell O(1). 52 bytes per bucket: ~51 KiB for 1000 buckets.
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

  private readonly data: Float64Array;
  // Ring of entries: `size` entries from position `head`.
  private head = 0;
  private size = 0;
  // Two monotonic queues of entry positions in one array: the minima queue
  // (increasing) in [0, buckets), the maxima queue (decreasing) in [buckets, 2 x buckets).
  private readonly queues: Uint16Array;
  private lowsHead = 0;
  private lowsSize = 0;
  private highsHead = 0;
  private highsSize = 0;
  // Blind intervals, oldest first.
  private gaps: Float64Array | undefined;
  private gapsHead = 0;
  private gapsSize = 0;

  /**
   * @param windowMs length of the window, ms (> 0)
   * @param buckets how many buckets to split it into, 2..65536 (default 1000)
   * @throws RangeError for any other window length or bucket count
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
    this.data = new Float64Array(SCALARS + buckets * ENTRY);
    this.queues = new Uint16Array(buckets * 2);
    const d = this.data;
    d.fill(Number.NaN, 0, SCALARS);
    d[COVERAGE] = 0;
    d[BUCKET_MS] = windowMs / buckets;
    d[NEWEST_BUCKET] = Number.NEGATIVE_INFINITY;
    d[OLDEST_BUCKET] = Number.POSITIVE_INFINITY;
    d[GAPS_TOTAL] = 0;
  }

  /** Width of one bucket, ms. */
  get bucketMs(): number {
    return this.data[BUCKET_MS]!;
  }
  /** Lowest price in the window after the last `add` (NaN before the first). */
  get min(): number {
    return this.data[MIN]!;
  }
  /** When the lowest price was seen (the latest time, on a tie). */
  get minTs(): number {
    return this.data[MIN_TS]!;
  }
  /** Highest price in the window after the last `add`. */
  get max(): number {
    return this.data[MAX]!;
  }
  /** When the highest price was seen (the latest time, on a tie). */
  get maxTs(): number {
    return this.data[MAX_TS]!;
  }
  /** Oldest price in the window: the price held at its start, else the first price seen in it. */
  get oldest(): number {
    return this.data[OLDEST]!;
  }
  /** When the oldest price was seen. */
  get oldestTs(): number {
    return this.data[OLDEST_TS]!;
  }
  /** Fraction (0..1) of `[start, t]` for which we had a price. */
  get coverage(): number {
    return this.data[COVERAGE]!;
  }
  /** Start of the window after the last `add`, ms (bucket-aligned, within one bucket after `t - windowMs`). */
  get start(): number {
    return this.data[START]!;
  }
  /** Time of the newest tick, ms (out-of-order ticks do not move it back). */
  get latestTs(): number {
    return this.data[LATEST_TS]!;
  }

  /**
   * Adds one price observation and updates `min`, `max`, `oldest`, `coverage` and `start`.
   *
   * @param price a positive finite price
   * @param ts when it was seen, ms
   * @param blindFrom when set, nothing could be seen from this time until `ts`
   */
  add(price: number, ts: number, blindFrom?: number): void {
    const d = this.data;
    const latest = d[LATEST_TS]!;
    if (Number.isNaN(latest)) {
      d[FIRST_TS] = ts;
      d[FIRST_PRICE] = price;
      d[LATEST_TS] = ts;
      d[LAST_PRICE] = price;
      d[NEWEST_BUCKET] = this.bucketOf(ts);
      this.push(price, ts, price, ts);
      this.measure(ts);
      return;
    }
    const now = ts < latest ? latest : ts;
    const bucket = this.bucketOf(now);
    const windowStart = bucket - this.buckets + 1;
    // Still in the newest bucket: the window has not moved, nothing can expire.
    if (bucket !== d[NEWEST_BUCKET]) this.expire(windowStart);

    // The old price held from the previous tick until `from`; after that we were blind.
    let from = now;
    if (blindFrom !== undefined && blindFrom < now) from = blindFrom < latest ? latest : blindFrom;
    const blind = from < now;
    const held = d[LAST_PRICE]!;
    if (blind) {
      const fromBucket = this.bucketOf(from);
      if (fromBucket > d[NEWEST_BUCKET]! && fromBucket >= windowStart) {
        // The held price was still seen in this bucket, up to `from`.
        d[NEWEST_BUCKET] = fromBucket;
        this.push(held, latest, held, from);
      }
      this.addGap(from, now, price);
    }
    if (bucket > d[NEWEST_BUCKET]!) {
      d[NEWEST_BUCKET] = bucket;
      // A new bucket starts with the held price, unless its start was blind.
      if (blind) this.push(price, now, price, now);
      else this.push(held, latest, price, now);
    }
    this.observe(price, now);
    d[LATEST_TS] = now;
    d[LAST_PRICE] = price;
    this.measure(now);
  }

  /** The grid bucket a time falls in. */
  private bucketOf(ts: number): number {
    return Math.floor(ts / this.data[BUCKET_MS]!);
  }

  /** Position `offset` places after `from` in a ring of `buckets` slots. */
  private wrap(from: number, offset: number): number {
    const at = from + offset;
    return at >= this.buckets ? at - this.buckets : at;
  }

  /** Index in `data` of the entry at ring position `at`. */
  private static entry(at: number): number {
    return SCALARS + at * ENTRY;
  }

  /** Appends an entry for a new bucket holding `price` (seen at `priceTs`), last seen at `lastTs`. */
  private push(price: number, priceTs: number, last: number, lastTs: number): void {
    const d = this.data;
    const at = this.wrap(this.head, this.size);
    if (this.size === 0) d[OLDEST_BUCKET] = this.bucketOf(lastTs);
    this.size += 1;
    const i = PriceWindow.entry(at);
    d[i + E_MIN] = price;
    d[i + E_MIN_TS] = priceTs;
    d[i + E_MAX] = price;
    d[i + E_MAX_TS] = priceTs;
    d[i + E_LAST] = last;
    d[i + E_LAST_TS] = lastTs;
    this.enqueueLow(at);
    this.enqueueHigh(at);
  }

  /** Adds a tick to the newest entry. */
  private observe(price: number, ts: number): void {
    const d = this.data;
    const at = this.wrap(this.head, this.size - 1);
    const i = PriceWindow.entry(at);
    d[i + E_LAST] = price;
    d[i + E_LAST_TS] = ts;
    const min = d[i + E_MIN]!;
    if (price <= min) {
      d[i + E_MIN] = price;
      d[i + E_MIN_TS] = ts;
      if (price < min) this.enqueueLow(at);
    }
    const max = d[i + E_MAX]!;
    if (price >= max) {
      d[i + E_MAX] = price;
      d[i + E_MAX_TS] = ts;
      if (price > max) this.enqueueHigh(at);
    }
  }

  /** Puts the newest entry at the back of the minima queue, dropping entries it undercuts. */
  private enqueueLow(at: number): void {
    const q = this.queues;
    const d = this.data;
    const value = d[PriceWindow.entry(at) + E_MIN]!;
    while (this.lowsSize > 0) {
      const back = q[this.wrap(this.lowsHead, this.lowsSize - 1)]!;
      if (back !== at && d[PriceWindow.entry(back) + E_MIN]! < value) break;
      this.lowsSize -= 1;
    }
    q[this.wrap(this.lowsHead, this.lowsSize)] = at;
    this.lowsSize += 1;
  }

  /** Puts the newest entry at the back of the maxima queue, dropping entries it tops. */
  private enqueueHigh(at: number): void {
    const q = this.queues;
    const d = this.data;
    const n = this.buckets;
    const value = d[PriceWindow.entry(at) + E_MAX]!;
    while (this.highsSize > 0) {
      const back = q[n + this.wrap(this.highsHead, this.highsSize - 1)]!;
      if (back !== at && d[PriceWindow.entry(back) + E_MAX]! > value) break;
      this.highsSize -= 1;
    }
    q[n + this.wrap(this.highsHead, this.highsSize)] = at;
    this.highsSize += 1;
  }

  /**
   * Drops every entry of a bucket before `windowStart`, remembering the newest one's last price.
   * Hot: it runs once per tick that opens a bucket, and reads entries at the far end of the
   * ring (cache misses), so it compares times against the start in ms and steps the ring
   * positions inline instead of dividing each entry's time into a bucket number.
   */
  private expire(windowStart: number): void {
    const d = this.data;
    if (d[OLDEST_BUCKET]! >= windowStart) return;
    const startMs = windowStart * d[BUCKET_MS]!;
    const q = this.queues;
    const n = this.buckets;
    let head = this.lowsHead;
    let size = this.lowsSize;
    while (size > 0 && d[SCALARS + q[head]! * ENTRY + E_LAST_TS]! < startMs) {
      head = head + 1 === n ? 0 : head + 1;
      size -= 1;
    }
    this.lowsHead = head;
    this.lowsSize = size;
    head = this.highsHead;
    size = this.highsSize;
    while (size > 0 && d[SCALARS + q[n + head]! * ENTRY + E_LAST_TS]! < startMs) {
      head = head + 1 === n ? 0 : head + 1;
      size -= 1;
    }
    this.highsHead = head;
    this.highsSize = size;
    head = this.head;
    size = this.size;
    while (size > 0) {
      const i = SCALARS + head * ENTRY;
      if (d[i + E_LAST_TS]! >= startMs) break;
      d[HELD_PRICE] = d[i + E_LAST]!;
      d[HELD_TS] = d[i + E_LAST_TS]!;
      head = head + 1 === n ? 0 : head + 1;
      size -= 1;
    }
    this.head = head;
    this.size = size;
    d[OLDEST_BUCKET] = size > 0 ? this.bucketOf(d[SCALARS + head * ENTRY + E_LAST_TS]!) : Number.POSITIVE_INFINITY;
  }

  /** Records the blind interval `(from, to]`, ended by a tick at `price`. */
  private addGap(from: number, to: number, price: number): void {
    const g = (this.gaps ??= new Float64Array(MAX_GAPS * GAP));
    const d = this.data;
    if (this.gapsSize === MAX_GAPS) {
      // No room left: extend the newest gap. This counts the seen time between the
      // two as blind, so coverage errs low, never high.
      const back = ((this.gapsHead + MAX_GAPS - 1) % MAX_GAPS) * GAP;
      d[GAPS_TOTAL] = d[GAPS_TOTAL]! + to - g[back + GAP_TO]!;
      g[back + GAP_TO] = to;
      g[back + GAP_PRICE] = price;
      return;
    }
    const at = ((this.gapsHead + this.gapsSize) % MAX_GAPS) * GAP;
    g[at + GAP_FROM] = from;
    g[at + GAP_TO] = to;
    g[at + GAP_PRICE] = price;
    this.gapsSize += 1;
    d[GAPS_TOTAL] = d[GAPS_TOTAL]! + to - from;
  }

  /** Computes the public readings for a tick at `now`. */
  private measure(now: number): void {
    const d = this.data;
    const q = this.queues;
    const start = (this.bucketOf(now) - this.buckets + 1) * d[BUCKET_MS]!;
    d[START] = start;
    const low = PriceWindow.entry(q[this.lowsHead]!);
    d[MIN] = d[low + E_MIN]!;
    d[MIN_TS] = d[low + E_MIN_TS]!;
    const high = PriceWindow.entry(q[this.buckets + this.highsHead]!);
    d[MAX] = d[high + E_MAX]!;
    d[MAX_TS] = d[high + E_MAX_TS]!;

    let blindMs = 0;
    let startBlind = false;
    const g = this.gaps;
    if (g !== undefined && this.gapsSize > 0) {
      // Gaps that ended before the window are gone; one ending exactly at its start
      // still says the start was blind.
      while (this.gapsSize > 0 && g[this.gapsHead * GAP + GAP_TO]! < start) {
        d[GAPS_TOTAL] = d[GAPS_TOTAL]! - (g[this.gapsHead * GAP + GAP_TO]! - g[this.gapsHead * GAP + GAP_FROM]!);
        this.gapsHead = (this.gapsHead + 1) % MAX_GAPS;
        this.gapsSize -= 1;
      }
      if (this.gapsSize === 0) {
        d[GAPS_TOTAL] = 0; // no drift from float sums
      } else {
        blindMs = d[GAPS_TOTAL]!;
        const from = g[this.gapsHead * GAP + GAP_FROM]!;
        if (from < start) {
          blindMs -= start - from;
          startBlind = true;
        }
      }
    }
    const firstTs = d[FIRST_TS]!;
    if (start <= firstTs) {
      blindMs += firstTs - start;
      d[OLDEST] = d[FIRST_PRICE]!;
      d[OLDEST_TS] = firstTs;
    } else if (startBlind) {
      d[OLDEST] = g![this.gapsHead * GAP + GAP_PRICE]!;
      d[OLDEST_TS] = g![this.gapsHead * GAP + GAP_TO]!;
    } else {
      d[OLDEST] = d[HELD_PRICE]!;
      d[OLDEST_TS] = d[HELD_TS]!;
    }
    const span = now - start;
    const coverage = (span - blindMs) / span;
    d[COVERAGE] = coverage < 0 ? 0 : coverage > 1 ? 1 : coverage;
  }
}
