import { MAX_WINDOW_MS } from '../domain/window-limits.js';
import { Slab, WindowSlots } from './window-slots.js';

/** Disjoint blind intervals remembered per window; more within one window are merged (see `addGap`). */
const MAX_GAPS = 64;

/** Most buckets a window may have. */
const MAX_BUCKETS = 65_536;

// Hot-path numbers are `const enum` members, not module constants: tsc writes them
// into the code as literals, so they stay constants for V8 however the code is
// bundled (a bundler turns a module's top-level `const` into a `var`, which
// optimized code must load on every use).

/**
 * Byte offsets of the window's state at the start of its buffer: everything a
 * tick reads or writes besides the ends of the log and of the queues, packed
 * so that it spans as few cache lines as it can. With thousands of symbols a
 * symbol's state is cold when its tick comes: each line is a miss.
 */
const enum At {
  LatestTs = 0, // f64: time of the newest tick
  NewestBucket = 8, // f64: grid bucket of the newest tick
  Base = 16, // f64: the log's and the queues' times are offsets from this, ms
  HeldPrice = 24, // f64: the last price of the newest bucket that left the window, held at its start
  HeldTs = 32, // f64: its time
  Coverage = 40, // f64
  FrontTime = 48, // u32: a copy of the time of the log's front entry (from `Base`), so that expiry reads the log only when the front leaves
  HeldMay = 52, // u8: whether the held price may be the lowest (bit 1) or the highest (bit 2) in the window
  OldestFrom = 53, // u8: where the oldest price is (`OldestFrom`); when `Held`, the held price also counts in min and max
  FrontPrice = 56, // f64: a copy of the front entry's price
  FrontBucket = 64, // f64: its bucket
  Extra = 72, // the owner's f64 slots (see `PriceWindowOptions.extraSlots`), then the fields of `Cold`
}

/** Offsets of the state a tick seldom reads, from `WindowLayout.coldAt`: after the owner's slots, so those share the first lines. */
const enum Cold {
  FirstTs = 0, // f64: read only until the window has moved past the first tick
  FirstPrice = 8, // f64
  Bytes = 16,
}

/** Where the window's oldest price is (`At.OldestFrom`). */
const enum OldestFrom {
  First = 0, // the first price ever seen: the window starts before it
  Gap = 1, // the price that ended the blind spell the window starts in
  Held = 2, // the price held at the window's start, which then also counts in min and max
}

/**
 * Room a new window has in its slot, doubled whenever the log or a queue is
 * full, up to the most they can hold, and halved when the log is down to a
 * quarter: a window's memory follows how many of its buckets see a price, and
 * a sparse symbol's window stays small.
 */
const enum Room {
  Log = 16, // log entries
  Queue = 8, // positions of the queues' ring
}

/** Entries of the log, and items of the queues. */
const enum Item {
  MaxOffset = 0xffff_ffff, // largest time offset from the base a u32 holds
  Bytes = 12, // a bucket's last price, or a queued low or high: its price (f64) and time (u32 offset from `At.Base`)
  Time = 8,
  Pair = 24, // the queues' items at one position of their shared ring: the low's, then the high's
}

// Fields of one blind interval (from, to], with the price that ended it, in `gaps`.
const enum Gap {
  From = 0,
  To = 1,
  Price = 2,
  Size = 3,
}

/** A window's blind intervals, oldest first: a ring of `MAX_GAPS` (from, to, price) triples, and their total length. */
interface Gaps {
  readonly data: Float64Array;
  head: number;
  size: number;
  total: number;
}

/**
 * What every window of one shape (length, buckets, extremes, extra slots)
 * shares: its constants and its buffer's layout, read on every tick and kept
 * once for all symbols, so they stay in the cache.
 */
interface WindowLayout {
  readonly windowMs: number;
  readonly buckets: number;
  readonly bucketMs: number;
  readonly extremes: boolean;
  /** Most items a queue holds: one more than the buckets (a time on a bucket's edge may land in the next one by float rounding); 0 without extremes. */
  readonly capacity: number;
  readonly extraSlots: number;
  /** Byte offset of the fields of `Cold`. */
  readonly coldAt: number;
  /** Byte offset of the log: the state's size. The ring of the queues follows the log. */
  readonly logAt: number;
}

const layouts = new Map<string, WindowLayout>();

/** The shared layout of a window shape, made on first use (a handful of shapes per process). */
function layoutOf(windowMs: number, buckets: number, extremes: boolean, extraSlots: number): WindowLayout {
  const key = `${windowMs}/${buckets}/${extremes}/${extraSlots}`;
  let layout = layouts.get(key);
  if (layout === undefined) {
    const bucketMs = windowMs / buckets;
    const capacity = extremes ? buckets + 1 : 0;
    const coldAt = At.Extra + extraSlots * 8;
    const logAt = coldAt + Cold.Bytes;
    layout = { windowMs, buckets, bucketMs, extremes, capacity, extraSlots, coldAt, logAt };
    layouts.set(key, layout);
  }
  return layout;
}

/** The layout of a window of this shape, or a RangeError naming what is wrong. */
function checkedLayout(windowMs: number, buckets: number, options: PriceWindowOptions): WindowLayout {
  if (!(windowMs > 0) || !(windowMs <= MAX_WINDOW_MS)) {
    throw new RangeError(`window length must be a positive number of ms up to ${MAX_WINDOW_MS}, got ${windowMs}`);
  }
  if (!Number.isInteger(buckets) || buckets < 2 || buckets > MAX_BUCKETS) {
    throw new RangeError(`buckets must be an integer from 2 to ${MAX_BUCKETS}, got ${buckets}`);
  }
  const extraSlots = options.extraSlots ?? 0;
  if (!Number.isInteger(extraSlots) || extraSlots < 0 || extraSlots > 64) {
    throw new RangeError(`extraSlots must be an integer from 0 to 64, got ${extraSlots}`);
  }
  return layoutOf(windowMs, buckets, options.extremes ?? true, extraSlots);
}

/**
 * `k` (0 <= k < 2 x room) as a position in a ring of `room`. Without a branch:
 * rings are small (they grow as needed), so `k` often passes the end, and a
 * branch there would be mispredicted on many ticks.
 */
function wrap(k: number, room: number): number {
  const past = k - room;
  return past + ((past >> 31) & room);
}

/**
 * Copies `size` items (price and time) of a ring of `room` items, `stride` bytes
 * apart from `at`, starting at `head`, to the same stride from `toAt` in `to`.
 */
function copyItems(from: DataView, at: number, room: number, stride: number, head: number, size: number, to: DataView, toAt: number): void {
  for (let i = 0, k = head; i < size; i++, k = wrap(k + 1, room)) {
    to.setFloat64(toAt + i * stride, from.getFloat64(at + k * stride, true), true);
    to.setUint32(toAt + i * stride + Item.Time, from.getUint32(at + k * stride + Item.Time, true), true);
  }
}

/** Bytes of a window's slot: its state, then room for `logRoom` log entries and `queueRoom` positions of the queues. */
function slotBytesOf(layout: WindowLayout, logRoom: number, queueRoom: number): number {
  return layout.logAt + logRoom * Item.Bytes + queueRoom * Item.Pair;
}

/**
 * The next smaller room below `room` in the series a slot grows through
 * (`first`, twice that, and so on: the biggest one below `room`, which may be
 * the cap, not in the series), so that shrunk and grown slots share sizes.
 */
function roomBelow(room: number, first: number): number {
  let below = first;
  while (below * 2 < room) below *= 2;
  return below;
}

/** What a released window reads through: nothing, so any use throws a RangeError. */
const RELEASED = new Slab(0, 0);

/** Options of {@link PriceWindow}. */
export interface PriceWindowOptions {
  /**
   * Whether the window keeps its sliding min and max (`min`, `minTs`, `max`,
   * `maxTs`). A window read only for its oldest price and coverage (the 24 h
   * reference) needs a third of the memory without them. Default true.
   */
  readonly extremes?: boolean;
  /**
   * 64-bit slots the window's owner keeps in the window's own buffer, next to
   * the state every tick reads (`TickMeter` keeps a symbol's dedupe levels
   * there): with thousands of symbols they then cost no cache miss of their
   * own. Read and written with {@link PriceWindow.extra} and
   * {@link PriceWindow.setExtra}; NaN until written. 0..64, default 0.
   */
  readonly extraSlots?: number;
  /**
   * Where the window keeps its numbers: windows of one owner sharing a
   * `WindowSlots` are packed side by side, which with thousands of symbols
   * makes a tick cheaper; the owner then calls {@link PriceWindow.release} on
   * each window it drops. Default: slots of the window's own.
   */
  readonly slots?: WindowSlots;
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
 * Storage, in one slot of a shared slab (see `WindowSlots`, and the option
 * `slots`): first the state each tick reads (newest time and bucket, the price
 * held at the start, the coverage, a copy of the log's front entry) and the
 * owner's extra slots; then a log of the buckets that saw a price, oldest
 * first: each one's last price and when, one entry per bucket, appended as a
 * tick opens its bucket and taken off the front as the bucket leaves the window
 * (at most `buckets`); then two monotonic queues of (price, time) for the
 * sliding min and max, each with at most one price per bucket (at most
 * `buckets + 1`), sharing one ring (a low and a high at each position). Times
 * are 32-bit offsets from a base that follows the window; a price and its time
 * share 12 bytes. Prices are kept as they came (64-bit). The slot starts with
 * room for 16 log entries and 8 queue positions, and moves to one with twice
 * the room whenever the log or a queue is full, up to the most they can hold
 * (36 bytes per bucket, 35.2 KiB for 1000 buckets; 12 without the extremes),
 * and to one with half the room when the log is down to a quarter of its room
 * (the queues' room halves too if they are as sparse). So a window's memory
 * follows how many of its buckets see a price: a symbol that ticks every 90 s
 * keeps its hour in under 2 KiB, and one that was busy gives memory back once
 * it is quiet. Up to 64 blind intervals are allocated on the first.
 * Why slots in shared slabs: with thousands of symbols, a tick mostly waits
 * for memory. Small slots packed side by side span far fewer pages than full
 * buffers one per window (fewer TLB misses), and the window reaches them
 * through a slab object shared by many windows, which stays in the cache.
 * Why a log and not a slot per bucket: with thousands of symbols each ticking
 * less often than its buckets turn, a slot per bucket puts every tick on a line
 * of its own, cold since the window last came round to it; the log's ticks
 * follow one another, five to a cache line, and so do the entries expiry reads.
 * The constants of a window's shape are shared by all windows of that shape; the
 * queue and log indices are fields of the object, so a tick finds every line it
 * needs as soon as the object is read.
 * Buckets a held price ran through are not written: the price held at the
 * window's start (the last price of the newest bucket before it) is kept aside
 * and counted in min and max, unless the start was blind; then the window's
 * oldest price is the price that ended the blind spell. Min, max and the oldest
 * price are read from the queues and that state when asked for, not written per
 * tick; the held price counts in min and max only when it can be the answer (a
 * later price still in the window at or below it rules it out as the min,
 * likewise for the max).
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
  /** The slab the window's slot is in, and the slot's byte offset there: state, log, ring of the queues. A bigger slot when the log or the queues are full. */
  private view: Slab;
  private at: number;
  private readonly slots: WindowSlots;
  // The indices a tick needs to find its lines in the buffer are fields, not in
  // the buffer: once this object is read, every line the tick touches (state,
  // the log's ends, the queues' ends) can be fetched at once, not one after another.
  private readonly layout: WindowLayout;
  /** Entries the log has room for, and positions the queues' ring has. */
  private logRoom: number;
  private queueRoom: number;
  private logHead: number;
  private logSize: number;
  private lowsHead: number;
  private lowsSize: number;
  private highsHead: number;
  private highsSize: number;
  /** Blind intervals, allocated on the first. */
  private gaps: Gaps | undefined;

  /**
   * @param windowMs length of the window, ms (> 0, at most 2^32 - 2^16: 49.7 days)
   * @param buckets how many buckets to split it into, 2..65536 (default 1000)
   * @param options see {@link PriceWindowOptions}
   * @throws RangeError for any other window length, bucket count or count of extra slots
   */
  constructor(windowMs: number, buckets = 1000, options: PriceWindowOptions = {}) {
    const layout = checkedLayout(windowMs, buckets, options);
    const logRoom = Math.min(Room.Log, layout.buckets);
    const queueRoom = Math.min(Room.Queue, layout.capacity);
    const slots = options.slots ?? new WindowSlots(false);
    const { slab: v, at: a } = slots.take(slotBytesOf(layout, logRoom, queueRoom));
    this.view = v;
    this.at = a;
    this.slots = slots;
    this.layout = layout;
    this.logRoom = logRoom;
    this.queueRoom = queueRoom;
    this.logHead = 0;
    this.logSize = 0;
    this.lowsHead = 0;
    this.lowsSize = 0;
    this.highsHead = 0;
    this.highsSize = 0;
    this.gaps = undefined;
    for (const at of [At.LatestTs, At.HeldPrice, At.HeldTs, layout.coldAt + Cold.FirstTs, layout.coldAt + Cold.FirstPrice]) v.setFloat64(a + at, Number.NaN, true);
    for (let slot = 0; slot < layout.extraSlots; slot++) v.setFloat64(a + At.Extra + slot * 8, Number.NaN, true);
    v.setFloat64(a + At.NewestBucket, Number.NEGATIVE_INFINITY, true);
    v.setUint8(a + At.OldestFrom, OldestFrom.First);
  }

  /** Length of the window, ms. */
  get windowMs(): number {
    return this.layout.windowMs;
  }
  /** Number of buckets the window is split into. */
  get buckets(): number {
    return this.layout.buckets;
  }
  /** Width of one bucket, ms. */
  get bucketMs(): number {
    return this.layout.bucketMs;
  }
  /** Lowest price in the window after the last `add` (NaN before the first, or without extremes). */
  get min(): number {
    return this.extreme(this.lowsHead, true, false);
  }
  /** When the lowest price was seen (the latest time, on a tie). */
  get minTs(): number {
    return this.extreme(this.lowsHead, true, true);
  }
  /** Highest price in the window after the last `add` (NaN before the first, or without extremes). */
  get max(): number {
    return this.extreme(this.highsHead, false, false);
  }
  /** When the highest price was seen (the latest time, on a tie). */
  get maxTs(): number {
    return this.extreme(this.highsHead, false, true);
  }
  /** Oldest price in the window: the price held at its start, else the first price seen in it. */
  get oldest(): number {
    return this.oldestOf(false);
  }
  /** When the oldest price was seen. */
  get oldestTs(): number {
    return this.oldestOf(true);
  }
  /** Fraction (0..1) of `[start, t]` for which we had a price. */
  get coverage(): number {
    return Number.isNaN(this.latestTs) ? 0 : this.view.getFloat64(this.at + At.Coverage, true);
  }
  /** Start of the window after the last `add`, ms (bucket-aligned, within one bucket after `t - windowMs`). */
  get start(): number {
    if (Number.isNaN(this.latestTs)) return Number.NaN;
    return (this.view.getFloat64(this.at + At.NewestBucket, true) - this.layout.buckets + 1) * this.layout.bucketMs;
  }
  /** Bytes of the window's slot: its state, and room for its log and queues (see `WindowSlots`). */
  get bytes(): number {
    return slotBytesOf(this.layout, this.logRoom, this.queueRoom);
  }
  /** Time of the newest tick, ms (out-of-order ticks do not move it back). */
  get latestTs(): number {
    return this.view.getFloat64(this.at + At.LatestTs, true);
  }

  /** The owner's slot `slot` (see {@link PriceWindowOptions.extraSlots}); NaN until written. */
  extra(slot: number): number {
    return this.view.getFloat64(this.at + At.Extra + slot * 8, true);
  }

  /** Writes the owner's slot `slot`. */
  setExtra(slot: number, value: number): void {
    this.view.setFloat64(this.at + At.Extra + slot * 8, value, true);
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
    const a = this.at;
    const layout = this.layout;
    const latest = v.getFloat64(a + At.LatestTs, true);
    if (Number.isNaN(latest)) {
      this.begin(price, ts);
    } else {
      const now = ts < latest ? latest : ts;
      ts = now;
      const bucket = Math.floor(now / layout.bucketMs);
      const newest = v.getFloat64(a + At.NewestBucket, true);
      // Still in the newest bucket: the window has not moved, nothing can expire.
      const opens = bucket !== newest;
      if (opens) {
        this.expire(bucket - layout.buckets + 1);
        v.setFloat64(a + At.NewestBucket, bucket, true);
        if (now - v.getFloat64(a + At.Base, true) > Item.MaxOffset) this.rebase(now);
      }
      // The old price held from the previous tick until `from`; after that we were blind.
      if (blindFrom !== undefined && blindFrom < now) {
        const from = blindFrom < latest ? latest : blindFrom;
        if (from < now) this.addGap(from, now, price);
      }
      this.setLast(price, now, bucket, opens);
    }
    if (layout.extremes) this.observeExtremes(price, ts);
    // (Not `v`: the log or the queues may have moved to a bigger slot.)
    this.view.setFloat64(this.at + At.LatestTs, ts, true);
    this.measure(ts);
  }

  /** The first tick: where the window's times start from. (Apart from `add`, so that `add` stays small enough for V8 to inline what a tick runs.) */
  private begin(price: number, ts: number): void {
    const v = this.view;
    const a = this.at;
    const layout = this.layout;
    v.setFloat64(a + layout.coldAt + Cold.FirstTs, ts, true);
    v.setFloat64(a + layout.coldAt + Cold.FirstPrice, price, true);
    v.setFloat64(a + At.Base, ts, true);
    const bucket = Math.floor(ts / layout.bucketMs);
    v.setFloat64(a + At.NewestBucket, bucket, true);
    this.setLast(price, ts, bucket, true);
  }

  /**
   * Records `price`, seen at `ts`, as the last price of `bucket`, the newest:
   * on the back of the log, a new entry when the tick `opens` the bucket.
   */
  private setLast(price: number, ts: number, bucket: number, opens: boolean): void {
    if (opens) {
      // Expiry ran first: the log holds fewer than `buckets` entries, so a full one can grow.
      if (this.logSize === this.logRoom) this.move(this.logRoom * 2, this.queueRoom);
      // A log down to a quarter of its room: a symbol that was busy and is quiet now gives memory back.
      else if (this.logSize * 4 <= this.logRoom && this.logRoom > Room.Log) this.shrink();
    }
    const v = this.view;
    const a = this.at;
    const time = ts - v.getFloat64(a + At.Base, true);
    if (opens) this.logSize += 1;
    const n = this.logRoom;
    const k = this.logHead + this.logSize - 1;
    const entry = a + this.layout.logAt + wrap(k, n) * Item.Bytes;
    v.setFloat64(entry, price, true);
    v.setUint32(entry + Item.Time, time, true);
    if (this.logSize === 1) {
      v.setFloat64(a + At.FrontPrice, price, true);
      v.setUint32(a + At.FrontTime, time, true);
      v.setFloat64(a + At.FrontBucket, bucket, true);
    }
  }

  /**
   * Puts a tick on the back of the minima queue (increasing prices) and of the
   * maxima queue (decreasing), dropping what it undercuts or tops (ties too: on
   * a tie the latest time is reported). A tick is not queued behind an entry of
   * its own bucket that stays better than it: both leave the window together.
   */
  private observeExtremes(price: number, now: number): void {
    // The tick queues at most one item on each queue: room for it first. (Before it drops
    // what the price undercuts or tops: a full queue may grow one tick early.)
    if ((this.lowsSize === this.queueRoom || this.highsSize === this.queueRoom) && this.queueRoom < this.layout.capacity) {
      this.move(this.logRoom, this.queueRoom * 2);
    }
    const base = this.view.getFloat64(this.at + At.Base, true);
    this.lowsSize = this.enqueue(this.queuesAt(true), this.lowsHead, this.lowsSize, price, now, base, true);
    this.highsSize = this.enqueue(this.queuesAt(false), this.highsHead, this.highsSize, price, now, base, false);
  }

  /** {@link observeExtremes} on one queue (`lows`: prices increase from its head, else decrease); returns its new size. */
  private enqueue(at: number, head: number, size: number, price: number, now: number, base: number, lows: boolean): number {
    const v = this.view;
    const c = this.queueRoom;
    let back = 0;
    while (size > 0) {
      const k = head + size - 1;
      back = at + wrap(k, c) * Item.Pair;
      const queued = v.getFloat64(back, true);
      if (lows ? queued < price : queued > price) break;
      size -= 1;
    }
    if (size === 0 || !this.sameBucket(v.getUint32(back + Item.Time, true) + base, now)) {
      const k = head + size;
      const item = at + wrap(k, c) * Item.Pair;
      v.setFloat64(item, price, true);
      v.setUint32(item + Item.Time, now - base, true);
      size += 1;
    }
    return size;
  }

  /**
   * Whether a queued time and `now` both lie in the newest bucket as expiry sees
   * it (the same products of bucket and width), so both leave the window together.
   */
  private sameBucket(queued: number, now: number): boolean {
    const bucketMs = this.layout.bucketMs;
    const newest = this.view.getFloat64(this.at + At.NewestBucket, true);
    return queued >= newest * bucketMs && now < (newest + 1) * bucketMs;
  }

  /**
   * Moves the window's first bucket to `to`: takes the entries of the buckets
   * that left off the front of the log, keeping the last one's price (the
   * price held at the new start), and drops the queued prices seen before the
   * new start. Compares with the copy of the front entry in the state: the log
   * is read only for the entry that becomes the front. Each entry leaves once,
   * so a quiet spell costs O(entries) once.
   */
  private expire(to: number): void {
    const v = this.view;
    const a = this.at;
    const layout = this.layout;
    const base = v.getFloat64(a + At.Base, true);
    let held = false;
    if (this.logSize > 0 && v.getFloat64(a + At.FrontBucket, true) < to) {
      const n = this.logRoom;
      let price: number;
      let time: number;
      let head = this.logHead;
      let size = this.logSize;
      let bucket: number;
      do {
        price = v.getFloat64(a + At.FrontPrice, true);
        time = v.getUint32(a + At.FrontTime, true);
        head = wrap(head + 1, n);
        size -= 1;
        if (size === 0) break;
        const entry = a + layout.logAt + head * Item.Bytes;
        const next = v.getUint32(entry + Item.Time, true);
        bucket = Math.floor((base + next) / layout.bucketMs);
        v.setFloat64(a + At.FrontPrice, v.getFloat64(entry, true), true);
        v.setUint32(a + At.FrontTime, next, true);
        v.setFloat64(a + At.FrontBucket, bucket, true);
      } while (bucket < to);
      this.logHead = head;
      this.logSize = size;
      v.setFloat64(a + At.HeldPrice, price, true);
      v.setFloat64(a + At.HeldTs, base + time, true);
      held = true;
    }
    // (One call, not one per branch: `add` then has room to inline the whole of expiry.)
    if (layout.extremes) this.dropBefore(to, held);
  }

  /** Halves the log's room, and the queues' if they are as sparse (see `move`). */
  private shrink(): void {
    const queues = this.queueRoom > Room.Queue && this.lowsSize * 4 <= this.queueRoom && this.highsSize * 4 <= this.queueRoom;
    this.move(roomBelow(this.logRoom, Room.Log), queues ? roomBelow(this.queueRoom, Room.Queue) : this.queueRoom);
  }

  /**
   * Drops the queued prices seen before bucket `to`, the window's new start;
   * `held`: a new price is held at the start, and may count in min and max.
   */
  private dropBefore(to: number, held: boolean): void {
    const v = this.view;
    const a = this.at;
    const layout = this.layout;
    const start = to * layout.bucketMs - v.getFloat64(a + At.Base, true);
    const c = this.queueRoom;
    const lowsAt = this.queuesAt(true);
    const highsAt = this.queuesAt(false);
    // Expiry takes items off the heads only: a queue that shrank here lost items that left the window.
    const lowsSizeBefore = this.lowsSize;
    const highsSizeBefore = this.highsSize;
    let head = this.lowsHead;
    let size = this.lowsSize;
    while (size > 0 && v.getUint32(lowsAt + head * Item.Pair + Item.Time, true) < start) {
      head = wrap(head + 1, c);
      size -= 1;
    }
    this.lowsHead = head;
    this.lowsSize = size;
    head = this.highsHead;
    size = this.highsSize;
    while (size > 0 && v.getUint32(highsAt + head * Item.Pair + Item.Time, true) < start) {
      head = wrap(head + 1, c);
      size -= 1;
    }
    this.highsHead = head;
    this.highsSize = size;
    // The held price can be the window's lowest only if its bucket still had a low queued
    // (else a later, lower or equal price in the window took it off the queue), which left
    // the queue just now with the bucket: likewise for the highest.
    if (held) v.setUint8(a + At.HeldMay, (this.lowsSize !== lowsSizeBefore ? 1 : 0) | (size !== highsSizeBefore ? 2 : 0));
  }

  /**
   * Moves the time base of the log and the queues up to just before the
   * window, so their offsets stay within 32 bits however long the window runs.
   * Everything still logged or queued was seen after `now - windowMs` (expiry
   * ran first). Once every 2^32 ms (49 days) at most.
   */
  private rebase(now: number): void {
    const v = this.view;
    const a = this.at;
    const layout = this.layout;
    const base = v.getFloat64(a + At.Base, true);
    const shift = Math.floor(now - layout.windowMs) - 1 - base;
    const log = [a + layout.logAt, this.logHead, this.logSize, this.logRoom, Item.Bytes] as const;
    const lows = [this.queuesAt(true), this.lowsHead, this.lowsSize, this.queueRoom, Item.Pair] as const;
    const highs = [this.queuesAt(false), this.highsHead, this.highsSize, this.queueRoom, Item.Pair] as const;
    for (const [at, head, size, capacity, stride] of [log, lows, highs]) {
      for (let k = 0; k < size; k++) {
        const time = at + ((head + k) % capacity) * stride + Item.Time;
        v.setUint32(time, v.getUint32(time, true) - shift, true);
      }
    }
    if (this.logSize > 0) v.setUint32(a + At.FrontTime, v.getUint32(a + At.FrontTime, true) - shift, true);
    v.setFloat64(a + At.Base, base + shift, true);
  }

  /** Byte offset of the lows' first item (`lows`) or the highs': the queues' ring follows the log, a low and a high at each position. */
  private queuesAt(lows: boolean): number {
    return this.at + this.layout.logAt + this.logRoom * Item.Bytes + (lows ? 0 : Item.Bytes);
  }

  /**
   * Moves the window to a slot with room for `logRoom` log entries and
   * `queueRoom` positions of the queues (each at most what it can ever hold,
   * and at least what it holds): the state as it is, the log and each queue from
   * their start; gives the old slot back. A slot grows to twice the room when
   * full and shrinks to half when a quarter full, so each move is paid for by
   * the ticks since the last one: O(1) amortized per tick.
   */
  private move(logRoom: number, queueRoom: number): void {
    const layout = this.layout;
    const from = this.view;
    const fromAt = this.at;
    const fromBytes = this.bytes;
    const logs = Math.min(logRoom, layout.buckets);
    const queues = Math.min(queueRoom, layout.capacity);
    const { slab: to, at } = this.slots.take(slotBytesOf(layout, logs, queues));
    new Uint8Array(to.buffer, at, layout.logAt).set(new Uint8Array(from.buffer, fromAt, layout.logAt));
    const queuesTo = at + layout.logAt + logs * Item.Bytes;
    copyItems(from, fromAt + layout.logAt, this.logRoom, Item.Bytes, this.logHead, this.logSize, to, at + layout.logAt);
    copyItems(from, this.queuesAt(true), this.queueRoom, Item.Pair, this.lowsHead, this.lowsSize, to, queuesTo);
    copyItems(from, this.queuesAt(false), this.queueRoom, Item.Pair, this.highsHead, this.highsSize, to, queuesTo + Item.Bytes);
    this.slots.give(from, fromAt, fromBytes);
    this.view = to;
    this.at = at;
    this.logRoom = logs;
    this.queueRoom = queues;
    this.logHead = 0;
    this.lowsHead = 0;
    this.highsHead = 0;
  }

  /**
   * Gives the window's slot back to its `slots` (see {@link PriceWindowOptions.slots}):
   * for an owner that drops the window. The window must not be used after.
   */
  release(): void {
    this.slots.give(this.view, this.at, this.bytes);
    this.view = RELEASED;
    this.at = 0;
  }

  /** Records the blind interval `(from, to]`, ended by a tick at `price`. */
  private addGap(from: number, to: number, price: number): void {
    const gaps = (this.gaps ??= { data: new Float64Array(MAX_GAPS * Gap.Size), head: 0, size: 0, total: 0 });
    const g = gaps.data;
    if (gaps.size === MAX_GAPS) {
      // No room left: extend the newest gap. This counts the seen time between the
      // two as blind, so coverage errs low, never high.
      const back = ((gaps.head + MAX_GAPS - 1) % MAX_GAPS) * Gap.Size;
      gaps.total += to - g[back + Gap.To]!;
      g[back + Gap.To] = to;
      g[back + Gap.Price] = price;
      return;
    }
    const at = ((gaps.head + gaps.size) % MAX_GAPS) * Gap.Size;
    g[at + Gap.From] = from;
    g[at + Gap.To] = to;
    g[at + Gap.Price] = price;
    gaps.size += 1;
    gaps.total += to - from;
  }

  /**
   * Works out, for a tick at `now`, where the oldest price is (and so whether
   * the held price counts in min and max) and the coverage. Min, max and the
   * oldest price are read from there when asked for, not written per tick.
   */
  private measure(now: number): void {
    const v = this.view;
    const a = this.at;
    const layout = this.layout;
    const start = (v.getFloat64(a + At.NewestBucket, true) - layout.buckets + 1) * layout.bucketMs;

    let blindMs = 0;
    let startBlind = false;
    const gaps = this.gaps;
    if (gaps !== undefined && gaps.size > 0) {
      blindMs = this.blindIn(gaps, start);
      startBlind = gaps.size > 0 && gaps.data[gaps.head * Gap.Size + Gap.From]! < start;
    }

    // The price held at the start counts as seen in the window, unless the start was blind.
    // Once the window has moved past the first tick it never comes back to it: its time is not read again.
    const firstTs = v.getUint8(a + At.OldestFrom) === OldestFrom.First ? v.getFloat64(a + layout.coldAt + Cold.FirstTs, true) : Number.NEGATIVE_INFINITY;
    let oldest: OldestFrom;
    if (start <= firstTs) {
      blindMs += firstTs - start;
      oldest = OldestFrom.First;
    } else {
      oldest = startBlind ? OldestFrom.Gap : OldestFrom.Held;
    }
    v.setUint8(a + At.OldestFrom, oldest);

    const span = now - start;
    const coverage = (span - blindMs) / span;
    v.setFloat64(a + At.Coverage, coverage < 0 ? 0 : coverage > 1 ? 1 : coverage, true);
  }

  /**
   * The blind time in the window from `start`, ms, after dropping the gaps that
   * ended before it (one ending exactly at the start still says the start was
   * blind). Apart from `measure`: most windows never have a gap, and a smaller
   * `add` leaves V8 room to inline the rest of a tick.
   */
  private blindIn(gaps: Gaps, start: number): number {
    const g = gaps.data;
    let total = gaps.total;
    while (gaps.size > 0 && g[gaps.head * Gap.Size + Gap.To]! < start) {
      total -= g[gaps.head * Gap.Size + Gap.To]! - g[gaps.head * Gap.Size + Gap.From]!;
      gaps.head = (gaps.head + 1) % MAX_GAPS;
      gaps.size -= 1;
    }
    if (gaps.size === 0) {
      gaps.total = 0; // no drift from float sums
      return 0;
    }
    gaps.total = total;
    const from = g[gaps.head * Gap.Size + Gap.From]!;
    return from < start ? total - (start - from) : total;
  }

  /** The oldest price (`ts`: its time), where the last `measure` found it. */
  private oldestOf(ts: boolean): number {
    const v = this.view;
    const a = this.at;
    if (Number.isNaN(v.getFloat64(a + At.LatestTs, true))) return Number.NaN;
    switch (v.getUint8(a + At.OldestFrom)) {
      case OldestFrom.First:
        return v.getFloat64(a + this.layout.coldAt + (ts ? Cold.FirstTs : Cold.FirstPrice), true);
      case OldestFrom.Gap:
        return this.gaps!.data[this.gaps!.head * Gap.Size + (ts ? Gap.To : Gap.Price)]!;
      default:
        return v.getFloat64(a + (ts ? At.HeldTs : At.HeldPrice), true);
    }
  }

  /**
   * The lowest (`lows`) or highest price in the window, or its time (`ts`): the
   * queue's head, or the price held at the start when that counts and is lower
   * (higher). A held price was seen before anything queued: on a tie the queued
   * one is the latest.
   */
  private extreme(head: number, lows: boolean, ts: boolean): number {
    const v = this.view;
    const a = this.at;
    if (!this.layout.extremes || Number.isNaN(v.getFloat64(a + At.LatestTs, true))) return Number.NaN;
    const item = this.queuesAt(lows) + head * Item.Pair;
    const queued = v.getFloat64(item, true);
    if (v.getUint8(a + At.OldestFrom) === OldestFrom.Held && (v.getUint8(a + At.HeldMay) & (lows ? 1 : 2)) !== 0) {
      const held = v.getFloat64(a + At.HeldPrice, true);
      if (lows ? held < queued : held > queued) return ts ? v.getFloat64(a + At.HeldTs, true) : held;
    }
    return ts ? v.getUint32(item + Item.Time, true) + v.getFloat64(a + At.Base, true) : queued;
  }
}
