import { expect } from 'chai';
import { WindowSlots } from '../../src/operators/window-slots.js';

describe('WindowSlots', () => {
  it('packs small slots side by side in one slab, each zeroed, none overlapping', () => {
    const slots = new WindowSlots();
    const taken = Array.from({ length: 10 }, () => slots.take(1000));
    expect(new Set(taken.map(({ slab }) => slab)).size).to.equal(1);
    expect(taken.map(({ at }) => at)).to.deep.equal([0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000]);
    expect(slots.slabs).to.equal(1);
    for (const { slab, at } of taken) expect(new Uint8Array(slab.buffer, at, 1000).every((byte) => byte === 0)).to.equal(true);
  });

  it('puts at least four big slots in a shared slab, and one in each when not shared', () => {
    const shared = new WindowSlots();
    const big = Array.from({ length: 5 }, () => shared.take(40_000));
    expect(new Set(big.slice(0, 4).map(({ slab }) => slab)).size).to.equal(1);
    expect(big[4]!.slab).to.not.equal(big[0]!.slab);
    expect(shared.slabs).to.equal(2);
    const own = new WindowSlots(false);
    const a = own.take(100);
    const b = own.take(100);
    expect(a.slab).to.not.equal(b.slab);
    expect([a.at, b.at, a.slab.byteLength]).to.deep.equal([0, 0, 100]);
  });

  it('gives a slot back zeroed, serves it again, and drops a slab once all its slots are back', () => {
    const slots = new WindowSlots();
    const first = slots.take(64);
    const second = slots.take(64);
    first.slab.setFloat64(first.at, 42, true);
    first.slab.setFloat64(first.at + 56, 7, true);
    slots.give(first.slab, first.at, 64);
    const again = slots.take(64);
    expect([again.slab, again.at]).to.deep.equal([first.slab, first.at]);
    expect(new Uint8Array(again.slab.buffer, again.at, 64).every((byte) => byte === 0)).to.equal(true);
    // The neighbour's bytes are its own.
    second.slab.setFloat64(second.at, 9, true);
    slots.give(again.slab, again.at, 64);
    expect(second.slab.getFloat64(second.at, true)).to.equal(9);
    expect(slots.slabs).to.equal(1);
    slots.give(second.slab, second.at, 64);
    expect(slots.slabs).to.equal(0);
  });

  it('keeps pools of different sizes apart, and fills a slab before it opens another', () => {
    const slots = new WindowSlots();
    const small = slots.take(16);
    const large = slots.take(32);
    expect(small.slab).to.not.equal(large.slab);
    const perSlab = 65_536 / 32;
    const rest = Array.from({ length: perSlab - 1 }, () => slots.take(32));
    expect(rest.every(({ slab }) => slab === large.slab)).to.equal(true);
    expect(slots.take(32).slab).to.not.equal(large.slab);
    expect(slots.slabs).to.equal(3);
  });
});
