import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temporary directory for one test, removed by `remove()`. */
export interface TempDir {
  readonly path: string;
  /** Writes `text` to `name` inside the directory and returns the full path. */
  write(name: string, text: string): string;
  remove(): void;
}

/** Creates a fresh temporary directory. */
export function tempDir(prefix = 'crypto-supervisor-'): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    write(name, text) {
      const file = join(path, name);
      writeFileSync(file, text);
      return file;
    },
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}
