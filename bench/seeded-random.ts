/**
 * A seeded pseudo-random source: the same seed gives the same sequence on every
 * machine and Node version, so the generated inputs (and the alerts they raise)
 * are the same on every run.
 *
 * `next()` is mulberry32 (32-bit state, period 2^32); `at(...keys)` hashes its
 * integer keys with the seed, for values that must be computable out of order
 * (the price noise at any second, so the 24 h open is the price a day earlier).
 *
 * @example
 * const random = seededRandom(42);
 * [random.next() === seededRandom(42).next(), random.at(1, 2) === seededRandom(42).at(1, 2)];
 * // Logs: [true, true]
 */
export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  return {
    next() {
      state = (state + 0x6d2b79f5) >>> 0;
      return unit(state);
    },
    between(low, high) {
      return low + (high - low) * this.next();
    },
    integer(low, high) {
      return low + Math.floor((high - low + 1) * this.next());
    },
    at(...keys) {
      let h = seed >>> 0;
      for (const key of keys) h = Math.imul(h ^ (key >>> 0), 0x9e3779b1) ^ (h >>> 15);
      return unit(h);
    },
  };
}

/** What {@link seededRandom} returns. */
export interface SeededRandom {
  /** The next value of the sequence, in [0, 1). */
  next(): number;
  /** The next value scaled to [low, high). */
  between(low: number, high: number): number;
  /** The next value as an integer in [low, high]. */
  integer(low: number, high: number): number;
  /** A value in [0, 1) fixed by the seed and the integer keys, independent of the sequence. */
  at(...keys: number[]): number;
}

/** mulberry32's output step: 32 well-mixed bits as a fraction in [0, 1). */
function unit(state: number): number {
  let t = Math.imul(state ^ (state >>> 15), state | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}
