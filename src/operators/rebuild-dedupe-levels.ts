import type { JournalEntry } from '../domain/alert.js';
import type { RuleOverrides, Thresholds } from '../domain/config-types.js';
import type { DedupeLevel } from '../domain/dedupe-level.js';
import { ruleRow } from './rule-table.js';
import { resolveSymbolRules } from './symbol-rule-set.js';

/** Options of {@link rebuildDedupeLevels}. */
export interface RebuildDedupeLevelsOptions {
  /** The rules' windows: an entry older than its rule's window is stale. */
  readonly thresholds: Thresholds;
  /** The time to judge staleness at (ms), usually the wall clock at start. */
  readonly now: number;
  /** Per-exchange and per-symbol overrides: a symbol's own `window_short_ms` is its `pct_short` window. Default none. */
  readonly overrides?: RuleOverrides;
}

/** A journal line is read from disk: check what the key and its staleness rely on. */
function isWellFormedKey(entry: { ts: unknown; exchange: unknown; symbol: unknown; rule: unknown; direction: unknown }): boolean {
  return (
    typeof entry.ts === 'number' &&
    Number.isFinite(entry.ts) &&
    typeof entry.exchange === 'string' &&
    typeof entry.symbol === 'string' &&
    typeof entry.rule === 'string' &&
    typeof entry.direction === 'string' &&
    ruleRow(entry.rule, entry.direction) >= 0
  );
}

/**
 * Rebuilds the dedupe levels from journal entries, oldest first: the state the
 * pipeline had when it wrote the last of them, for `detectMoves({ restored })`.
 *
 * Per (exchange, symbol, rule, direction), the latest entry wins: a price alert
 * sets the key's level (and the time it was set), a re-arm clears it. Ignored:
 * feed alerts and divergence entries; `--test-alert` entries (`test: true`), which never were dedupe
 * input; entries that are not well-formed (an unknown rule or direction, a level
 * that is not an integer >= 1, a `ts` that is not finite); and keys whose latest
 * entry is older than its rule's window at `now` (stale: that move is out of every
 * window the rules read; a price level has no window and is never stale). A
 * level rule's re-arm with `rearmedTo` leaves the key at that level.
 *
 * A journal written before re-arms were journaled rebuilds correctly for any key
 * whose move alerted again after re-arming (the later alert wins). A key that
 * re-armed unjournaled and did not alert again comes back at its old level; its
 * first tick after the restart re-arms it unless a move is in progress right then.
 *
 * Pure, O(entries); memory O(keys).
 *
 * @example
 * rebuildDedupeLevels([alertL1At(0), alertL2At(60_000)], { thresholds: DEFAULT_THRESHOLDS, now: 120_000 })
 *   .map((l) => `${l.rule} ${l.direction} L${l.level}`);
 * // Logs: ['pct_24h up L2']
 *
 * @see detectMoves, which starts from the result.
 */
export function rebuildDedupeLevels(entries: Iterable<JournalEntry>, options: RebuildDedupeLevelsOptions): DedupeLevel[] {
  const { thresholds, now, overrides } = options;
  const latest = new Map<string, DedupeLevel | undefined>();
  for (const entry of entries) {
    if (entry.kind !== 'price' && entry.kind !== 'rearm') continue;
    // A divergence episode has its own key (see rebuildDivergenceEpisodes).
    if (entry.rule === 'divergence') continue;
    if ((entry as { test?: unknown }).test === true) continue;
    if (!isWellFormedKey(entry)) continue;
    const key = `${entry.exchange}\u0000${entry.symbol}\u0000${entry.rule}\u0000${entry.direction}`;
    if (entry.kind === 'rearm') {
      // A level rule may fall back part way: the key keeps the levels still crossed.
      const to = entry.rearmedTo;
      if (typeof to === 'number' && Number.isInteger(to) && to >= 1) {
        latest.delete(key);
        latest.set(key, { exchange: entry.exchange, symbol: entry.symbol, rule: entry.rule, direction: entry.direction, level: to, ts: entry.ts });
      } else latest.set(key, undefined);
      continue;
    }
    if (!Number.isInteger(entry.level) || entry.level < 1) continue;
    const { exchange, symbol, rule, direction, level, ts } = entry;
    // Delete first so the key moves to the end: the result lists keys by their latest entry.
    latest.delete(key);
    latest.set(key, { exchange, symbol, rule, direction, level, ts });
  }
  const levels: DedupeLevel[] = [];
  for (const level of latest.values()) {
    if (level === undefined) continue;
    const windowMs = resolveSymbolRules(thresholds, overrides, level.exchange, level.symbol).windows[ruleRow(level.rule, level.direction)]!;
    if (now - level.ts <= windowMs) levels.push(level);
  }
  return levels;
}
