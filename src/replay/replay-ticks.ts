import { asyncScheduler, Observable, type SchedulerLike, type Subscription, VirtualTimeScheduler } from 'rxjs';
import type { Tick } from '../domain/tick.js';
import { type Logger, silentLogger } from '../log.js';
import { checkTick } from './check-tick.js';
import type { ReplayProgress } from './replay-progress.js';
import { openTickFile, type TickFileLine } from './tick-file-reader.js';

/** Malformed lines beyond this many are counted, not logged one by one. */
const MAX_WARNINGS = 100;

/** Node timers cannot wait longer than this; a longer pause is waited out in steps. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Moves a virtual clock on to `due` when nothing else is waiting on it until
 * then (no queued action due at or before `due`, and `due` within its frame
 * limit), so the tick due then can be emitted at once: the same order and the
 * same `now()` as scheduling it, without an action (and a sort of the queue) per
 * tick. A replay of distinct timestamps scheduled one action per tick, about 8 %
 * of a 500,000-tick `--replay`. Any other scheduler: false, schedule as usual.
 */
function advanceVirtualClock(scheduler: SchedulerLike, due: number): boolean {
  if (!(scheduler instanceof VirtualTimeScheduler) || due > scheduler.maxFrames || due < scheduler.frame) return false;
  const waiting = scheduler.actions[0];
  // An action due at the same time was scheduled before this tick would be: it runs first.
  if (waiting !== undefined && waiting.delay <= due) return false;
  scheduler.frame = due;
  return true;
}

/** Options of {@link replayTicks}. */
export interface ReplayOptions {
  /**
   * Where the ticks are scheduled. Default `asyncScheduler`: real time, as the
   * recording happened. Pass a `VirtualTimeScheduler` and `flush()` it to replay a
   * day in seconds, or a `TestScheduler` in marble tests.
   */
  readonly scheduler?: SchedulerLike;
  /** Receives one WARN per malformed line (the first 100) and a summary. Default: silent. */
  readonly logger?: Logger;
  /** Called every `progressEvery` lines and once at the end (`done: true`). */
  readonly onProgress?: (progress: ReplayProgress) => void;
  /** Lines between progress reports. Default 1000. */
  readonly progressEvery?: number;
}

/** A tick source read one line (or item) at a time. */
interface LineSource {
  readonly name: string;
  readonly totalBytes: number | undefined;
  bytesRead(): number;
  linesRead(): number;
  next(): TickFileLine | undefined;
  close(): void;
}

function iterableSource(ticks: Iterable<Tick>): LineSource {
  let iterator: Iterator<Tick> | undefined = ticks[Symbol.iterator]();
  let index = 0;
  return {
    name: 'ticks',
    totalBytes: undefined,
    bytesRead: () => 0,
    linesRead: () => index,
    next() {
      const item = iterator?.next();
      if (item === undefined || item.done) return undefined;
      index += 1;
      const checked = checkTick(item.value);
      return typeof checked === 'string' ? { line: index, problem: checked } : { line: index, tick: checked };
    },
    close() {
      iterator?.return?.();
      iterator = undefined;
    },
  };
}

function fileSource(path: string): LineSource {
  const reader = openTickFile(path);
  return {
    name: path,
    totalBytes: reader.totalBytes,
    bytesRead: () => reader.bytesRead,
    linesRead: () => reader.linesRead,
    next: () => reader.next(),
    close: () => reader.close(),
  };
}

/**
 * Replays recorded ticks at their recorded relative times on a scheduler.
 *
 * The first tick is emitted at subscription time; each later one `tick.ts - first.ts`
 * ms after it on `scheduler`. A tick file is read lazily (a chunk at a time,
 * synchronously, see `openTickFile`): the next tick is read and scheduled when the
 * previous one is emitted, so a month-long file never sits in memory.
 *
 * 1. Emits each valid tick unchanged, its `ts` as recorded. Ticks with the same
 *    `ts`, and out-of-order ones (older than the previous), are emitted right after
 *    the previous tick: time never runs backwards.
 * 2. Skips a malformed line with a WARN `path:line: reason` (for an iterable:
 *    `ticks:index: reason`), counts it, and goes on; it never stops the replay.
 *    After 100 WARNs the rest are only counted, in a summary WARN at the end.
 * 3. Completes after the last tick. Errors if the file cannot be opened or read
 *    (`cannot open tick file <path>: ...`). Unsubscribing closes the file.
 *
 * @param source a tick file's path, or an iterable of ticks (read lazily, checked like file lines)
 *
 * @example
 * const scheduler = new VirtualTimeScheduler();
 * replayTicks('test/fixtures/btc-rally.jsonl', { scheduler })
 *   .pipe(detectAlerts(DEFAULT_THRESHOLDS))
 *   .subscribe((alert) => console.log(alert.rule, alert.direction, alert.level));
 * scheduler.flush(); // hours of ticks, replayed at once
 * // Logs: pct_short up 1, pct_short up 1, pct_24h up 1, pct_24h up 2, pct_short up 2
 *
 * @see recordTicks, which writes such files.
 */
export function replayTicks(source: string | Iterable<Tick>, options: ReplayOptions = {}): Observable<Tick> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const logger = options.logger ?? silentLogger;
  const progressEvery = options.progressEvery ?? 1000;
  const onProgress = options.onProgress;

  return new Observable<Tick>((subscriber) => {
    let lines: LineSource;
    try {
      lines = typeof source === 'string' ? fileSource(source) : iterableSource(source);
    } catch (error) {
      subscriber.error(error);
      return;
    }
    let ticks = 0;
    let skipped = 0;
    let firstTs: number | undefined;
    let lastTs: number | undefined;
    let nextReport = progressEvery;
    let pending: Subscription | undefined;
    const startedAt = scheduler.now();

    const report = (done: boolean) =>
      onProgress?.({
        source: lines.name,
        linesRead: lines.linesRead(),
        ticks,
        skipped,
        bytesRead: lines.bytesRead(),
        totalBytes: lines.totalBytes,
        firstTs,
        lastTs,
        done,
      });

    /** The next valid tick, skipping (and reporting) malformed lines. */
    const read = (): Tick | undefined => {
      for (;;) {
        const entry = lines.next();
        if (entry !== undefined && entry.tick === undefined) {
          skipped += 1;
          if (skipped <= MAX_WARNINGS) logger.warn(`${lines.name}:${entry.line}: ${entry.problem}`);
        }
        if (lines.linesRead() >= nextReport) {
          nextReport = lines.linesRead() + progressEvery;
          report(false);
        }
        if (entry === undefined || entry.tick !== undefined) return entry?.tick;
      }
    };

    const finish = () => {
      lines.close();
      if (skipped > MAX_WARNINGS) {
        logger.warn(`${lines.name}: ${skipped} malformed lines skipped in all (only the first ${MAX_WARNINGS} logged)`);
      }
      report(true);
      subscriber.complete();
    };

    /** When `tick` is due on the scheduler: its recorded offset from the first tick. */
    const dueOf = (tick: Tick) => startedAt + (tick.ts - (firstTs ?? tick.ts));

    /** Schedules `tick`'s emission at its recorded offset from the first tick. */
    const schedule = (tick: Tick) => {
      const due = dueOf(tick);
      const delay = Math.min(Math.max(0, due - scheduler.now()), MAX_TIMER_MS);
      // A fresh action per tick, not `this.schedule`: a VirtualAction rescheduling
      // itself chains every action to the previous one, which a long file would pile up.
      pending = scheduler.schedule(() => {
        if (scheduler.now() < due) schedule(tick); // a pause longer than a timer can wait
        else emitFrom(tick);
      }, delay);
    };

    /** Emits `tick` and every following tick that is already due, then schedules the next. */
    const emitFrom = (first: Tick) => {
      let tick: Tick | undefined = first;
      try {
        while (tick !== undefined && !subscriber.closed) {
          lastTs = lastTs === undefined || tick.ts > lastTs ? tick.ts : lastTs;
          ticks += 1;
          subscriber.next(tick);
          tick = read();
          if (tick !== undefined && tick.ts > lastTs && !advanceVirtualClock(scheduler, dueOf(tick))) break;
        }
      } catch (error) {
        lines.close();
        subscriber.error(error);
        return;
      }
      if (subscriber.closed) return;
      if (tick === undefined) finish();
      else schedule(tick);
    };

    let first: Tick | undefined;
    try {
      first = read();
    } catch (error) {
      lines.close();
      subscriber.error(error);
      return;
    }
    if (first === undefined) {
      finish();
      return;
    }
    firstTs = first.ts;
    schedule(first);

    return () => {
      pending?.unsubscribe();
      lines.close();
    };
  });
}
