import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/golden');

/**
 * Compares `actual` with `test/fixtures/golden/<name>` exactly. With
 * `UPDATE_GOLDEN=1` it writes the file instead: review the diff before committing.
 */
export function expectGolden(name: string, actual: string): void {
  const file = join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  expect(actual, `golden ${name} (UPDATE_GOLDEN=1 rewrites it)`).to.equal(readFileSync(file, 'utf8'));
}

/**
 * A request as a golden file shows it: the headers that matter, a blank line,
 * the body (JSON pretty-printed), and for chat formats the text as a person
 * sees it.
 */
export function renderRequest(headers: Readonly<Record<string, string | string[] | undefined>>, body: string, shown?: string): string {
  const head = Object.entries(headers)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(', ') : value}`)
    .join('\n');
  let printed = body;
  try {
    printed = JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    // not JSON: shown as is
  }
  const text = shown === undefined ? '' : `\n\n----- as shown -----\n${shown}`;
  return `${head}\n\n${printed}${text}\n`;
}
