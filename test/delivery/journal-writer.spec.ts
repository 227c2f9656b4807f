import { existsSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { openJournal } from '../../src/delivery/journal-writer.js';
import { readJournal } from '../../src/delivery/read-journal.js';
import { createLogger } from '../../src/log.js';
import { btcUp, ethDown, krakenDown } from './channels/email/alert-fixtures.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';

const fail = (code: string) => Object.assign(new Error(`${code}: injected`), { code });

describe('openJournal', () => {
  let dir: TempDir;
  let lines: string[];
  const logger = () => createLogger('supervisor.alerts', { write: (line) => lines.push(line) });
  const path = () => join(dir.path, 'alerts.jsonl');
  const fileLines = () => readFileSync(path(), 'utf8').split('\n');
  beforeEach(() => {
    dir = tempDir();
    lines = [];
  });
  afterEach(() => dir.remove());

  it('appends one line per entry with its byte offset, test entries marked, the file 0600, and reads them back', () => {
    const journal = openJournal(dir.path, path());
    const [a] = journal.append(btcUp);
    const [b] = journal.append(ethDown, true);
    journal.close();
    expect(a).to.deep.equal({ offset: 0, entry: btcUp });
    expect(b).to.deep.equal({ offset: Buffer.byteLength(`${JSON.stringify(btcUp)}\n`), entry: ethDown, test: true });
    expect(fileLines()[1]).to.equal(JSON.stringify({ ...ethDown, test: true }));
    expect(statSync(path()).mode & 0o777).to.equal(0o600);
    expect(readJournal(dir.path, path(), 0).entries).to.deep.equal([a, b]);
    expect(readJournal(dir.path, path(), b!.offset).entries).to.deep.equal([b]);
  });

  it('writes no float noise: fractions with 12 significant digits, integers untouched', () => {
    const journal = openJournal(dir.path, path());
    const noisy = { ...btcUp, change: 0.06000000000000005, coverage: 0.0022236333474445857, price: 0.1 + 0.2 };
    journal.append(noisy);
    journal.close();
    const line = fileLines()[0]!;
    expect(line).to.contain('"change":0.06,').and.contain('"coverage":0.00222363334744').and.contain('"price":0.3,');
    expect(line).to.contain(`"ts":${btcUp.ts},`);
    expect(readJournal(dir.path, path(), 0).entries[0]?.entry).to.deep.equal({ ...noisy, change: 0.06, coverage: 0.00222363334744, price: 0.3 });
  });

  it('starts the next record on a new line after a torn last line, and reports the fragment once', () => {
    const whole = `${JSON.stringify(btcUp)}\n`;
    writeFileSync(path(), `${whole}{"kind":"price","ts":17000`);
    const journal = openJournal(dir.path, path(), { logger: logger() });
    journal.append(ethDown);
    journal.append(krakenDown);
    journal.close();
    expect(fileLines()).to.deep.equal([JSON.stringify(btcUp), '{"kind":"price","ts":17000', JSON.stringify(ethDown), JSON.stringify(krakenDown), '']);
    const warnings = lines.filter((line) => line.includes('[WARN]'));
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain('ends with a torn line (26 bytes: "{\\"kind\\":\\"price\\",\\"ts\\":17000"); it is skipped, the next record starts on a new line');
    const read = readJournal(dir.path, path(), 0);
    expect(read.entries.map((e) => e.entry)).to.deep.equal([btcUp, ethDown, krakenDown]);
    expect(read.skipped).to.equal(1);
  });

  it('keeps a record that the disk refused (ENOSPC) in memory, logs one ERROR, and writes it first when the disk takes it again', () => {
    let refuse = 2;
    const journal = openJournal(dir.path, path(), {
      logger: logger(),
      writeSync: (fd, data, offset, length) => {
        if (refuse > 0) {
          refuse--;
          throw fail('ENOSPC');
        }
        return writeSync(fd, data, offset, length);
      },
    });
    expect(journal.append(btcUp)).to.deep.equal([]);
    expect(journal.append(ethDown)).to.deep.equal([]);
    expect(journal.pending).to.equal(2);
    const written = journal.append(krakenDown);
    journal.close();
    expect(written.map((e) => e.entry)).to.deep.equal([btcUp, ethDown, krakenDown]);
    expect(fileLines()).to.deep.equal([btcUp, ethDown, krakenDown].map((a) => JSON.stringify(a)).concat(''));
    const errors = lines.filter((line) => line.includes('[ERROR]'));
    expect(errors).to.have.length(1);
    expect(errors[0]).to.match(/cannot append to journal .*alerts\.jsonl: ENOSPC: injected; 1 record\(s\) wait in memory and are retried$/);
    expect(lines.filter((line) => line.includes('[INFO]'))).to.have.length(1);
  });

  it('continues a short write, and after a write that failed half-way starts the retry on a new line (no merged record)', () => {
    let call = 0;
    const journal = openJournal(dir.path, path(), {
      logger: logger(),
      writeSync: (fd, data, offset, length) => {
        call++;
        if (call === 1) return writeSync(fd, data, offset, 10); // short: the rest follows in the next call
        if (call === 3) return writeSync(fd, data, offset, 7); // half a record, then the disk fills
        if (call === 4) throw fail('EIO');
        return writeSync(fd, data, offset, length);
      },
    });
    expect(journal.append(btcUp)).to.have.length(1);
    expect(journal.append(ethDown)).to.deep.equal([]);
    const [retried] = journal.retry();
    journal.close();
    expect(fileLines()).to.deep.equal([JSON.stringify(btcUp), JSON.stringify(ethDown).slice(0, 7), JSON.stringify(ethDown), '']);
    expect(readJournal(dir.path, path(), 0).entries).to.deep.equal([{ offset: 0, entry: btcUp }, retried]);
  });

  it('notices a state_dir deleted while running: one ERROR, the journal reopened, the next record in the new file', () => {
    const state = join(dir.path, 'state');
    const journalPath = join(state, 'alerts.jsonl');
    const journal = openJournal(state, journalPath, { logger: logger() });
    journal.append(btcUp);
    rmSync(state, { recursive: true });
    const [after] = journal.append(ethDown);
    journal.append(krakenDown);
    journal.close();
    expect(after).to.deep.equal({ offset: 0, entry: ethDown });
    expect(readFileSync(journalPath, 'utf8')).to.equal(`${JSON.stringify(ethDown)}\n${JSON.stringify(krakenDown)}\n`);
    const errors = lines.filter((line) => line.includes('[ERROR]'));
    expect(errors).to.have.length(1);
    expect(errors[0]).to.contain('was deleted or replaced while running; reopening it');
  });

  it('never writes through a journal that is a symlink to a file outside state_dir', () => {
    const outside = tempDir();
    try {
      const target = join(outside.path, 'precious.txt');
      writeFileSync(target, 'precious\n');
      symlinkSync(target, path());
      const journal = openJournal(dir.path, path(), { logger: logger() });
      expect(journal.append(btcUp)).to.deep.equal([]);
      journal.close();
      expect(readFileSync(target, 'utf8')).to.equal('precious\n');
      expect(readdirSync(outside.path)).to.deep.equal(['precious.txt']);
      expect(lines.filter((line) => line.includes('[ERROR]')).join('\n')).to.match(/alerts\.jsonl is a symlink/);
    } finally {
      outside.remove();
    }
  });

  it('a missing journal reads as empty', () => {
    expect(existsSync(path())).to.equal(false);
    expect(readJournal(dir.path, path(), 0)).to.deep.equal({ entries: [], end: 0, skipped: 0 });
  });
});
