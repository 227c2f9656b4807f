/**
 * A mocha root-hook plugin (loaded by .mocharc.json) that fails the run when
 * the tests leave anything behind in the checkout: a new file anywhere, or a
 * changed file under var/ (the default state_dir, which may already hold a
 * journal from `npm start`). Tests write under the temp directory. Changes to
 * other existing files are not counted, so that editing the source while the
 * tests run does not fail them.
 *
 * Not watched: .git, node_modules and dist/ (`npm pack` in the pack-install
 * test rebuilds dist/, as `npm test` itself does before mocha starts).
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NOT_WATCHED = new Set(['.git', 'node_modules', 'dist']);

/** Every file under `dir` (relative to the root) with its size and mtime. */
export function checkoutFiles(root: string = ROOT): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (dir === root && NOT_WATCHED.has(entry.name)) continue;
      if (entry.isDirectory()) walk(path);
      else {
        const stat = statSync(path, { throwIfNoEntry: false });
        files.set(relative(root, path), stat === undefined ? 'gone' : `${stat.size} ${stat.mtimeMs}`);
      }
    }
  };
  walk(root);
  return files;
}

/** What the tests left behind between two listings: added files, and modified files under var/, sorted. */
export function checkoutChanges(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...after]
    .filter(([path, stamp]) => !before.has(path) || (path.startsWith(`var${sep}`) && before.get(path) !== stamp))
    .map(([path]) => (before.has(path) ? `modified ${path}` : `added ${path}`))
    .sort();
}

let before: Map<string, string> | undefined;

export const mochaHooks = {
  beforeAll(): void {
    before = checkoutFiles();
  },
  afterAll(): void {
    if (before === undefined) return;
    const changes = checkoutChanges(before, checkoutFiles());
    if (changes.length > 0) {
      throw new Error(`the tests left files behind in the checkout (write under the temp directory instead):\n  ${changes.join('\n  ')}`);
    }
  },
};
