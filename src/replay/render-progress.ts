import type { ReplayProgress } from './replay-progress.js';

/** Options of {@link renderProgress}. */
export interface RenderProgressOptions {
  /** Wall-clock ms since the replay started (the caller's clock): the ETA is extrapolated from it. */
  readonly elapsedMs: number;
  /** Terminal columns; the line is cut to `width - 1` so it never wraps. Default 80. */
  readonly width?: number;
}

const BAR = 12;

/** 1234567 -> "1,234,567", whatever the locale. */
function grouped(n: number): string {
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** 65_000 -> "1:05", 3_725_000 -> "1:02:05". */
function duration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Epoch ms -> "2024-06-01 02:30Z" (UTC, so runs compare across machines). */
function simulatedTime(ts: number): string {
  return `${new Date(ts).toISOString().slice(0, 16).replace('T', ' ')}Z`;
}

/**
 * One line of replay progress for a terminal, under 80 columns: a bar and
 * percentage (by bytes of the file read), ticks read, lines skipped, the
 * simulated time reached (UTC, to the minute) and the ETA. Pure: no `\r`, no escape codes, no clock of its own; the caller redraws it
 * (e.g. `\r` + line + `\x1b[K` on stderr when it is a TTY) at the pace it likes.
 *
 * @example
 * renderProgress(
 *   { source: 'day.jsonl', linesRead: 500_000, ticks: 499_998, skipped: 2, bytesRead: 50_000_000,
 *     totalBytes: 100_000_000, firstTs: 1717200000000, lastTs: 1717243200000, done: false },
 *   { elapsedMs: 30_000 },
 * );
 * // Logs: '[######------] 50% 499,998 ticks 2 skipped 2024-06-01 12:00Z ETA 0:30'
 */
export function renderProgress(progress: ReplayProgress, options: RenderProgressOptions): string {
  const { elapsedMs } = options;
  const width = options.width ?? 80;
  const parts: string[] = [];
  const fraction = progress.done ? 1 : progress.totalBytes ? Math.min(1, progress.bytesRead / progress.totalBytes) : undefined;
  if (fraction !== undefined) {
    const filled = Math.round(fraction * BAR);
    parts.push(`[${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}] ${Math.floor(fraction * 100)}%`);
  }
  parts.push(`${grouped(progress.ticks)} ticks`);
  if (progress.skipped > 0) parts.push(`${grouped(progress.skipped)} skipped`);
  if (progress.lastTs !== undefined) parts.push(simulatedTime(progress.lastTs));
  if (progress.done) parts.push(`took ${duration(elapsedMs)}`);
  else if (fraction !== undefined && fraction > 0 && elapsedMs > 0) parts.push(`ETA ${duration((elapsedMs * (1 - fraction)) / fraction)}`);
  else parts.push(`elapsed ${duration(elapsedMs)}`);
  const line = parts.join(' ');
  return line.length < width ? line : line.slice(0, Math.max(0, width - 1));
}
