import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { from, Subject, toArray, VirtualTimeScheduler } from 'rxjs';
import type { Tick } from '../../src/domain/tick.js';
import { recordTicks } from '../../src/replay/record-ticks.js';
import { replayTicks } from '../../src/replay/replay-ticks.js';
import { type TempDir, tempDir } from '../helpers/temp-dir.js';
import { createTestScheduler } from '../helpers/test-scheduler.js';
import { captureLogger } from './capture-logger.js';

const tick = (price: number, ts: number, extra: Partial<Tick> = {}): Tick => ({ exchange: 'binance', symbol: 'BTC/USDT', price, ts, ...extra });
const read = (path: string) => readFileSync(path, 'utf8');

describe('recordTicks', () => {
  let dir: TempDir;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.remove());

  it('passes ticks through unchanged and writes one line per tick on completion', () => {
    const path = join(dir.path, 'ticks.jsonl');
    createTestScheduler().run(({ cold, expectObservable }) => {
      const ticks = { a: tick(1, 1, { open24h: 0.5 }), b: tick(2, 2) };
      expectObservable(cold('a b|', ticks).pipe(recordTicks(path))).toBe('a b|', ticks);
    });
    expect(read(path)).to.equal(
      '{"exchange":"binance","symbol":"BTC/USDT","price":1,"ts":1,"open24h":0.5}\n{"exchange":"binance","symbol":"BTC/USDT","price":2,"ts":2}\n',
    );
  });

  it('appends to an existing file and creates missing folders', () => {
    const path = join(dir.path, 'var', 'recordings', 'ticks.jsonl');
    from([tick(1, 1)]).pipe(recordTicks(path)).subscribe();
    from([tick(2, 2)]).pipe(recordTicks(path)).subscribe();
    expect(read(path).split('\n')).to.have.length(3);
  });

  it('writes buffered ticks after flushEveryMs, and when flushBytes have piled up', () => {
    const path = join(dir.path, 'ticks.jsonl');
    const scheduler = new VirtualTimeScheduler();
    const ticks = new Subject<Tick>();
    const subscription = ticks.pipe(recordTicks(path, { scheduler, flushEveryMs: 1000, flushBytes: 150 })).subscribe();
    ticks.next(tick(1, 1));
    expect(read(path)).to.equal('');
    scheduler.flush(); // 1000 virtual ms later
    expect(read(path).split('\n')).to.have.length(2);
    ticks.next(tick(2, 2));
    ticks.next(tick(3, 3));
    ticks.next(tick(4, 4)); // over 150 characters buffered
    expect(read(path).split('\n')).to.have.length(5);
    ticks.next(tick(5, 5));
    subscription.unsubscribe(); // flushes the rest and cancels the timer
    expect(read(path).split('\n')).to.have.length(6);
    expect(scheduler.actions).to.have.length(0);
  });

  it('flushes on error, and passes the error on', () => {
    const path = join(dir.path, 'ticks.jsonl');
    createTestScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a#', { a: tick(1, 1) }, new Error('feed broke')).pipe(recordTicks(path))).toBe('a#', { a: tick(1, 1) }, new Error('feed broke'));
    });
    expect(read(path).split('\n')).to.have.length(2);
  });

  it('records what replayTicks plays back', () => {
    const path = join(dir.path, 'ticks.jsonl');
    const recorded = [tick(1, 1000, { bid: 0.9, ask: 1.1 }), tick(2, 2000, { blindFrom: 1500, receivedAt: 2005 })];
    from(recorded).pipe(recordTicks(path)).subscribe();
    let replayed: Tick[] = [];
    const scheduler = new VirtualTimeScheduler();
    replayTicks(path, { scheduler }).pipe(toArray()).subscribe((ticks) => (replayed = ticks));
    scheduler.flush();
    expect(replayed).to.deep.equal(recorded);
  });

  it('errors at subscription when the file cannot be opened', () => {
    const blocker = join(dir.path, 'not-a-folder');
    writeFileSync(blocker, '');
    let failure: unknown;
    from([tick(1, 1)]).pipe(recordTicks(join(blocker, 'ticks.jsonl'))).subscribe({ error: (error) => (failure = error) });
    expect(failure).to.be.an('error').with.property('message').that.matches(/^cannot open tick recording .*not-a-folder\/ticks\.jsonl: /);
  });

  it('logs one ERROR and keeps passing ticks when writing fails', function () {
    // /dev/full opens fine and fails every write with ENOSPC: a full disk, on demand.
    if (process.platform !== 'linux') this.skip();
    const { lines, logger } = captureLogger();
    const ticks = new Subject<Tick>();
    const passed: number[] = [];
    ticks.pipe(recordTicks('/dev/full', { logger, flushBytes: 1 })).subscribe((t) => passed.push(t.price));
    ticks.next(tick(1, 1));
    ticks.next(tick(2, 2));
    ticks.complete();
    expect(passed).to.deep.equal([1, 2]);
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/^\[ERROR\] replay: recording ticks to \/dev\/full failed, recording stopped: ENOSPC/);
  });
});
