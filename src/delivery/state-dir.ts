import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { errorMessage } from '../domain/error-message.js';

/**
 * Why a path under `state_dir` was refused. `code`:
 * `STATE_SYMLINK` (an entry is a symlink: never followed out of `state_dir`),
 * `STATE_NOT_FILE`, `STATE_NOT_DIR` (an entry of the wrong kind),
 * `STATE_OUTSIDE` (the path is not inside `state_dir`),
 * `STATE_SHORT_WRITE` (the disk took fewer bytes than asked, and no error said why).
 */
export class StateDirError extends Error {
  constructor(
    readonly code: 'STATE_SYMLINK' | 'STATE_NOT_FILE' | 'STATE_NOT_DIR' | 'STATE_OUTSIDE' | 'STATE_SHORT_WRITE',
    message: string,
  ) {
    super(message);
    this.name = 'StateDirError';
  }
}

/** Files we create: only the owner reads alert history and delivery state. */
export const STATE_FILE_MODE = 0o600;
/** Directories we create. */
export const STATE_DIR_MODE = 0o700;

const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/** The parts of `path` below `stateDir`; throws STATE_OUTSIDE for a path that is not inside it. */
function partsBelow(stateDir: string, path: string): string[] {
  const rel = relative(stateDir, path);
  if (rel === '') return [];
  if (rel.startsWith('..') || isAbsolute(rel)) throw new StateDirError('STATE_OUTSIDE', `${path} is not inside ${stateDir}`);
  return rel.split(sep);
}

/**
 * Checks every existing entry from `stateDir` down to `path` with `lstat`: none
 * may be a symlink (the state directory itself may be one: the operator chose it).
 * Missing entries are fine (they are created by us later).
 *
 * @returns the `lstat` of `path`, or undefined when it does not exist.
 * @throws StateDirError `STATE_SYMLINK` naming the entry.
 */
export function checkNoSymlink(stateDir: string, path: string): ReturnType<typeof lstatSync> | undefined {
  let current = stateDir;
  let stat: ReturnType<typeof lstatSync> | undefined;
  for (const part of partsBelow(stateDir, path)) {
    current = join(current, part);
    try {
      stat = lstatSync(current);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    if (stat.isSymbolicLink()) {
      throw new StateDirError('STATE_SYMLINK', `${current} is a symlink; it is not followed out of the state directory`);
    }
  }
  return stat;
}

/**
 * Creates `dir` (and its parents up to `stateDir`, and `stateDir` itself) with
 * mode 0700, refusing to go through a symlink below `stateDir`.
 *
 * @throws StateDirError `STATE_SYMLINK` or `STATE_NOT_DIR`; fs errors as they come.
 */
export function ensureStateSubdir(stateDir: string, dir: string): void {
  mkdirSync(stateDir, { recursive: true, mode: STATE_DIR_MODE });
  let current = stateDir;
  for (const part of partsBelow(stateDir, dir)) {
    current = join(current, part);
    const stat = checkNoSymlink(stateDir, current);
    if (stat === undefined) mkdirSync(current, { mode: STATE_DIR_MODE });
    else if (!stat.isDirectory()) throw new StateDirError('STATE_NOT_DIR', `${current} is not a directory`);
  }
}

/** Writes all of `data` at the fd's position; a short write is continued, a write that takes nothing is an error. */
export function writeAll(fd: number, data: Buffer, write: (fd: number, data: Buffer, offset: number, length: number) => number = writeSync): void {
  let done = 0;
  while (done < data.length) {
    const n = write(fd, data, done, data.length - done);
    if (!(n > 0)) throw new StateDirError('STATE_SHORT_WRITE', `wrote ${done} of ${data.length} bytes`);
    done += n;
  }
}

/**
 * Replaces `path` (inside `stateDir`) with `content` atomically: a temporary
 * file (mode 0600, never through a symlink), fsync, rename over the old one,
 * fsync of the directory. A reader sees the old content or the new, never a part.
 *
 * @throws StateDirError when a symlink or a wrong kind of entry is in the way; fs errors (ENOSPC, EMFILE) as they come.
 * @example
 * writeStateFile('var', 'var/delivery/email.cursor.json', '{"offset":1234}\n');
 */
export function writeStateFile(stateDir: string, path: string, content: string): void {
  const dir = dirname(path);
  ensureStateSubdir(stateDir, dir);
  const existing = checkNoSymlink(stateDir, path);
  if (existing !== undefined && !existing.isFile()) throw new StateDirError('STATE_NOT_FILE', `${path} is not a regular file`);
  const temp = `${path}.tmp`;
  rmSync(temp, { force: true }); // a leftover of a crash; rm does not follow a symlink
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, STATE_FILE_MODE);
  try {
    writeAll(fd, Buffer.from(content, 'utf8'));
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temp, path);
  try {
    const dirFd = openSync(dir, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  } catch {
    // Only the rename might be replayed after a power cut; the content is durable.
  }
}

/**
 * Reads a file inside `stateDir` without following a symlink.
 *
 * @returns the content, or undefined when the file does not exist.
 * @throws StateDirError `STATE_SYMLINK` / `STATE_NOT_FILE`; fs errors as they come.
 */
export function readStateFile(stateDir: string, path: string): string | undefined {
  const stat = checkNoSymlink(stateDir, path);
  if (stat === undefined) return undefined;
  if (!stat.isFile()) throw new StateDirError('STATE_NOT_FILE', `${path} is not a regular file`);
  const fd = openSync(path, constants.O_RDONLY | NOFOLLOW);
  try {
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * Opens a file inside `stateDir` for appending (creating it with mode 0600 and
 * its directories with 0700), never through a symlink.
 *
 * @returns the fd.
 */
export function openStateFileForAppend(stateDir: string, path: string): number {
  ensureStateSubdir(stateDir, dirname(path));
  const existing = checkNoSymlink(stateDir, path);
  if (existing !== undefined && !existing.isFile()) throw new StateDirError('STATE_NOT_FILE', `${path} is not a regular file`);
  return openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | NOFOLLOW, STATE_FILE_MODE);
}

/** The other process that holds a state directory. */
export class StateDirLockedError extends Error {
  readonly code = 'STATE_LOCKED';
  constructor(
    readonly stateDir: string,
    readonly pid: number,
  ) {
    super(`state_dir ${stateDir} is in use by another crypto-supervisor (pid ${pid}); one supervisor per state_dir`);
    this.name = 'StateDirLockedError';
  }
}

/** Options of {@link lockStateDir}. */
export interface StateDirLockOptions {
  /** Our process id, written into the lock file. */
  readonly pid: number;
  /** True while a process of that id runs (the CLI passes `process.kill(pid, 0)`). */
  readonly isAlive: (pid: number) => boolean;
}

/** A held state directory lock. */
export interface StateDirLock {
  /** What happened to an earlier lock, for the log: undefined, or `took over the lock of pid N, which is not running`. */
  readonly note: string | undefined;
  /** Removes the lock file (only if it is still ours). */
  release(): void;
}

/** The lock file's name inside `state_dir`. */
export const LOCK_FILE = 'supervisor.lock';

/**
 * Makes sure only one supervisor uses `stateDir`: creates `<stateDir>/supervisor.lock`
 * (mode 0600, exclusively) holding our pid.
 *
 * 1. When the file exists and names a running process (not us), throws
 *    {@link StateDirLockedError} naming the directory and that pid.
 * 2. When it names a process that is gone (a crash, SIGKILL) or cannot be read,
 *    takes it over and says so in `note`.
 *
 * @example
 * const lock = lockStateDir('var', { pid: process.pid, isAlive });
 * // ... run ...
 * lock.release();
 */
export function lockStateDir(stateDir: string, options: StateDirLockOptions): StateDirLock {
  ensureStateSubdir(stateDir, stateDir);
  const path = join(stateDir, LOCK_FILE);
  let note: string | undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, STATE_FILE_MODE);
      try {
        writeAll(fd, Buffer.from(`${options.pid}\n`));
      } finally {
        closeSync(fd);
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw error;
    }
    let holder: number | undefined;
    try {
      const stat = lstatSync(path);
      if (stat.isSymbolicLink() || !stat.isFile()) throw new StateDirError('STATE_NOT_FILE', `${path} is not a regular file`);
      holder = Number.parseInt(readStateFile(stateDir, path) ?? '', 10);
    } catch (error) {
      if (error instanceof StateDirError) throw error;
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      note = `took over ${path}, which could not be read (${errorMessage(error)})`;
    }
    if (holder !== undefined && Number.isInteger(holder) && holder > 0) {
      if (holder !== options.pid && options.isAlive(holder)) throw new StateDirLockedError(stateDir, holder);
      note = `took over the lock of pid ${holder}, which is not running`;
    } else note ??= `took over ${path}, which held no pid`;
    rmSync(path, { force: true });
  }
  return {
    note,
    release() {
      try {
        if (readStateFile(stateDir, path)?.trim() === String(options.pid)) rmSync(path, { force: true });
      } catch {
        // Gone or replaced: nothing of ours to remove.
      }
    },
  };
}

/** True when `fd` still is the file at `path` (not deleted, not replaced by another file). */
export function sameFile(fd: number, path: string): boolean {
  try {
    const open = fstatSync(fd);
    const now = lstatSync(path);
    return open.ino === now.ino && open.dev === now.dev && open.nlink > 0;
  } catch {
    return false;
  }
}
