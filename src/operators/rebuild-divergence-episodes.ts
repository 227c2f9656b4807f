import type { DivergenceAlert, DivergenceRearmed } from '../domain/alert.js';

/** A journal line is read from disk: check what the episode's key and its resumption rely on. */
function isWellFormed(entry: Record<string, unknown>): boolean {
  const named = (side: unknown) =>
    typeof side === 'object' && side !== null && typeof (side as Record<string, unknown>).exchange === 'string' && typeof (side as Record<string, unknown>).symbol === 'string';
  const since = entry.kind === 'rearm' || (typeof entry.since === 'number' && Number.isFinite(entry.since));
  return typeof entry.group === 'string' && typeof entry.ts === 'number' && Number.isFinite(entry.ts) && since && named(entry.high) && named(entry.low);
}

/**
 * The divergence episodes still in force after journal entries, oldest first:
 * per group, the latest divergence entry wins; an alert puts its episode in
 * force, a divergence re-arm ends it. For `divergenceAlerts({ restored })`, so a
 * restart does not alert again an episode that had alerted and not re-armed.
 *
 * Ignored: every other entry (price and feed alerts, price re-arms),
 * `--test-alert` and replay entries (`test: true`), and lines that are not
 * well-formed (no `group`, a `ts` or an alert's `since` that is not finite, a side without exchange
 * and symbol). An episode has no window: it stays in force until a re-arm,
 * however old (the journal's tail that is read bounds how far back that goes).
 *
 * Pure, O(entries); memory O(groups).
 *
 * @example
 * rebuildDivergenceEpisodes([btcDivergenceAt(0), ethDivergenceAt(10), btcConvergedAt(20)]).map((e) => e.group);
 * // Logs: ['ETH/USDT']
 */
export function rebuildDivergenceEpisodes(entries: Iterable<{ readonly kind: string; readonly rule?: string }>): DivergenceAlert[] {
  const latest = new Map<string, DivergenceAlert>();
  for (const entry of entries) {
    if (entry.rule !== 'divergence' || (entry.kind !== 'divergence' && entry.kind !== 'rearm')) continue;
    const record = entry as unknown as Record<string, unknown>;
    if (record.test === true || !isWellFormed(record)) continue;
    const episode = entry as DivergenceAlert | DivergenceRearmed;
    // Delete first so the group moves to the end: the result lists episodes by their latest entry.
    latest.delete(episode.group);
    if (episode.kind === 'divergence') latest.set(episode.group, episode);
  }
  return [...latest.values()];
}
