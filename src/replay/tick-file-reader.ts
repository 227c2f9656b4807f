import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { Tick } from '../domain/tick.js';
import { parseTickLine } from './parse-tick-line.js';

const NEWLINE = 0x0a;

/** One non-blank line of a tick file: its tick, or why it is not one. */
export type TickFileLine =
  | { readonly line: number; readonly tick: Tick; readonly problem?: undefined }
  | { readonly line: number; readonly tick?: undefined; readonly problem: string };

/** Options of {@link openTickFile}. */
export interface TickFileReaderOptions {
  /** Bytes read per `readSync`. Default 1 MiB. */
  readonly chunkBytes?: number;
  /** A longer line is skipped as a problem, without being held in memory. Default 65536. */
  readonly maxLineBytes?: number;
}

/** Reads a tick file lazily, a chunk at a time. */
export interface TickFileReader {
  /** The file's path, as given. */
  readonly path: string;
  /** Size of the file when it was opened, bytes. */
  readonly totalBytes: number;
  /** Bytes read so far. */
  readonly bytesRead: number;
  /** Lines read so far, blank ones included. */
  readonly linesRead: number;
  /** The next non-blank line, or `undefined` at the end of the file. */
  next(): TickFileLine | undefined;
  /** Closes the file; `next()` then returns `undefined`. Safe to call twice. */
  close(): void;
}

/**
 * Opens a tick file (JSON Lines, one `Tick` per line) for lazy, synchronous
 * reading: memory stays at one chunk plus one line whatever the file's size.
 *
 * Synchronous on purpose: a replay runs on a virtual-time scheduler whose
 * `flush()` is a synchronous loop, so each scheduled tick reads the next one
 * right there; an async stream could not feed a flush in progress. Lines may end
 * in `\n` or `\r\n`; the last line needs no newline; blank lines are skipped.
 *
 * @throws Error naming the path when the file cannot be opened (here) or read (in `next()`).
 *
 * @example
 * const reader = openTickFile('test/fixtures/btc-rally.jsonl');
 * reader.next();
 * // Logs: { line: 1, tick: { exchange: 'binance', symbol: 'BTC/USDT', ... } }
 * reader.close();
 */
export function openTickFile(path: string, options: TickFileReaderOptions = {}): TickFileReader {
  const chunkBytes = options.chunkBytes ?? 1_048_576;
  const maxLineBytes = options.maxLineBytes ?? 65_536;
  let fd: number | undefined;
  let totalBytes: number;
  try {
    fd = openSync(path, 'r');
    totalBytes = fstatSync(fd).size;
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    throw new Error(`cannot open tick file ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }

  const chunk = Buffer.allocUnsafe(chunkBytes);
  let chunkEnd = 0; // valid bytes in `chunk`
  let pos = 0; // next unread byte in `chunk`
  let partial: Buffer[] = []; // start of a line that spans chunks
  let partialBytes = 0;
  let overlong = false; // the current line passed maxLineBytes: drop it up to its newline
  let bytesRead = 0;
  let linesRead = 0;
  let ended = false;
  // The complete lines of the chunk, decoded at once, each ending in '\n'; served from `textPos`.
  let text = '';
  let textPos = 0;

  /** Reads the next chunk; false at the end of the file. */
  const fill = (): boolean => {
    if (fd === undefined) return false;
    try {
      chunkEnd = readSync(fd, chunk, 0, chunkBytes, null);
    } catch (error) {
      throw new Error(`cannot read tick file ${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
    pos = 0;
    bytesRead += chunkEnd;
    return chunkEnd > 0;
  };

  /** The result for a complete line (its bytes, or its text already decoded), or undefined for a blank one. */
  const finish = (bytes: Buffer | string): TickFileLine | undefined => {
    linesRead += 1;
    const line = linesRead;
    if (overlong) {
      overlong = false;
      return { line, problem: `line longer than ${maxLineBytes} bytes` };
    }
    const trimmed = (typeof bytes === 'string' ? bytes : bytes.toString('utf8')).trim();
    if (trimmed === '') return undefined;
    const parsed = parseTickLine(trimmed);
    return typeof parsed === 'string' ? { line, problem: parsed } : { line, tick: parsed };
  };

  const keep = (bytes: Buffer) => {
    if (overlong) return;
    if (partialBytes + bytes.length > maxLineBytes) {
      overlong = true;
      partial = [];
      partialBytes = 0;
      return;
    }
    partial.push(Buffer.from(bytes)); // a copy: `chunk` is reused
    partialBytes += bytes.length;
  };

  const take = (): Buffer => {
    const bytes = partial.length === 1 ? partial[0]! : Buffer.concat(partial, partialBytes);
    partial = [];
    partialBytes = 0;
    return bytes;
  };

  return {
    path,
    totalBytes,
    get bytesRead() {
      return bytesRead;
    },
    get linesRead() {
      return linesRead;
    },
    next() {
      while (!ended) {
        if (textPos < text.length) {
          const newline = text.indexOf('\n', textPos);
          const line = text.slice(textPos, newline);
          textPos = newline + 1;
          // A UTF-16 unit is at most 3 UTF-8 bytes: only a long line needs its bytes counted.
          if (line.length * 3 > maxLineBytes && Buffer.byteLength(line) > maxLineBytes) overlong = true;
          const result = finish(line);
          if (result !== undefined) return result;
          continue;
        }
        if (pos >= chunkEnd && !fill()) {
          ended = true;
          // The last line may lack its newline.
          if (partialBytes > 0 || overlong) {
            const result = finish(take());
            if (result !== undefined) return result;
          }
          break;
        }
        if (partialBytes === 0 && !overlong) {
          // Every complete line left in the chunk decoded in one call, then cut as strings: one
          // decode per chunk instead of one per line (the profile of a replay showed the per-line
          // decode and its Buffer calls at 6 %). A newline byte never occurs inside a UTF-8
          // sequence, so the lines' characters are complete.
          const last = chunk.lastIndexOf(NEWLINE, chunkEnd - 1);
          if (last >= pos) {
            text = chunk.toString('utf8', pos, last + 1);
            textPos = 0;
            pos = last + 1;
            continue;
          }
        }
        const newline = chunk.indexOf(NEWLINE, pos);
        if (newline === -1 || newline >= chunkEnd) {
          keep(chunk.subarray(pos, chunkEnd));
          pos = chunkEnd;
          continue;
        }
        // The end of a line begun in an earlier chunk (a line whole in this one was decoded above).
        keep(chunk.subarray(pos, newline));
        pos = newline + 1;
        const result = finish(take());
        if (result !== undefined) return result;
      }
      return undefined;
    },
    close() {
      ended = true;
      if (fd !== undefined) {
        const open = fd;
        fd = undefined;
        closeSync(open);
      }
    },
  };
}
