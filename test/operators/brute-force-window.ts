/**
 * A brute-force reference for PriceWindow: keeps every observation and scans
 * them all, straight from the definitions (held prices, blind intervals,
 * startup), with no buckets. Slow on purpose; tests compare against it.
 */

/** One `add(price, ts, blindFrom)` call. */
export interface Observation {
  readonly price: number;
  readonly ts: number;
  readonly blindFrom?: number;
}

/** What the window reports, computed by scanning. */
export interface WindowReading {
  readonly min: number;
  readonly minTs: number;
  readonly max: number;
  readonly maxTs: number;
  readonly oldest: number;
  readonly oldestTs: number;
  readonly coverage: number;
}

interface Seen {
  readonly price: number;
  readonly ts: number;
}

/**
 * The readings over `[start, now]` after all `observations`, where `now` is the
 * newest (normalized) time. Out-of-order times count as the newest time seen;
 * a blind interval is `(max(blindFrom, previous ts), ts]`.
 */
export function bruteForceWindow(observations: readonly Observation[], start: number): WindowReading {
  const seen: Seen[] = [];
  const gaps: { from: number; to: number; price: number }[] = [];
  for (const { price, ts, blindFrom } of observations) {
    const previous = seen.at(-1);
    const at = previous && ts < previous.ts ? previous.ts : ts;
    if (previous && blindFrom !== undefined && blindFrom < at) {
      const from = Math.max(blindFrom, previous.ts);
      if (from < at) gaps.push({ from, to: at, price });
    }
    seen.push({ price, ts: at });
  }
  const first = seen[0]!;
  const now = seen.at(-1)!.ts;

  const startGap = gaps.find((g) => g.from < start && start <= g.to);
  const heldAtStart = start > first.ts && !startGap ? seen.filter((s) => s.ts < start).at(-1) : undefined;
  const inEffect = [...(heldAtStart ? [heldAtStart] : []), ...seen.filter((s) => s.ts >= start)];

  const min = Math.min(...inEffect.map((s) => s.price));
  const max = Math.max(...inEffect.map((s) => s.price));
  const minTs = inEffect.filter((s) => s.price === min).at(-1)!.ts;
  const maxTs = inEffect.filter((s) => s.price === max).at(-1)!.ts;

  let oldest: Seen;
  if (start <= first.ts) oldest = first;
  else if (startGap) oldest = { price: startGap.price, ts: startGap.to };
  else oldest = heldAtStart!;

  const overlap = (from: number, to: number) => Math.max(0, Math.min(to, now) - Math.max(from, start));
  let blind = overlap(Number.NEGATIVE_INFINITY, first.ts);
  for (const g of gaps) blind += overlap(g.from, g.to);
  const span = now - start;
  return { min, minTs, max, maxTs, oldest: oldest.price, oldestTs: oldest.ts, coverage: (span - blind) / span };
}
