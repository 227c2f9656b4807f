/**
 * Runs `work` once and returns how long it took, in nanoseconds
 * (`process.hrtime.bigint`: monotonic, not moved by clock changes).
 *
 * @example
 * const ns = timeNs(() => frames.forEach((frame) => JSON.parse(frame)));
 */
export function timeNs(work: () => void): number {
  const started = process.hrtime.bigint();
  work();
  return Number(process.hrtime.bigint() - started);
}

/**
 * Items and the time they took, summed over timed sections: a rate over many
 * short sections, so a section of another implementation can run in between
 * (the machines are shared and noisy: interleaving exposes both to the same noise).
 *
 * @example
 * const json = new Throughput();
 * json.add(frames.length, timeNs(() => frames.forEach((frame) => JSON.parse(frame))));
 * json.perSecond; // frames per second
 */
export class Throughput {
  items = 0;
  ns = 0;

  add(items: number, ns: number): void {
    this.items += items;
    this.ns += ns;
  }

  /** Items per second over all sections. */
  get perSecond(): number {
    return this.ns === 0 ? 0 : (this.items * 1e9) / this.ns;
  }

  /** Nanoseconds per item over all sections. */
  get nsPerItem(): number {
    return this.items === 0 ? 0 : this.ns / this.items;
  }
}

/**
 * A full garbage collection when node runs with `--expose-gc` (`npm run bench`
 * does), else nothing: before a timed section, so it does not pay for moving
 * the input made just before it out of the young generation.
 */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
