import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { checkoutChanges, checkoutFiles } from './helpers/checkout-guard.js';
import { tempDir, type TempDir } from './helpers/temp-dir.js';

describe('checkout guard (npm test leaves nothing behind in the checkout)', () => {
  let dir: TempDir;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.remove());

  it('names a file added anywhere and a journal that grew under var/, and ignores node_modules, dist and .git', () => {
    dir.write('README.md', 'hello\n');
    for (const sub of ['node_modules', 'dist', '.git', 'test', 'var']) mkdirSync(join(dir.path, sub));
    writeFileSync(join(dir.path, 'var', 'alerts.jsonl'), '');
    const before = checkoutFiles(dir.path);
    expect(checkoutChanges(before, checkoutFiles(dir.path))).to.deep.equal([]);

    appendFileSync(join(dir.path, 'README.md'), 'an edit while the tests run\n');
    appendFileSync(join(dir.path, 'var', 'alerts.jsonl'), '{}\n');
    writeFileSync(join(dir.path, 'var', 'ticks.jsonl'), '');
    writeFileSync(join(dir.path, 'test', 'shot.png'), 'png');
    for (const sub of ['node_modules', 'dist', '.git']) writeFileSync(join(dir.path, sub, 'x'), 'x');

    expect(checkoutChanges(before, checkoutFiles(dir.path))).to.deep.equal([
      'added test/shot.png',
      'added var/ticks.jsonl',
      'modified var/alerts.jsonl',
    ]);
  });
});
