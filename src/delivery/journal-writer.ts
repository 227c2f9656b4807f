import { closeSync, constants, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import type { JournalEntry } from '../domain/alert.js';
import { errorMessage } from '../domain/error-message.js';
import { type Logger, silentLogger } from '../log.js';
import type { JournaledEntry } from './channel.js';
import { openStateFileForAppend, sameFile } from './state-dir.js';
import { withoutFloatNoise } from '../domain/without-float-noise.js';

/** Options of {@link openJournal}. */
export interface JournalWriterOptions {
  /** Where write failures, a torn last line and a replaced journal are reported. Default: silent. */
  readonly logger?: Logger;
  /** `fs.writeSync` (tests inject ENOSPC, EIO and short writes). */
  readonly writeSync?: (fd: number, data: Buffer, offset: number, length: number) => number;
}

/** The append side of the journal (`<state_dir>/alerts.jsonl`). */
export interface JournalWriter {
  readonly path: string;
  /**
   * Appends `entry` as one line (with `"test": true` for a `--test-alert`).
   * Returns every entry that reached the disk by this call, in order: this one
   * and those that waited after a failed write; empty while the disk refuses
   * (the entry waits in memory and is retried on the next call and by `retry()`).
   */
  append(entry: JournalEntry, test?: boolean): JournaledEntry[];
  /** Tries again to write what waits; returns what reached the disk. */
  retry(): JournaledEntry[];
  /** Entries that wait for the disk. */
  readonly pending: number;
  /** Byte length of the journal as far as we wrote it: the offset of the next line. */
  readonly size: number;
  /** The journal file's identity (inode), for cursors: a replaced journal has another. */
  readonly identity: string;
  close(): void;
}

interface Waiting {
  readonly entry: JournalEntry;
  readonly test: boolean;
}

const EXCERPT = 80;

/**
 * Opens the journal for appending, inside `stateDir` (never through a symlink,
 * mode 0600). One writer per `state_dir` (the CLI holds the state_dir lock).
 *
 * 1. A last line without its newline (a crash or a full disk mid-write) is
 *    reported once at WARN; the next record starts on a new line, so the torn
 *    fragment stays a line of its own that readers skip.
 * 2. Each record is written with `writeSync`, checking the byte count: a short
 *    write is continued; an error (ENOSPC, EIO) is logged at ERROR once per
 *    failing streak, the record waits in memory and is retried (in order) on the
 *    next append and on `retry()`; the recovery is one INFO line.
 * 3. Before each write, a journal (or `state_dir`) deleted or replaced while
 *    running is noticed: one ERROR, and the journal is reopened (created anew).
 *
 * @example
 * const journal = openJournal('var', 'var/alerts.jsonl', { logger });
 * journal.append(alert); // [{ offset: 0, entry: alert }]
 */
export function openJournal(stateDir: string, path: string, options: JournalWriterOptions = {}): JournalWriter {
  const logger = options.logger ?? silentLogger;
  const write = options.writeSync ?? writeSync;
  let fd: number | undefined;
  let size = 0;
  let identity = '';
  /** True when the file does not end with a newline (torn line, or a failed write left a fragment). */
  let needsNewline = false;
  let failing = false;
  const waiting: Waiting[] = [];

  const open = () => {
    fd = openStateFileForAppend(stateDir, path);
    const stat = fstatSync(fd);
    size = stat.size;
    identity = `${stat.dev}:${stat.ino}`;
    needsNewline = false;
    if (size > 0) {
      const tail = Buffer.alloc(Math.min(size, 4096));
      const readFd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
      try {
        readSync(readFd, tail, 0, tail.length, size - tail.length);
      } finally {
        closeSync(readFd);
      }
      if (tail[tail.length - 1] !== 0x0a) {
        needsNewline = true;
        const text = tail.toString('utf8');
        const fragment = text.slice(text.lastIndexOf('\n') + 1);
        logger.warn(
          `journal ${path} ends with a torn line (${Buffer.byteLength(fragment)} bytes: ${JSON.stringify(fragment.slice(0, EXCERPT))}` +
            `${fragment.length > EXCERPT ? '…' : ''}); it is skipped, the next record starts on a new line`,
        );
      }
    }
  };

  const ensureOpen = (): boolean => {
    if (fd !== undefined && sameFile(fd, path)) return true;
    if (fd !== undefined) {
      logger.error(`journal ${path} was deleted or replaced while running; reopening it (records from now on go to the new file)`);
      try {
        closeSync(fd);
      } catch {
        // Already gone.
      }
      fd = undefined;
    }
    try {
      open();
      return true;
    } catch (error) {
      if (!failing) logger.error(`cannot open journal ${path}: ${errorMessage(error)}; alerts wait in memory and are retried`);
      failing = true;
      return false;
    }
  };

  const writeOne = (item: Waiting): JournaledEntry => {
    const line = JSON.stringify(item.test ? { ...item.entry, test: true } : item.entry, withoutFloatNoise);
    const data = Buffer.from(`${needsNewline ? '\n' : ''}${line}\n`, 'utf8');
    const offset = size + (needsNewline ? 1 : 0);
    let done = 0;
    try {
      while (done < data.length) {
        const n = write(fd!, data, done, data.length - done);
        if (!(n > 0)) throw Object.assign(new Error(`short write: ${done} of ${data.length} bytes`), { code: 'ESHORT' });
        done += n;
      }
    } catch (error) {
      // Whatever reached the disk is a fragment: the retry starts on a new line.
      size += done;
      if (done > 0) needsNewline = true;
      throw error;
    }
    size += data.length;
    needsNewline = false;
    return item.test ? { offset, entry: item.entry, test: true } : { offset, entry: item.entry };
  };

  const flush = (): JournaledEntry[] => {
    const written: JournaledEntry[] = [];
    if (waiting.length === 0 || !ensureOpen()) return written;
    while (waiting.length > 0) {
      try {
        written.push(writeOne(waiting[0]!));
        waiting.shift();
      } catch (error) {
        if (!failing) {
          logger.error(
            `cannot append to journal ${path}: ${errorMessage(error)}; ${waiting.length} record(s) wait in memory and are retried`,
          );
        }
        failing = true;
        return written;
      }
    }
    if (failing) logger.info(`journal ${path} is written again`);
    failing = false;
    return written;
  };

  try {
    open();
  } catch (error) {
    failing = true;
    logger.error(`cannot open journal ${path}: ${errorMessage(error)}; alerts wait in memory and are retried`);
  }

  return {
    path,
    append(entry, test = false) {
      waiting.push({ entry, test });
      return flush();
    },
    retry: flush,
    get pending() {
      return waiting.length;
    },
    get size() {
      return size;
    },
    get identity() {
      return identity;
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
