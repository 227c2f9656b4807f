/**
 * Guards both lines against float noise: 117 / 100 - 1 is 0.16999999999999993, 0.05 x 0.8 is 0.04000000000000001.
 * A `const enum` member, not a module constant, so it stays a literal in the bundled CLI (see price-window.ts).
 */
const enum Float {
  Epsilon = 1e-9,
}

/**
 * The next alert level of one (exchange, symbol, rule, direction) key.
 *
 * Level 0 means armed (no alert raised for the current move). A magnitude that
 * reaches the threshold raises the level to `floor(magnitude / threshold)`, and
 * the level never falls while the move lasts; it falls back to 0 (re-arms) only
 * when the magnitude drops below `threshold x (1 - hysteresis)`. Between the two
 * it stays where it is, so a price hovering around the threshold keeps one level.
 *
 * @param level the key's current level (0 = armed)
 * @param magnitude the size of the move in the key's direction, a fraction >= 0
 * @param threshold the rule's threshold, a fraction > 0
 * @param hysteresis fraction of the threshold the move must fall by to re-arm, 0..1
 *
 * @example
 * [0.051, 0.049, 0.052, 0.101, 0.03, 0.05].reduce(
 *   (levels, m) => [...levels, nextAlertLevel(levels.at(-1) ?? 0, m, 0.05, 0.2)], [] as number[]);
 * // Logs: [1, 1, 1, 2, 0, 1]
 */
export function nextAlertLevel(level: number, magnitude: number, threshold: number, hysteresis: number): number {
  if (reachesThreshold(magnitude, threshold)) {
    const reached = Math.floor(magnitude / threshold + Float.Epsilon);
    return reached > level ? reached : level;
  }
  if (magnitude < threshold * (1 - hysteresis) * (1 - Float.Epsilon)) return 0;
  return level;
}

/** True when a move of `magnitude` reaches `threshold` (both fractions), allowing for float noise. */
export function reachesThreshold(magnitude: number, threshold: number): boolean {
  return magnitude >= threshold * (1 - Float.Epsilon);
}
