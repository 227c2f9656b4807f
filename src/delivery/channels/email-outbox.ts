import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Alert } from '../../domain/alert.js';
import type { EmailBatch } from './email-batch.js';
import { errorMessage } from '../../domain/error-message.js';

/** What {@link EmailOutbox.load} found. */
export interface OutboxContents {
  /** Batches waiting to be sent, oldest first. */
  readonly batches: readonly EmailBatch[];
  /** One sentence per file that could not be used (moved to `failed/` or removed), for the log. */
  readonly problems: readonly string[];
}

/** The durable queue of emails not yet accepted by the SMTP server: one JSON file per batch. */
export interface EmailOutbox {
  /** `<stateDir>/outbox` */
  readonly dir: string;
  /** `<stateDir>/outbox/failed`: batches the server refused for good. */
  readonly failedDir: string;
  /** Writes the batch atomically (temporary file, fsync, rename). Throws on I/O errors. */
  put(batch: EmailBatch): void;
  /** Reads what an earlier run left; unreadable files are moved to `failed/`, partial writes removed. */
  load(): OutboxContents;
  /** Deletes the batch (the server accepted it); no-op when it is not there. */
  remove(batchId: string): void;
  /** Moves the batch to `failed/` with the reason inside; returns the new path. Throws on I/O errors. */
  fail(batch: EmailBatch, reason: string): string;
}

/** Tags the file format, so a later version can tell old files apart. */
const FORMAT = 'crypto-supervisor/email-batch@1';
const TEMP_SUFFIX = '.tmp';

function writeAtomically(dir: string, name: string, content: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  const temp = `${path}${TEMP_SUFFIX}`;
  const fd = openSync(temp, 'w');
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  try {
    // Makes the rename itself durable; directories cannot be opened for fsync everywhere (Windows).
    const dirFd = openSync(dir, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  } catch {
    // The file content is already durable; only the rename might be replayed.
  }
  return path;
}

const isAlert = (value: unknown): value is Alert =>
  typeof value === 'object' && value !== null && ['price', 'feed'].includes((value as { kind?: unknown }).kind as string);

function parseBatch(text: string, batchId: string): EmailBatch {
  const value = JSON.parse(text) as Record<string, unknown>;
  if (value.format !== FORMAT) throw new Error(`not a ${FORMAT} file`);
  const { messageId, createdAt, alerts } = value;
  if (value.batchId !== batchId) throw new Error(`batchId ${String(value.batchId)} does not match the file name`);
  if (typeof messageId !== 'string' || typeof createdAt !== 'number') throw new Error('messageId or createdAt missing');
  if (!Array.isArray(alerts) || alerts.length === 0 || !alerts.every(isAlert)) throw new Error('alerts missing or malformed');
  return { batchId, messageId, createdAt, alerts };
}

/**
 * Opens the outbox under `<stateDir>/outbox/`. A batch is written before the
 * first SMTP attempt and removed only once the server accepted it, so a crash
 * or shutdown at any point leaves it there for the next start.
 *
 * Directories are created on the first write; all calls are synchronous and
 * small (one file per batch).
 *
 * @example
 * const outbox = emailOutbox('var');
 * outbox.put(emailBatch([alert], Date.now())); // var/outbox/<batchId>.json
 * outbox.load().batches.length;
 * // Logs: 1
 * @see emailSink, its only user.
 */
export function emailOutbox(stateDir: string): EmailOutbox {
  const dir = join(stateDir, 'outbox');
  const failedDir = join(dir, 'failed');
  const fileOf = (batchId: string) => join(dir, `${batchId}.json`);

  return {
    dir,
    failedDir,
    put(batch) {
      const { batchId, messageId, createdAt, alerts } = batch;
      writeAtomically(dir, `${batchId}.json`, `${JSON.stringify({ format: FORMAT, batchId, messageId, createdAt, alerts }, null, 1)}\n`);
    },
    load() {
      if (!existsSync(dir)) return { batches: [], problems: [] };
      const batches: EmailBatch[] = [];
      const problems: string[] = [];
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (!entry.isFile()) continue;
        const path = join(dir, entry.name);
        if (entry.name.endsWith(TEMP_SUFFIX)) {
          // A write that never reached its rename: the batch was never reported queued.
          rmSync(path, { force: true });
          problems.push(`removed ${path}, an interrupted write`);
          continue;
        }
        if (!entry.name.endsWith('.json')) continue;
        const batchId = entry.name.slice(0, -'.json'.length);
        try {
          batches.push(parseBatch(readFileSync(path, 'utf8'), batchId));
        } catch (error) {
          mkdirSync(failedDir, { recursive: true });
          renameSync(path, join(failedDir, entry.name));
          problems.push(`moved unreadable ${path} to ${failedDir}: ${errorMessage(error)}`);
        }
      }
      batches.sort((a, b) => a.createdAt - b.createdAt || (a.batchId < b.batchId ? -1 : 1));
      return { batches, problems };
    },
    remove(batchId) {
      rmSync(fileOf(batchId), { force: true });
    },
    fail(batch, reason) {
      const { batchId, messageId, createdAt, alerts } = batch;
      const content = { format: FORMAT, batchId, messageId, createdAt, alerts, error: reason };
      const path = writeAtomically(failedDir, `${batchId}.json`, `${JSON.stringify(content, null, 1)}\n`);
      rmSync(fileOf(batchId), { force: true });
      return path;
    },
  };
}
