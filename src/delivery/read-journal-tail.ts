import type { JournaledEntry } from './channel.js';
import { readJournal } from './read-journal.js';
import { checkNoSymlink } from './state-dir.js';

/** Options of {@link readJournalTail}. */
export interface JournalTailOptions {
  /** Entries with a `ts` before this (ms) are not wanted: reading stops at the first one found. */
  readonly since: number;
  /** The first look back from the end, in bytes; doubled until `since` is passed. Default 65536. */
  readonly chunkBytes?: number;
}

/** What {@link readJournalTail} found. */
export interface JournalTail {
  /** The entries from `since` on, in journal order (test entries included: they say `test: true`). */
  readonly entries: JournaledEntry[];
  /**
   * Lines that could not be read as records (torn or corrupt). The first line of
   * a read that starts past the beginning is not counted: it is usually the piece
   * of a line the look-back cut through.
   */
  readonly skipped: number;
  /** Bytes of the journal read. */
  readonly bytesRead: number;
}

/**
 * Reads the end of the journal, back to the first entry older than `since`:
 * what a restart needs (the dedupe levels of the last window), without reading
 * a journal of months. The journal is in time order, so the search looks back
 * from the end in doubling steps (64 KiB, 128 KiB, ...) until the oldest entry
 * read is older than `since` or the start of the file is reached: at most
 * about twice the bytes needed are read.
 *
 * 1. A missing journal reads as empty.
 * 2. A corrupt line is skipped and counted; a last line without its newline
 *    is not read (its writer may still be busy; the journal writer reports a
 *    torn one), see `readJournal`.
 * 3. Never follows a symlink inside `stateDir` (throws `StateDirError`);
 *    fs errors (EACCES, EIO) are thrown as they come.
 *
 * @example
 * readJournalTail('var', 'var/alerts.jsonl', { since: Date.now() - 86_400_000 }).entries.length;
 * // Logs: 3
 */
export function readJournalTail(stateDir: string, path: string, options: JournalTailOptions): JournalTail {
  const stat = checkNoSymlink(stateDir, path);
  if (stat === undefined) return { entries: [], skipped: 0, bytesRead: 0 };
  const size = Number(stat.size);
  let back = Math.max(1, options.chunkBytes ?? 65_536);
  for (;;) {
    const from = Math.max(0, size - back);
    const read = readJournal(stateDir, path, from);
    const oldest = read.entries[0];
    if (from === 0 || (oldest !== undefined && oldest.entry.ts < options.since)) {
      // Starting inside a line cuts it: that piece is skipped by readJournal, but it is not damage.
      const cut = from > 0 ? 1 : 0;
      return {
        entries: read.entries.filter((journaled) => journaled.entry.ts >= options.since),
        skipped: Math.max(0, read.skipped - cut),
        bytesRead: read.end - from,
      };
    }
    back *= 2;
  }
}
