/**
 * The next dedupe level of a price-level key (`level_above` or `level_below` of
 * one exchange and symbol): how many of its levels the price is past, counted
 * from the nearest, with hysteresis on the way back.
 *
 * `levels` are in the order the price crosses them: ascending for `above` (`up`
 * true), descending for `below`. The count rises to the number of levels the
 * price has reached (at or past), however many one tick jumps over; it falls, one
 * level at a time, only once the price is back past a crossed level by
 * `hysteresis` x that level (below `level x (1 - hysteresis)` for above, above
 * `level x (1 + hysteresis)` for below). In between it stays where it is, so a
 * price hovering around a level alerts once.
 *
 * `NaN` is a key not seen yet: the first reading starts it at the levels already
 * past, without an alert (the price did not cross them while we watched).
 *
 * @param count the key's current level (0 = no level crossed, NaN = not seen yet)
 * @param price the tick's price
 * @param levels the symbol's levels in crossing order
 * @param hysteresis fraction of a level the price must move back past it by to re-arm it
 * @param up true for `above` levels, false for `below` levels
 *
 * @example
 * // above: [100, 110, 120], hysteresis 0.005; prices 95, 121, 119, 109, 111:
 * [95, 121, 119, 109, 111].reduce((counts, p) => [...counts, nextPriceLevel(counts.at(-1) ?? Number.NaN, p, [100, 110, 120], 0.005, true)], [] as number[]);
 * // Logs: [0, 3, 2, 1, 2]
 */
export function nextPriceLevel(count: number, price: number, levels: ArrayLike<number>, hysteresis: number, up: boolean): number {
  let reached = 0;
  if (up) while (reached < levels.length && price >= levels[reached]!) reached++;
  else while (reached < levels.length && price <= levels[reached]!) reached++;
  if (!(count === count)) return reached; // NaN: first reading
  if (reached > count) return reached;
  let next = count;
  if (up) while (next > 0 && price < levels[next - 1]! * (1 - hysteresis)) next--;
  else while (next > 0 && price > levels[next - 1]! * (1 + hysteresis)) next--;
  return next;
}
