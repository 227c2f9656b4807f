import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { MoveRearmed, PriceAlert } from '../../src/domain/alert.js';
import { readJournalTail } from '../../src/delivery/read-journal-tail.js';
import { StateDirError } from '../../src/delivery/state-dir.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';

const alertAt = (ts: number, level = 1): PriceAlert => ({
  kind: 'price', ts, exchange: 'binance', symbol: 'BTC/USDT', rule: 'pct_24h', direction: 'up',
  change: 0.05 * level, price: 100 + 5 * level, reference: 100, windowMs: 86_400_000, level, coverage: 1,
});
const rearmAt = (ts: number): MoveRearmed => ({ kind: 'rearm', ts, exchange: 'binance', symbol: 'BTC/USDT', rule: 'pct_24h', direction: 'up', level: 1 });
const line = (entry: object) => `${JSON.stringify(entry)}\n`;

describe('readJournalTail', () => {
  let dir: TempDir;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.remove());
  const journal = () => join(dir.path, 'alerts.jsonl');

  it('reads a missing journal as empty', () => {
    expect(readJournalTail(dir.path, journal(), { since: 0 })).to.deep.equal({ entries: [], skipped: 0, bytesRead: 0 });
  });

  it('reads back from the end only as far as `since`: a big journal is not read whole', () => {
    let text = '';
    for (let i = 0; i < 5000; i++) text += line(alertAt(i)); // old history, about 1 MB
    const recent = [alertAt(1_000_000, 1), rearmAt(1_000_100), alertAt(1_000_200, 2)];
    const offset = Buffer.byteLength(text);
    text += recent.map(line).join('');
    dir.write('alerts.jsonl', text);
    const tail = readJournalTail(dir.path, journal(), { since: 999_000, chunkBytes: 1024 });
    expect(tail.entries.map((e) => e.entry)).to.deep.equal(recent);
    expect(tail.entries[0]!.offset).to.equal(offset);
    expect(tail.skipped).to.equal(0);
    expect(tail.bytesRead).to.be.below(4096);
    expect(Buffer.byteLength(text)).to.be.above(500_000);
  });

  it('reads the whole journal when all of it is recent, with test entries marked', () => {
    dir.write('alerts.jsonl', line(alertAt(10)) + line({ ...alertAt(20), test: true }) + line(rearmAt(30)));
    const tail = readJournalTail(dir.path, journal(), { since: 0, chunkBytes: 16 });
    expect(tail.entries.map((e) => [e.entry.kind, e.entry.ts, e.test === true])).to.deep.equal([
      ['price', 10, false], ['price', 20, true], ['rearm', 30, false],
    ]);
  });

  it('skips a corrupt line (counted) and a torn last line, and keeps the rest', () => {
    dir.write('alerts.jsonl', line(alertAt(10)) + 'not json at all\n' + line(alertAt(20)) + '{"kind":"price","ts":3');
    const tail = readJournalTail(dir.path, journal(), { since: 0 });
    expect(tail.entries.map((e) => e.entry.ts)).to.deep.equal([10, 20]);
    expect(tail.skipped).to.equal(1); // the torn last line is not a line yet: its writer may be busy
  });

  it('never follows a journal that is a symlink out of the state directory', () => {
    const outside = tempDir();
    try {
      outside.write('alerts.jsonl', line(alertAt(10)));
      mkdirSync(join(dir.path, 'state'));
      symlinkSync(join(outside.path, 'alerts.jsonl'), join(dir.path, 'state', 'alerts.jsonl'));
      expect(() => readJournalTail(join(dir.path, 'state'), join(dir.path, 'state', 'alerts.jsonl'), { since: 0 })).to.throw(StateDirError, /symlink/);
    } finally {
      outside.remove();
    }
  });
});
