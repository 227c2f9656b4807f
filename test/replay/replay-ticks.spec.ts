import { readdirSync } from 'node:fs';
import { expect } from 'chai';
import { map, take, VirtualTimeScheduler } from 'rxjs';
import type { Tick } from '../../src/domain/tick.js';
import type { ReplayProgress } from '../../src/replay/replay-progress.js';
import { replayTicks } from '../../src/replay/replay-ticks.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';
import { createTestScheduler } from '../helpers/test-scheduler.js';
import { captureLogger } from './capture-logger.js';

const T0 = 1_717_200_000_000;
const DAY = 86_400_000;
const tick = (price: number, offset: number): Tick => ({ exchange: 'binance', symbol: 'BTC/USDT', price, ts: T0 + offset });
const lineOf = (t: Tick) => JSON.stringify(t);
const prices = map((t: Tick) => t.price);

/** Open file descriptors of this process, where the OS shows them. */
function openFds(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return undefined;
  }
}

describe('replayTicks', () => {
  let dir: TempDir;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.remove());

  it('emits ticks at their recorded times relative to the first, on the scheduler', () => {
    createTestScheduler().run(({ expectObservable }) => {
      const ticks = [tick(1, 0), tick(2, 10), tick(3, 10), tick(4, 5), tick(5, 50)];
      // 3 shares 2's time; 4 is older than 3 (out of order): both come right after 2
      expectObservable(replayTicks(ticks).pipe(prices)).toBe('a 9ms (bcd) 35ms (e|)', { a: 1, b: 2, c: 3, d: 4, e: 5 });
    });
  });

  it('reads a file and starts when subscribed, keeping the recorded ts', () => {
    const path = dir.write('ticks.jsonl', [tick(1, 0), tick(2, 20), tick(3, 30)].map(lineOf).join('\n'));
    createTestScheduler().run(({ expectObservable }) => {
      expectObservable(replayTicks(path).pipe(prices), '5ms ^').toBe('5ms a 19ms b 9ms (c|)', { a: 1, b: 2, c: 3 });
      expectObservable(replayTicks(path).pipe(map((t) => t.ts - T0))).toBe('a 19ms b 9ms (c|)', { a: 0, b: 20, c: 30 });
    });
  });

  it('skips a malformed line with a WARN naming the file and line, and goes on', () => {
    const path = dir.write('ticks.jsonl', `${lineOf(tick(1, 0))}\n{"exchange":"binance","pri\n${lineOf(tick(2, 10))}\n`);
    const { lines, logger } = captureLogger();
    createTestScheduler().run(({ expectObservable }) => {
      expectObservable(replayTicks(path, { logger }).pipe(prices)).toBe('a 9ms (b|)', { a: 1, b: 2 });
    });
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(new RegExp(`^\\[WARN\\] replay: ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: not JSON \\(`));
  });

  it('checks the ticks of an iterable like file lines', () => {
    const { lines, logger } = captureLogger();
    const bad = { ...tick(2, 5), symbol: 'btcusdt' };
    createTestScheduler().run(({ expectObservable }) => {
      expectObservable(replayTicks([tick(1, 0), bad, tick(3, 10)], { logger }).pipe(prices)).toBe('a 9ms (c|)', { a: 1, c: 3 });
    });
    expect(lines).to.deep.equal(['[WARN] replay: ticks:2: symbol "btcusdt" is not canonical BASE/QUOTE (write "BTC/USDT")']);
  });

  it('logs the first 100 malformed lines, then sums up the rest', () => {
    const text = [lineOf(tick(1, 0)), ...Array.from({ length: 150 }, () => 'oops'), lineOf(tick(2, 1))].join('\n');
    const path = dir.write('ticks.jsonl', text);
    const { lines, logger } = captureLogger();
    const seen: number[] = [];
    const scheduler = new VirtualTimeScheduler();
    replayTicks(path, { scheduler, logger }).pipe(prices).subscribe((p) => seen.push(p));
    scheduler.flush();
    expect(seen).to.deep.equal([1, 2]);
    expect(lines).to.have.length(101);
    expect(lines[99]).to.match(/:101: not JSON/);
    expect(lines[100]).to.equal(`[WARN] replay: ${path}: 150 malformed lines skipped in all (only the first 100 logged)`);
  });

  it('replays a day of ticks on a VirtualTimeScheduler in one flush', () => {
    const minutes = 1440;
    const path = dir.write('day.jsonl', Array.from({ length: minutes }, (_, i) => lineOf(tick(100 + i, i * 60_000))).join('\n'));
    const scheduler = new VirtualTimeScheduler();
    let count = 0;
    let completedAt: number | undefined;
    replayTicks(path, { scheduler }).subscribe({ next: () => (count += 1), complete: () => (completedAt = scheduler.now()) });
    expect(count).to.equal(0); // even the first tick is scheduled: nothing runs before the flush
    scheduler.flush();
    expect(count).to.equal(minutes);
    expect(completedAt).to.equal((minutes - 1) * 60_000);
  });

  it('keeps time order with other work on the same VirtualTimeScheduler (timers between ticks, and at a tick\'s time)', () => {
    const scheduler = new VirtualTimeScheduler();
    const events: string[] = [];
    const ticks = [tick(1, 0), tick(2, 10), tick(3, 20), tick(4, 30), tick(5, 40)];
    // Scheduled before the replay starts: at 15 (between two ticks) and at 30 (a tick's time: scheduled first, runs first).
    scheduler.schedule(() => events.push(`timer@${scheduler.now()}`), 15);
    scheduler.schedule(() => events.push(`timer@${scheduler.now()}`), 30);
    replayTicks(ticks, { scheduler }).subscribe((t) => {
      events.push(`tick${t.price}@${scheduler.now()}`);
      // Work a tick schedules for later runs at its time, before the ticks after it.
      if (t.price === 2) scheduler.schedule(() => events.push(`after2@${scheduler.now()}`), 5);
    });
    scheduler.flush();
    expect(events).to.deep.equal(['tick1@0', 'tick2@10', 'timer@15', 'after2@15', 'tick3@20', 'timer@30', 'tick4@30', 'tick5@40']);
  });

  it('waits out a pause longer than a timer can', () => {
    const scheduler = new VirtualTimeScheduler();
    const at: number[] = [];
    replayTicks([tick(1, 0), tick(2, 30 * DAY)], { scheduler }).subscribe(() => at.push(scheduler.now()));
    scheduler.flush();
    expect(at).to.deep.equal([0, 30 * DAY]);
  });

  it('reports progress every few lines and once at the end', () => {
    const text = [tick(1, 0), tick(2, 10), tick(3, 20), tick(4, 30), tick(5, 40)].map(lineOf).join('\n');
    const path = dir.write('ticks.jsonl', `${text}\nbad\n`);
    const reports: ReplayProgress[] = [];
    const scheduler = new VirtualTimeScheduler();
    replayTicks(path, { scheduler, progressEvery: 2, onProgress: (p) => reports.push(p) }).subscribe();
    scheduler.flush();
    expect(reports.map((r) => [r.linesRead, r.ticks, r.skipped, r.done])).to.deep.equal([
      [2, 1, 0, false], // read ahead: line 2 is read when tick 1 is emitted
      [4, 3, 0, false],
      [6, 5, 1, false],
      [6, 5, 1, true],
    ]);
    const last = reports.at(-1)!;
    expect([last.source, last.bytesRead, last.totalBytes, last.firstTs, last.lastTs]).to.deep.equal([path, text.length + 5, text.length + 5, T0, T0 + 40]);
  });

  it('completes at once for an empty file', () => {
    const path = dir.write('empty.jsonl', '\n\n');
    const reports: ReplayProgress[] = [];
    createTestScheduler().run(({ expectObservable }) => {
      expectObservable(replayTicks(path, { onProgress: (p) => reports.push(p) })).toBe('|');
    });
    expect(reports.map((r) => [r.ticks, r.done])).to.deep.equal([[0, true]]);
  });

  it('errors with the path when the file cannot be opened', () => {
    let failure: unknown;
    replayTicks(`${dir.path}/missing.jsonl`).subscribe({ error: (error) => (failure = error) });
    expect(failure).to.be.an('error').with.property('message').that.matches(/^cannot open tick file .*missing\.jsonl: ENOENT/);
  });

  it('stops reading and closes the file on unsubscribe', () => {
    const path = dir.write('ticks.jsonl', [tick(1, 0), tick(2, 10), tick(3, 20), tick(4, 30)].map(lineOf).join('\n'));
    const before = openFds();
    createTestScheduler().run(({ expectObservable }) => {
      expectObservable(replayTicks(path).pipe(prices), '^ 15ms !').toBe('a 9ms b', { a: 1, b: 2 });
    });
    expect(openFds()).to.equal(before);
    const scheduler = new VirtualTimeScheduler();
    const seen: number[] = [];
    replayTicks(path, { scheduler }).pipe(take(2), prices).subscribe((p) => seen.push(p));
    scheduler.flush();
    expect(seen).to.deep.equal([1, 2]);
    expect(scheduler.actions).to.have.length(0);
    expect(openFds()).to.equal(before);
  });
});
