import { expect } from 'chai';
import fc from 'fast-check';
import { parseTickLine } from '../../src/replay/parse-tick-line.js';
import { openTickFile, type TickFileLine } from '../../src/replay/tick-file-reader.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';

const line = (price: number, ts: number, exchange = 'binance') => JSON.stringify({ exchange, symbol: 'BTC/USDT', price, ts });

function readAll(path: string, chunkBytes: number, maxLineBytes?: number): TickFileLine[] {
  const reader = openTickFile(path, maxLineBytes === undefined ? { chunkBytes } : { chunkBytes, maxLineBytes });
  const lines: TickFileLine[] = [];
  for (let entry = reader.next(); entry !== undefined; entry = reader.next()) lines.push(entry);
  reader.close();
  return lines;
}

describe('openTickFile', () => {
  let dir: TempDir;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.remove());

  it('matches its @example: the first line of a fixture', () => {
    const reader = openTickFile('test/fixtures/btc-rally.jsonl');
    expect(reader.next()).to.deep.include({ line: 1 }).and.to.have.nested.property('tick.symbol', 'BTC/USDT');
    reader.close();
  });

  it('reads lines across chunk boundaries, with CRLF, blank lines and no final newline', () => {
    const text = `${line(1, 1)}\r\n\n  \n${line(2, 2, 'bïnance')}\n${line(3, 3)}`;
    const path = dir.write('ticks.jsonl', text);
    for (const chunkBytes of [1, 2, 7, 64, 65_536]) {
      const lines = readAll(path, chunkBytes);
      expect(lines.map((l) => [l.line, l.tick?.price, l.tick?.exchange]), `chunks of ${chunkBytes}`).to.deep.equal([
        [1, 1, 'binance'],
        [4, 2, 'bïnance'], // a two-byte character split across chunks survives
        [5, 3, 'binance'],
      ]);
    }
  });

  it('gives, for any file and chunk size, what splitting the whole text on newlines and parsing each line gives', () => {
    // Lines decoded straight from a chunk (the fast path) and lines pieced together across
    // chunks must not differ: non-ASCII text, CRLF, blank and malformed lines, chunk sizes
    // from 1 byte (every line pieced together) to larger than the file (none).
    const piece = fc.oneof(
      fc.constantFrom('binance', 'bïnance', 'ex€', '交易所').chain((exchange) =>
        fc.record({ price: fc.integer({ min: 0, max: 9 }), ts: fc.nat(99) }).map(({ price, ts }) => line(price, ts, exchange))),
      fc.constantFrom('', '  ', '{"exchange":"bïn', 'not json ü', '{}'),
    );
    const file = fc.tuple(fc.array(fc.tuple(piece, fc.constantFrom('\n', '\r\n')), { maxLength: 12 }), piece)
      .map(([lines, last]) => lines.map(([text, end]) => text + end).join('') + last);
    fc.assert(fc.property(file, fc.integer({ min: 1, max: 300 }), (text, chunkBytes) => {
      const expected = text.split('\n').flatMap((raw, index) => {
        const trimmed = raw.trim();
        if (trimmed === '') return [];
        const parsed = parseTickLine(trimmed);
        return [typeof parsed === 'string' ? { line: index + 1, problem: parsed } : { line: index + 1, tick: parsed }];
      });
      expect(readAll(dir.write('ticks.jsonl', text), chunkBytes)).to.deep.equal(expected);
    }), { numRuns: 300 });
  });

  it('reports a malformed line with its number and reads on', () => {
    const path = dir.write('ticks.jsonl', `${line(1, 1)}\n{"exchange":"binance","pri\n${line(0, 3)}\n${line(4, 4)}\n`);
    const lines = readAll(path, 16);
    expect(lines.map((l) => l.line)).to.deep.equal([1, 2, 3, 4]);
    expect(lines[1]!.problem).to.match(/^not JSON/);
    expect(lines[2]!.problem).to.equal('price must be a positive finite number, got 0');
    expect(lines[3]!.tick?.price).to.equal(4);
  });

  it('skips a line longer than the limit without holding it in memory', () => {
    const long = `{"exchange":"${'x'.repeat(300)}","symbol":"BTC/USDT","price":1,"ts":1}`;
    const path = dir.write('ticks.jsonl', `${line(1, 1)}\n${long}\n${line(2, 2)}\n${long}`);
    for (const chunkBytes of [16, 4096]) {
      const lines = readAll(path, chunkBytes, 100);
      expect(lines.map((l) => l.problem ?? l.tick?.price), `chunks of ${chunkBytes}`).to.deep.equal([
        1,
        'line longer than 100 bytes',
        2,
        'line longer than 100 bytes',
      ]);
    }
  });

  it('counts lines and bytes as it goes', () => {
    const text = `${line(1, 1)}\n\n${line(2, 2)}\n`;
    const path = dir.write('ticks.jsonl', text);
    const reader = openTickFile(path, { chunkBytes: 8 });
    expect(reader.totalBytes).to.equal(Buffer.byteLength(text));
    reader.next();
    expect(reader.linesRead).to.equal(1);
    expect(reader.bytesRead).to.be.below(reader.totalBytes);
    reader.next();
    expect(reader.next()).to.equal(undefined);
    expect([reader.linesRead, reader.bytesRead]).to.deep.equal([3, reader.totalBytes]);
    reader.close();
    reader.close();
  });

  it('returns nothing more once closed', () => {
    const path = dir.write('ticks.jsonl', `${line(1, 1)}\n${line(2, 2)}\n`);
    const reader = openTickFile(path);
    reader.close();
    expect(reader.next()).to.equal(undefined);
  });

  it('names the file it cannot open or read', () => {
    expect(() => openTickFile(`${dir.path}/missing.jsonl`)).to.throw(/^cannot open tick file .*missing\.jsonl: ENOENT/);
    const reader = openTickFile(dir.path); // a folder opens, but cannot be read
    expect(() => reader.next()).to.throw(/^cannot read tick file .*: EISDIR/);
    reader.close();
  });
});
