/** Bytes of a shared slab, roughly: as many slots as fit, and at least `SLABS_MIN_SLOTS`. */
const SLAB_BYTES = 65_536;

/** Fewest slots in a shared slab: a slab and its buffer cost about 200 bytes of their own, shared by this many windows at least. */
const SLABS_MIN_SLOTS = 4;

/**
 * A buffer that holds slots of one size, and is its own `DataView`: a window
 * reads its numbers through the slab, so windows that share one share a hot
 * object instead of each having a view and a buffer of its own.
 */
export class Slab extends DataView<ArrayBuffer> {
  /** Byte offsets of the free slots. */
  readonly free: number[];
  /** Slots in use. */
  live: number;

  constructor(slotBytes: number, slots: number) {
    super(new ArrayBuffer(slotBytes * slots));
    this.free = [];
    for (let slot = slots - 1; slot >= 0; slot--) this.free.push(slot * slotBytes);
    this.live = 0;
  }
}

/** The slots of one size: the slabs that have a free one (taken from the last), and how many slabs there are. */
interface SlotPool {
  readonly perSlab: number;
  readonly open: Slab[];
  slabs: number;
}

/**
 * Where price windows keep their numbers: slots carved from shared slabs, one
 * pool of slabs per slot size. A window takes a slot when it is made, and a
 * bigger one whenever its log or queues fill up, giving the old one back.
 *
 * Why not a buffer per window: with thousands of symbols, what a tick costs is
 * mostly finding its window's lines in memory. Windows packed side by side in
 * a few slabs span far fewer pages than as many separate buffers (fewer TLB
 * misses, cheaper page walks), and reach their numbers through a slab object
 * that many windows share, which stays in the cache, instead of a view of
 * their own, which is one more miss per tick.
 *
 * A slab whose slots are all given back is dropped. The owner gives back the
 * windows it drops (`PriceWindow.release`); with `shared: false` every slot is
 * a slab of its own, so a window that is merely forgotten leaves nothing behind.
 *
 * @example
 * const slots = new WindowSlots();
 * const { slab, at } = slots.take(1024);
 * slab.setFloat64(at, 42, true);
 * slots.give(slab, at, 1024);
 */
export class WindowSlots {
  private readonly pools = new Map<number, SlotPool>();
  private readonly shared: boolean;

  /** @param shared whether slots share slabs (default true); false: a slab per slot. */
  constructor(shared = true) {
    this.shared = shared;
  }

  /** A slot of `bytes` bytes, all zero: its slab and its byte offset there. */
  take(bytes: number): { slab: Slab; at: number } {
    const pool = this.poolOf(bytes);
    let slab = pool.open[pool.open.length - 1];
    if (slab === undefined) {
      slab = new Slab(bytes, pool.perSlab);
      pool.open.push(slab);
      pool.slabs += 1;
    }
    const at = slab.free.pop()!;
    slab.live += 1;
    if (slab.free.length === 0) pool.open.pop();
    return { slab, at };
  }

  /** Gives back the slot of `bytes` bytes at `at` in `slab`, zeroed for its next owner. */
  give(slab: Slab, at: number, bytes: number): void {
    const pool = this.poolOf(bytes);
    new Uint8Array(slab.buffer, at, bytes).fill(0);
    slab.free.push(at);
    slab.live -= 1;
    if (slab.live === 0) {
      if (slab.free.length > 1) pool.open.splice(pool.open.indexOf(slab), 1);
      pool.slabs -= 1;
    } else if (slab.free.length === 1) {
      pool.open.push(slab);
    }
  }

  /** How many slabs there are, of every size: none once every slot is given back. */
  get slabs(): number {
    let total = 0;
    for (const pool of this.pools.values()) total += pool.slabs;
    return total;
  }

  private poolOf(bytes: number): SlotPool {
    let pool = this.pools.get(bytes);
    if (pool === undefined) {
      const perSlab = this.shared ? Math.max(SLABS_MIN_SLOTS, Math.floor(SLAB_BYTES / bytes)) : 1;
      pool = { perSlab, open: [], slabs: 0 };
      this.pools.set(bytes, pool);
    }
    return pool;
  }
}
