import { readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { lastValueFrom, of, toArray } from 'rxjs';
import { journalEntries } from '../../src/delivery/journal-entries.js';
import { openJournal } from '../../src/delivery/journal-writer.js';
import { createLogger } from '../../src/log.js';
import { btcUp, ethDown } from './channels/email/alert-fixtures.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';

describe('journalEntries', () => {
  let dir: TempDir;
  let lines: string[];
  beforeEach(() => {
    dir = tempDir();
    lines = [];
  });
  afterEach(() => dir.remove());

  it('emits each entry with its offset once it is on disk', async () => {
    const journal = openJournal(dir.path, join(dir.path, 'alerts.jsonl'));
    const out = await lastValueFrom(of(btcUp, ethDown).pipe(journalEntries(journal), toArray()));
    journal.close();
    expect(out.map((e) => e.entry)).to.deep.equal([btcUp, ethDown]);
    expect(out[1]!.offset).to.equal(Buffer.byteLength(`${JSON.stringify(btcUp)}\n`));
  });

  it('never hands a channel what the disk refused, and at the end says at ERROR that it is lost, never "at the next start"', async () => {
    const logger = createLogger('supervisor.alerts', { write: (line) => lines.push(line) });
    let full = true;
    const journal = openJournal(dir.path, join(dir.path, 'alerts.jsonl'), {
      logger,
      writeSync: (fd, data, offset, length) => {
        if (full) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        return writeSync(fd, data, offset, length);
      },
    });
    const out = await lastValueFrom(of(btcUp, ethDown).pipe(journalEntries(journal, { logger }), toArray()));
    full = false;
    journal.close();
    expect(out).to.deep.equal([]);
    expect(readFileSync(join(dir.path, 'alerts.jsonl'), 'utf8')).to.equal('');
    const errors = lines.filter((line) => line.includes('[ERROR]'));
    expect(errors.at(-1)).to.match(/2 record\(s\) could not be written to .*alerts\.jsonl and are lost \(they are in the log above\)$/);
    expect(lines.join('\n')).to.not.contain('next start');
  });
});
