import { MAX_WINDOW_MS } from '../domain/window-limits.js';

/** Disjoint blind intervals remembered per window; more within one window are merged (see `addGap`). */
const MAX_GAPS = 64;

/** Most buckets a window may have. */
const MAX_BUCKETS = 65_536;

/** Largest time offset from the base a Uint32 holds. */
const MAX_OFFSET = 0xffff_ffff;

// The window's scalars: 64-bit floats at the start of its buffer, the ones every tick reads first.
const LATEST_TS = 0;
const NEWEST_BUCKET = 8;
const BUCKET_MS = 16;
const BASE = 24; // the queues' times are offsets from this, ms
const FIRST_TS = 32;
const HELD_PRICE = 40; // the last price of the newest bucket that left the window: held at its start
const HELD_TS = 48;
const GAPS_TOTAL = 56;
const MIN = 64;
const MIN_TS = 72;
const MAX = 80;
const MAX_TS = 88;
const OLDEST = 96;
const OLDEST_TS = 104;
const COVERAGE = 112;
const START = 120;
const FIRST_PRICE = 128;
const SCALARS_BYTES = 136;

/** A queued low or high: its price (64-bit float) and time (32-bit offset from BASE). */
const ITEM_BYTES = 12;
const ITEM_TIME = 8;

/** A slot's last price (64-bit float), then its time from the bucket's start: 16 bits when narrow, else 32. */
const SLOT_TIME = 8;

/** Widest bucket, ms, whose times fit a 16-bit offset from the bucket's start. */
const NARROW_BUCKET_MS = 65_000;

/** Little-endian, as the machines node runs on; DataView accessors take it per call. */
const LE = true;

// Fields of one blind interval (from, to], with the price that ended it, in `gaps`.
const GAP_FROM = 0;
const GAP_TO = 1;
const GAP_PRICE = 2;
const GAP = 3;

/** Options of {@link PriceWindow}. */
export interface PriceWindowOptions {
  /**
   * Whether the window keeps its sliding min and max (`min`, `minTs`, `max`,
   * `maxTs`). A window read only for its oldest price and coverage (the 24 h
   * reference) needs a third of the memory without them. Default true.
   */
  readonly extremes?: boolean;
}

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
 * Storage, in one buffer: each bucket's last price and when (in its slot,
 * bucket mod `buckets`, so its time is an offset from the bucket's start: 16
 * bits when buckets are at most 65 s wide, else 32), a bit per slot saying it
 * holds one, and two monotonic queues of (price, time) for the sliding min and
 * max, each with at most one price per bucket (room for `buckets + 1`, times as
 * 32-bit offsets from a base that follows the window; a queued price and its
 * time share 12 bytes, read through one DataView, so reading one touches one
 * cache line). Prices are kept as they came (64-bit). About 34 bytes per bucket (33.5 KiB for 1000 buckets), 10 to
 * 12 without the extremes; up to 64 blind intervals are allocated on the first.
 * Buckets a held price ran through are not written: the price held at the
 * window's start (the last price of the newest bucket before it) is kept aside
 * and counted in min and max, unless the start was blind; then the window's
 * oldest price is the price that ended the blind spell.
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
  // Read on every tick first (V8 lays fields out in the order the constructor sets them).
  private readonly view: DataView;
  private newestSlot = 0; // slot of the newest bucket (kept, not derived: `%` on a float is a slow call)
  private lowsHead = 0;
  private lowsSize = 0;
  private highsHead = 0;
  private highsSize = 0;
  private readonly capacity: number;
  private readonly extremes: boolean;
  /** Whether a slot's time fits 16 bits. */
  private readonly narrow: boolean;
  private readonly slotBytes: number;
  /** Byte offsets of the lows, the highs, the slots and the slots' bits. */
  private readonly lowsAt: number;
  private readonly highsAt: number;
  private readonly slotsAt: number;
  private readonly bitsAt: number;
  /** Length of the window, ms. */
  readonly windowMs: number;
  /** Number of buckets the window is split into. */
  readonly buckets: number;
  // Blind intervals, oldest first.
  private gaps: Float64Array | undefined;
  private gapsHead = 0;
  private gapsSize = 0;

  /**
   * @param windowMs length of the window, ms (> 0, at most 2^32 - 2^16: 49.7 days)
   * @param buckets how many buckets to split it into, 2..65536 (default 1000)
   * @param options see {@link PriceWindowOptions}
   * @throws RangeError for any other window length or bucket count
   */
  constructor(windowMs: number, buckets = 1000, options: PriceWindowOptions = {}) {
    if (!(windowMs > 0) || !(windowMs <= MAX_WINDOW_MS)) {
      throw new RangeError(`window length must be a positive number of ms up to ${MAX_WINDOW_MS}, got ${windowMs}`);
    }
    if (!Number.isInteger(buckets) || buckets < 2 || buckets > MAX_BUCKETS) {
      throw new RangeError(`buckets must be an integer from 2 to ${MAX_BUCKETS}, got ${buckets}`);
    }
    const extremes = options.extremes ?? true;
    const bucketMs = windowMs / buckets;
    const narrow = bucketMs <= NARROW_BUCKET_MS;
    // One more than the buckets: a time on a bucket's edge may land in the next one by float rounding.
    const capacity = extremes ? buckets + 1 : 0;
    const slotBytes = SLOT_TIME + (narrow ? 2 : 4);
    const lowsAt = SCALARS_BYTES;
    const highsAt = lowsAt + capacity * ITEM_BYTES;
    const slotsAt = highsAt + capacity * ITEM_BYTES;
    const bitsAt = slotsAt + buckets * slotBytes;
    const view = new DataView(new ArrayBuffer(bitsAt + Math.ceil(buckets / 32) * 4));
    this.view = view;
    this.capacity = capacity;
    this.extremes = extremes;
    this.narrow = narrow;
    this.slotBytes = slotBytes;
    this.lowsAt = lowsAt;
    this.highsAt = highsAt;
    this.slotsAt = slotsAt;
    this.bitsAt = bitsAt;
    this.windowMs = windowMs;
    this.buckets = buckets;
    for (let at = 0; at < SCALARS_BYTES; at += 8) view.setFloat64(at, Number.NaN, LE);
    view.setFloat64(COVERAGE, 0, LE);
    view.setFloat64(BUCKET_MS, bucketMs, LE);
    view.setFloat64(NEWEST_BUCKET, Number.NEGATIVE_INFINITY, LE);
    view.setFloat64(GAPS_TOTAL, 0, LE);
  }

  /** Width of one bucket, ms. */
  get bucketMs(): number {
    return this.view.getFloat64(BUCKET_MS, LE);
  }
  /** Lowest price in the window after the last `add` (NaN before the first, or without extremes). */
  get min(): number {
    return this.view.getFloat64(MIN, LE);
  }
  /** When the lowest price was seen (the latest time, on a tie). */
  get minTs(): number {
    return this.view.getFloat64(MIN_TS, LE);
  }
  /** Highest price in the window after the last `add` (NaN before the first, or without extremes). */
  get max(): number {
    return this.view.getFloat64(MAX, LE);
  }
  /** When the highest price was seen (the latest time, on a tie). */
  get maxTs(): number {
    return this.view.getFloat64(MAX_TS, LE);
  }
  /** Oldest price in the window: the price held at its start, else the first price seen in it. */
  get oldest(): number {
    return this.view.getFloat64(OLDEST, LE);
  }
  /** When the oldest price was seen. */
  get oldestTs(): number {
    return this.view.getFloat64(OLDEST_TS, LE);
  }
  /** Fraction (0..1) of `[start, t]` for which we had a price. */
  get coverage(): number {
    return this.view.getFloat64(COVERAGE, LE);
  }
  /** Start of the window after the last `add`, ms (bucket-aligned, within one bucket after `t - windowMs`). */
  get start(): number {
    return this.view.getFloat64(START, LE);
  }
  /** Time of the newest tick, ms (out-of-order ticks do not move it back). */
  get latestTs(): number {
    return this.view.getFloat64(LATEST_TS, LE);
  }

  /**
   * Adds one price observation and updates `min`, `max`, `oldest`, `coverage` and `start`.
   *
   * @param price a positive finite price
   * @param ts when it was seen, whole ms (every `Tick`'s `ts` is)
   * @param blindFrom when set, nothing could be seen from this time until `ts`
   * @throws RangeError when `ts` is not a whole number of ms (the window keeps times as integers)
   */
  add(price: number, ts: number, blindFrom?: number): void {
    if (!Number.isSafeInteger(ts)) throw new RangeError(`a window's times must be whole ms, got ${ts}`);
    const v = this.view;
    const latest = v.getFloat64(LATEST_TS, LE);
    if (Number.isNaN(latest)) {
      v.setFloat64(FIRST_TS, ts, LE);
      v.setFloat64(FIRST_PRICE, price, LE);
      v.setFloat64(BASE, ts, LE);
      const bucket = this.bucketOf(ts);
      v.setFloat64(NEWEST_BUCKET, bucket, LE);
      this.newestSlot = this.slotOf(bucket);
      this.setLast(price, ts, bucket, true);
    } else {
      const now = ts < latest ? latest : ts;
      ts = now;
      const bucket = this.bucketOf(now);
      const newest = v.getFloat64(NEWEST_BUCKET, LE);
      // Still in the newest bucket: the window has not moved, nothing can expire.
      const opens = bucket !== newest;
      if (opens) {
        this.expire(newest - this.buckets + 1, bucket - this.buckets + 1);
        const step = bucket - newest;
        const slot = this.newestSlot + step;
        this.newestSlot = step < this.buckets ? (slot >= this.buckets ? slot - this.buckets : slot) : this.slotOf(bucket);
        v.setFloat64(NEWEST_BUCKET, bucket, LE);
        if (this.extremes && now - v.getFloat64(BASE, LE) > MAX_OFFSET) this.rebase(now);
      }
      // The old price held from the previous tick until `from`; after that we were blind.
      if (blindFrom !== undefined && blindFrom < now) {
        const from = blindFrom < latest ? latest : blindFrom;
        if (from < now) this.addGap(from, now, price);
      }
      this.setLast(price, now, bucket, opens);
    }
    if (this.extremes) this.observeExtremes(price, ts);
    v.setFloat64(LATEST_TS, ts, LE);
    this.measure(ts);
  }

  /** The grid bucket a time falls in. */
  private bucketOf(ts: number): number {
    return Math.floor(ts / this.view.getFloat64(BUCKET_MS, LE));
  }

  /** The slot of a bucket's last price (times before 1970 make negative buckets). */
  private slotOf(bucket: number): number {
    const slot = bucket % this.buckets;
    return slot < 0 ? slot + this.buckets : slot;
  }

  /** Position `offset` places after `from` in a queue of `capacity` items. */
  private wrap(from: number, offset: number): number {
    const at = from + offset;
    return at >= this.capacity ? at - this.capacity : at;
  }

  /** Records `price`, seen at `ts`, as the last price of `bucket`, the newest (`opens`: its first). */
  private setLast(price: number, ts: number, bucket: number, opens: boolean): void {
    const v = this.view;
    const slot = this.newestSlot;
    if (opens) {
      const word = this.bitsAt + ((slot >>> 5) << 2);
      v.setUint32(word, v.getUint32(word, LE) | (1 << (slot & 31)), LE);
    }
    const at = this.slotsAt + slot * this.slotBytes;
    v.setFloat64(at, price, LE);
    const offset = ts - Math.floor(bucket * v.getFloat64(BUCKET_MS, LE));
    if (this.narrow) v.setUint16(at + SLOT_TIME, offset, LE);
    else v.setUint32(at + SLOT_TIME, offset, LE);
  }

  /**
   * Puts a tick on the back of the minima queue (increasing prices) and of the
   * maxima queue (decreasing), dropping what it undercuts or tops (ties too: on
   * a tie the latest time is reported). A tick is not queued behind an entry of
   * its own bucket that stays better than it: both leave the window together.
   */
  private observeExtremes(price: number, now: number): void {
    const base = this.view.getFloat64(BASE, LE);
    this.lowsSize = this.enqueue(this.lowsAt, this.lowsHead, this.lowsSize, price, now, base, true);
    this.highsSize = this.enqueue(this.highsAt, this.highsHead, this.highsSize, price, now, base, false);
  }

  /** {@link observeExtremes} on one queue (`lows`: prices increase from its head, else decrease); returns its new size. */
  private enqueue(at: number, head: number, size: number, price: number, now: number, base: number, lows: boolean): number {
    const v = this.view;
    const c = this.capacity;
    let back = 0;
    while (size > 0) {
      const k = head + size - 1;
      back = at + (k >= c ? k - c : k) * ITEM_BYTES;
      const queued = v.getFloat64(back, LE);
      if (lows ? queued < price : queued > price) break;
      size -= 1;
    }
    if (size > 0 && this.sameBucket(v.getUint32(back + ITEM_TIME, LE) + base, now)) return size;
    const k = head + size;
    const item = at + (k >= c ? k - c : k) * ITEM_BYTES;
    v.setFloat64(item, price, LE);
    v.setUint32(item + ITEM_TIME, now - base, LE);
    return size + 1;
  }

  /**
   * Whether a queued time and `now` both lie in the newest bucket as expiry sees
   * it (the same products of bucket and width), so both leave the window together.
   */
  private sameBucket(queued: number, now: number): boolean {
    const v = this.view;
    const bucketMs = v.getFloat64(BUCKET_MS, LE);
    const newest = v.getFloat64(NEWEST_BUCKET, LE);
    return queued >= newest * bucketMs && now < (newest + 1) * bucketMs;
  }

  /**
   * Moves the window's first bucket from `from` to `to`: empties the slots of the
   * buckets that left, remembering the newest one's last price (the price held
   * at the new start), and drops the queued prices seen before the new start.
   * Reads the slots' bits a word (32 buckets) at a time, so a quiet spell costs
   * O(buckets / 32) once.
   */
  private expire(from: number, to: number): void {
    const v = this.view;
    const n = this.buckets;
    const bitsAt = this.bitsAt;
    // A jump of more than the window empties it: each slot is visited once.
    let remaining = to - from > n ? n : to - from;
    // The window's first bucket shares its slot with the one after the newest.
    let slot = this.newestSlot + 1 === n ? 0 : this.newestSlot + 1;
    let bucket = from;
    let held = -1;
    let heldBucket = 0;
    // A word of bits at a time: the slots of [bucket, bucket + span) share one word.
    while (remaining > 0) {
      const first = slot & 31;
      let span = 32 - first;
      if (span > n - slot) span = n - slot;
      if (span > remaining) span = remaining;
      const mask = (0xffff_ffff >>> (32 - span)) << first;
      const word = bitsAt + ((slot >>> 5) << 2);
      const bits = v.getUint32(word, LE);
      const hit = bits & mask;
      if (hit !== 0) {
        v.setUint32(word, bits & ~mask, LE);
        const top = 31 - Math.clz32(hit); // the newest bucket among those that saw a price
        held = slot - first + top;
        heldBucket = bucket + top - first;
      }
      slot = slot + span === n ? 0 : slot + span;
      bucket += span;
      remaining -= span;
    }
    const bucketMs = v.getFloat64(BUCKET_MS, LE);
    if (held >= 0) {
      const at = this.slotsAt + held * this.slotBytes;
      v.setFloat64(HELD_PRICE, v.getFloat64(at, LE), LE);
      const offset = this.narrow ? v.getUint16(at + SLOT_TIME, LE) : v.getUint32(at + SLOT_TIME, LE);
      v.setFloat64(HELD_TS, Math.floor(heldBucket * bucketMs) + offset, LE);
    }
    if (!this.extremes) return;
    const c = this.capacity;
    const start = to * bucketMs - v.getFloat64(BASE, LE);
    let head = this.lowsHead;
    let size = this.lowsSize;
    while (size > 0 && v.getUint32(this.lowsAt + head * ITEM_BYTES + ITEM_TIME, LE) < start) {
      head = head + 1 === c ? 0 : head + 1;
      size -= 1;
    }
    this.lowsHead = head;
    this.lowsSize = size;
    head = this.highsHead;
    size = this.highsSize;
    while (size > 0 && v.getUint32(this.highsAt + head * ITEM_BYTES + ITEM_TIME, LE) < start) {
      head = head + 1 === c ? 0 : head + 1;
      size -= 1;
    }
    this.highsHead = head;
    this.highsSize = size;
  }

  /**
   * Moves the queues' time base up to just before the window, so their offsets
   * stay within 32 bits however long the window runs. Everything still queued
   * was seen after `now - windowMs` (expiry ran first). Once every 2^32 ms (49
   * days) at most.
   */
  private rebase(now: number): void {
    const v = this.view;
    const base = v.getFloat64(BASE, LE);
    const shift = Math.floor(now - this.windowMs) - 1 - base;
    for (const [at, head, size] of [[this.lowsAt, this.lowsHead, this.lowsSize], [this.highsAt, this.highsHead, this.highsSize]] as const) {
      for (let k = 0; k < size; k++) {
        const time = at + this.wrap(head, k) * ITEM_BYTES + ITEM_TIME;
        v.setUint32(time, v.getUint32(time, LE) - shift, LE);
      }
    }
    v.setFloat64(BASE, base + shift, LE);
  }

  /** Records the blind interval `(from, to]`, ended by a tick at `price`. */
  private addGap(from: number, to: number, price: number): void {
    const g = (this.gaps ??= new Float64Array(MAX_GAPS * GAP));
    const v = this.view;
    if (this.gapsSize === MAX_GAPS) {
      // No room left: extend the newest gap. This counts the seen time between the
      // two as blind, so coverage errs low, never high.
      const back = ((this.gapsHead + MAX_GAPS - 1) % MAX_GAPS) * GAP;
      v.setFloat64(GAPS_TOTAL, v.getFloat64(GAPS_TOTAL, LE) + to - g[back + GAP_TO]!, LE);
      g[back + GAP_TO] = to;
      g[back + GAP_PRICE] = price;
      return;
    }
    const at = ((this.gapsHead + this.gapsSize) % MAX_GAPS) * GAP;
    g[at + GAP_FROM] = from;
    g[at + GAP_TO] = to;
    g[at + GAP_PRICE] = price;
    this.gapsSize += 1;
    v.setFloat64(GAPS_TOTAL, v.getFloat64(GAPS_TOTAL, LE) + to - from, LE);
  }

  /** Computes the public readings for a tick at `now`. */
  private measure(now: number): void {
    const v = this.view;
    const start = (v.getFloat64(NEWEST_BUCKET, LE) - this.buckets + 1) * v.getFloat64(BUCKET_MS, LE);
    v.setFloat64(START, start, LE);

    let blindMs = 0;
    let startBlind = false;
    const g = this.gaps;
    if (g !== undefined && this.gapsSize > 0) {
      // Gaps that ended before the window are gone; one ending exactly at its start
      // still says the start was blind.
      let total = v.getFloat64(GAPS_TOTAL, LE);
      while (this.gapsSize > 0 && g[this.gapsHead * GAP + GAP_TO]! < start) {
        total -= g[this.gapsHead * GAP + GAP_TO]! - g[this.gapsHead * GAP + GAP_FROM]!;
        this.gapsHead = (this.gapsHead + 1) % MAX_GAPS;
        this.gapsSize -= 1;
      }
      if (this.gapsSize === 0) {
        total = 0; // no drift from float sums
      } else {
        blindMs = total;
        const from = g[this.gapsHead * GAP + GAP_FROM]!;
        if (from < start) {
          blindMs -= start - from;
          startBlind = true;
        }
      }
      v.setFloat64(GAPS_TOTAL, total, LE);
    }

    // The price held at the start counts as seen in the window, unless the start was blind.
    let held = false;
    const firstTs = v.getFloat64(FIRST_TS, LE);
    if (start <= firstTs) {
      blindMs += firstTs - start;
      v.setFloat64(OLDEST, v.getFloat64(FIRST_PRICE, LE), LE);
      v.setFloat64(OLDEST_TS, firstTs, LE);
    } else if (startBlind) {
      v.setFloat64(OLDEST, g![this.gapsHead * GAP + GAP_PRICE]!, LE);
      v.setFloat64(OLDEST_TS, g![this.gapsHead * GAP + GAP_TO]!, LE);
    } else {
      v.setFloat64(OLDEST, v.getFloat64(HELD_PRICE, LE), LE);
      v.setFloat64(OLDEST_TS, v.getFloat64(HELD_TS, LE), LE);
      held = true;
    }

    if (this.extremes) {
      const base = v.getFloat64(BASE, LE);
      const heldPrice = v.getFloat64(HELD_PRICE, LE);
      // A held price was seen before anything queued: on a tie the queued one is the latest.
      const low = this.lowsAt + this.lowsHead * ITEM_BYTES;
      const lowPrice = v.getFloat64(low, LE);
      if (held && heldPrice < lowPrice) {
        v.setFloat64(MIN, heldPrice, LE);
        v.setFloat64(MIN_TS, v.getFloat64(HELD_TS, LE), LE);
      } else {
        v.setFloat64(MIN, lowPrice, LE);
        v.setFloat64(MIN_TS, v.getUint32(low + ITEM_TIME, LE) + base, LE);
      }
      const high = this.highsAt + this.highsHead * ITEM_BYTES;
      const highPrice = v.getFloat64(high, LE);
      if (held && heldPrice > highPrice) {
        v.setFloat64(MAX, heldPrice, LE);
        v.setFloat64(MAX_TS, v.getFloat64(HELD_TS, LE), LE);
      } else {
        v.setFloat64(MAX, highPrice, LE);
        v.setFloat64(MAX_TS, v.getUint32(high + ITEM_TIME, LE) + base, LE);
      }
    }

    const span = now - start;
    const coverage = (span - blindMs) / span;
    v.setFloat64(COVERAGE, coverage < 0 ? 0 : coverage > 1 ? 1 : coverage, LE);
  }
}
