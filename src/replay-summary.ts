import type { ReplaySummary } from './supervisor/supervisor-types.js';

/**
 * The line `--replay` prints when done:
 * `replayed 1440 ticks (0 skipped) from 2024-06-01T00:00:00.000Z to ... in 0.4 s: 3 alerts (pct_24h 1, pct_short 2)`.
 */
export function formatReplaySummary(summary: ReplaySummary, wallMs: number): string {
  const span =
    summary.firstTs !== undefined && summary.lastTs !== undefined
      ? ` from ${new Date(summary.firstTs).toISOString()} to ${new Date(summary.lastTs).toISOString()}`
      : '';
  const rules = Object.entries(summary.alerts).sort(([a], [b]) => a.localeCompare(b));
  const total = rules.reduce((sum, [, n]) => sum + n, 0);
  const perRule = rules.length > 0 ? ` (${rules.map(([rule, n]) => `${rule} ${n}`).join(', ')})` : '';
  return `replayed ${summary.ticks} ticks (${summary.skipped} skipped)${span} in ${(wallMs / 1000).toFixed(1)} s: ${total} alert(s)${perRule}`;
}
