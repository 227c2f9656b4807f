import { readJournalTail } from '../delivery/read-journal-tail.js';
import type { Config } from '../domain/config-types.js';
import type { DivergenceAlert, JournalEntry } from '../domain/alert.js';
import type { DedupeLevel } from '../domain/dedupe-level.js';
import { errorMessage } from '../domain/error-message.js';
import type { Logger } from '../log.js';
import { rebuildDedupeLevels } from '../operators/rebuild-dedupe-levels.js';
import { rebuildDivergenceEpisodes } from '../operators/rebuild-divergence-episodes.js';

/** Options of {@link restoredDedupeLevels}. */
export interface RestoreOptions {
  readonly logger: Logger;
  /** The wall clock at start (ms): entries older than their rule's window before it are stale. */
  readonly now: number;
  /** The journal's path, `<state_dir>/alerts.jsonl`. */
  readonly journalPath: string;
}

/** What a start resumes from the journal's tail (see {@link restoredFromJournal}). */
export interface RestoredFromJournal {
  /** The dedupe levels of the moves in progress, for `detectMoves({ restored })`. */
  readonly levels: DedupeLevel[];
  /** The divergence episodes that alerted and had not re-armed, for `divergenceAlerts({ restored })`. */
  readonly divergences: DivergenceAlert[];
  /**
   * The tail's entries still in force, oldest first, for `Channel.restore`: every
   * non-test entry, except price alerts whose move re-armed after them or whose
   * latest entry is older than its rule's window (the keys not in `levels`), and
   * divergence alerts other than the latest of an episode in `divergences`.
   */
  readonly inForce: JournalEntry[];
}

const moveKey = (m: Pick<DedupeLevel, 'exchange' | 'symbol' | 'rule' | 'direction'>) =>
  `${m.exchange}\u0000${m.symbol}\u0000${m.rule}\u0000${m.direction}`;

/**
 * The state a start resumes from, read once from the journal's tail: the dedupe
 * levels (see {@link restoredDedupeLevels}) and the entries still in force, so
 * that a channel that keeps alerts firing (Alertmanager) keeps firing the moves
 * and feed outages that fired before the restart. Logs and fails as
 * {@link restoredDedupeLevels} does (an unreadable journal restores nothing).
 *
 * @example
 * const { levels, inForce } = restoredFromJournal(config, { logger, now: Date.now(), journalPath: 'var/alerts.jsonl' });
 * for (const channel of channels) channel.restore?.(inForce);
 */
export function restoredFromJournal(config: Config, options: RestoreOptions): RestoredFromJournal {
  const { logger, now, journalPath } = options;
  const { thresholds } = config.alerts;
  // Symbols and exchanges may have short windows of their own. A crossed price level never goes stale, but a
  // journal read this far back is enough: a symbol's first tick after the start notes the levels already past.
  const ownShortWindows = Object.values(config.exchanges).flatMap((exchange) => [
    exchange.thresholds?.window_short_ms ?? 0,
    ...Object.values(exchange.symbol_rules ?? {}).map((rules) => rules.window_short_ms ?? 0),
  ]);
  const longestWindowMs = Math.max(thresholds.window_24h_ms, thresholds.window_short_ms, ...ownShortWindows);
  try {
    const tail = readJournalTail(config.state_dir, journalPath, { since: now - longestWindowMs });
    if (tail.skipped > 0) {
      logger.warn(`dedupe: ${tail.skipped} unreadable line(s) in ${journalPath} skipped while restoring; the rest is used`);
    }
    const entries = tail.entries.filter((journaled) => journaled.test !== true).map((journaled) => journaled.entry);
    const levels = rebuildDedupeLevels(entries, { thresholds, now, overrides: config.exchanges });
    if (levels.length === 0) {
      logger.info('dedupe: no move in progress in the journal, every rule armed');
    } else {
      const shown = levels.slice(0, 5).map((l) => `${l.exchange} ${l.symbol} ${l.rule} ${l.direction} at level ${l.level}`);
      const more = levels.length > shown.length ? `, and ${levels.length - shown.length} more` : '';
      logger.info(`dedupe: ${levels.length} level${levels.length === 1 ? '' : 's'} restored from the journal (${shown.join(', ')}${more})`);
    }
    const divergences = rebuildDivergenceEpisodes(entries);
    if (divergences.length > 0) {
      logger.info(`dedupe: ${divergences.length} divergence episode${divergences.length === 1 ? '' : 's'} still in force (${divergences.map((d) => d.group).join(', ')}): not alerted again while it holds`);
    }
    const holding = new Set(levels.map(moveKey));
    const diverging = new Set(divergences);
    const inForce = entries.filter((entry) =>
      entry.kind === 'price' ? holding.has(moveKey(entry)) : entry.kind === 'divergence' ? diverging.has(entry) : true,
    );
    return { levels, divergences, inForce };
  } catch (error) {
    logger.warn(`dedupe: cannot read ${journalPath} (${errorMessage(error)}): starting with every rule armed; a move in progress may alert again`);
    return { levels: [], divergences: [], inForce: [] };
  }
}

/**
 * The dedupe levels a start resumes from: rebuilt from the journal's tail (the
 * alerts and re-arms of the longest window; `--test-alert` and replay entries
 * excluded), so that a move alerted before a restart does not alert again at the
 * same level. The journal is the only state this needs: it holds every alert and
 * re-arm before anything else sees them, and anything older than a rule's window
 * is stale anyway, so no snapshot file is kept.
 *
 * 1. Logs one INFO line with what was restored (or that nothing was).
 * 2. A journal that cannot be read (a symlink, EACCES, EIO) is one WARN and a
 *    fresh start (every key armed); unreadable lines are one WARN with their
 *    count, and the rest is used. Never throws.
 *
 * @example
 * const restored = restoredDedupeLevels(config, { logger, now: Date.now(), journalPath: 'var/alerts.jsonl' });
 * // Logs: INFO supervisor: dedupe: 1 level restored from the journal (binance BTC/USDT pct_24h up at level 1)
 */
export function restoredDedupeLevels(config: Config, options: RestoreOptions): DedupeLevel[] {
  return restoredFromJournal(config, options).levels;
}
