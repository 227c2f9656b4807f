import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { JournalEntry } from '../domain/alert.js';
import type { JournaledEntry } from './channel.js';
import { checkNoSymlink } from './state-dir.js';

/** What {@link readJournal} found. */
export interface JournalRead {
  /** Entries whose line starts at or after the offset asked for, in journal order. */
  readonly entries: JournaledEntry[];
  /** Where the next line starts (the file's length when it ends with a newline). */
  readonly end: number;
  /** Lines skipped: torn (a crash mid-write) or not a journal record. */
  readonly skipped: number;
}

const KINDS = new Set(['price', 'feed', 'rearm', 'divergence']);

/** What every record names: its exchange, or for a divergence (and its re-arm) the group compared. */
const isNamed = (record: Record<string, unknown>) =>
  record.kind === 'divergence' || record.rule === 'divergence' ? typeof record.group === 'string' : typeof record.exchange === 'string';

/** A journal line to an entry, or undefined when it is torn or not a record. */
export function parseJournalLine(line: string, offset: number): JournaledEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (!KINDS.has(record.kind as string) || typeof record.ts !== 'number' || !isNamed(record)) return undefined;
  if (record.test === true) {
    const { test: _test, ...entry } = record;
    return { offset, entry: entry as unknown as JournalEntry, test: true };
  }
  return { offset, entry: record as unknown as JournalEntry };
}

/**
 * Reads the journal's records from byte `from` on (a line start, e.g. a
 * channel's cursor), without following a symlink inside `stateDir`.
 *
 * 1. A missing journal reads as empty.
 * 2. A torn or unreadable line is skipped and counted; a last line without
 *    its newline is not returned (its writer may still be busy or it is torn).
 *
 * @example
 * readJournal('var', 'var/alerts.jsonl', 0).entries.length;
 * // Logs: 42
 */
export function readJournal(stateDir: string, path: string, from: number): JournalRead {
  const stat = checkNoSymlink(stateDir, path);
  if (stat === undefined) return { entries: [], end: 0, skipped: 0 };
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  let data: Buffer;
  try {
    const size = fstatSync(fd).size;
    const start = Math.min(Math.max(0, from), size);
    data = Buffer.alloc(size - start);
    let done = 0;
    while (done < data.length) {
      const n = readSync(fd, data, done, data.length - done, start + done);
      if (n === 0) break;
      done += n;
    }
    data = data.subarray(0, done);
    const entries: JournaledEntry[] = [];
    let skipped = 0;
    let lineStart = 0;
    for (;;) {
      const newline = data.indexOf(0x0a, lineStart);
      if (newline < 0) break;
      if (newline > lineStart) {
        const parsed = parseJournalLine(data.toString('utf8', lineStart, newline), start + lineStart);
        if (parsed) entries.push(parsed);
        else skipped++;
      }
      lineStart = newline + 1;
    }
    return { entries, end: start + lineStart, skipped };
  } finally {
    closeSync(fd);
  }
}
