import { expect } from 'chai';
import type { SchedulerLike } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { parseClockTime, type QuietHours, quietStateAt } from '../../src/domain/quiet-hours.js';
import type { JournalEntry } from '../../src/domain/alert.js';
import { holdQuietHours } from '../../src/operators/hold-quiet-hours.js';
import { QUIET_HOURS_SILENCE, quietHoursDrops } from '../../src/operators/quiet-hours-drops.js';
import { createTestScheduler } from '../helpers/test-scheduler.js';

/** The test scheduler's virtual time, shifted so that frame 0 is `epoch` (quiet hours need real dates). */
const clockAt = (scheduler: TestScheduler, epoch: number): SchedulerLike => ({
  now: () => epoch + scheduler.now(),
  schedule: ((work, delay, state) => scheduler.schedule(work as never, delay, state)) as SchedulerLike['schedule'],
});

const minutes = (n: number) => n * 60_000;

/** A marble diagram with each event at its absolute frame (a group like `(bc)` counts its characters as frames, as in run mode). */
function marbles(events: readonly (readonly [number, string])[]): string {
  let frame = 0;
  let out = '';
  for (const [at, what] of events) {
    if (at > frame) out += `${at - frame}ms `;
    out += `${what} `;
    frame = at + what.length;
  }
  return out.trim();
}

const berlin: QuietHours = { from: 22 * 60, to: 7 * 60, time_zone: 'Europe/Berlin', deliver: 'digest' };
const at = (iso: string) => Date.parse(iso);

describe('holdQuietHours (virtual time)', () => {
  it('22:00-07:00 Europe/Berlin across midnight and the October fall-back: one release at 07:00 CET, an hour later in UTC than the night before', () => {
    const scheduler = createTestScheduler();
    const seen: string[] = [];
    scheduler.run(({ hot, expectObservable }) => {
      // Frame 0 is 21:00 CEST (19:00Z) on Saturday 2026-10-24; clocks go back 03:00 CEST -> 02:00 CET that night.
      const clock = clockAt(scheduler, at('2026-10-24T19:00:00Z'));
      // a 21:30 CEST passes; b 22:30 CEST and c 02:40 CET (after the change) wait; the quiet hours end at
      // 07:00 CET = 06:00Z = 11 h after frame 0 (not 10); d at 07:40 CET passes.
      const source = hot(marbles([[minutes(30), 'a'], [minutes(90), 'b'], [minutes(400), 'c'], [minutes(700), 'd']]));
      const out = source.pipe(holdQuietHours(berlin, clock));
      out.subscribe((value) => seen.push(`${value}@${new Date(clock.now()).toISOString()}`));
      expectObservable(out).toBe(marbles([[minutes(30), 'a'], [minutes(660), '(bc)'], [minutes(700), 'd']]));
    });
    expect(seen).to.deep.equal([
      'a@2026-10-24T19:30:00.000Z',
      'b@2026-10-25T06:00:00.000Z',
      'c@2026-10-25T06:00:00.000Z',
      'd@2026-10-25T06:40:00.000Z',
    ]);
  });

  it('outside quiet hours passes everything at once; a value at the very end passes', () => {
    const scheduler = createTestScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const clock = clockAt(scheduler, at('2026-10-25T06:00:00Z')); // 07:00 CET: just ended
      expectObservable(hot('a 9ms b|').pipe(holdQuietHours(berlin, clock))).toBe('a 9ms b|');
    });
  });

  it('completes without emitting what it holds (it stays in the journal), and cancels its timer', () => {
    const scheduler = createTestScheduler();
    scheduler.run(({ hot, expectObservable, flush }) => {
      const clock = clockAt(scheduler, at('2026-10-24T21:00:00Z'));
      expectObservable(hot('a 9ms |').pipe(holdQuietHours(berlin, clock))).toBe('10ms |');
      flush();
    });
  });
});

describe('quietStateAt', () => {
  it('ends at the local end time on the right date, DST changes included', () => {
    const ends = (iso: string, quiet: QuietHours = berlin) => {
      const state = quietStateAt(at(iso), quiet);
      return state.quiet ? new Date(state.endsAt).toISOString() : 'not quiet';
    };
    expect(ends('2026-10-24T19:59:59Z')).to.equal('not quiet'); // 21:59:59 CEST
    expect(ends('2026-10-24T20:00:00Z')).to.equal('2026-10-25T06:00:00.000Z'); // 22:00 CEST -> 07:00 CET
    expect(ends('2026-10-25T00:30:00Z')).to.equal('2026-10-25T06:00:00.000Z'); // 02:30 CEST, the first one
    expect(ends('2026-10-25T01:30:00Z')).to.equal('2026-10-25T06:00:00.000Z'); // 02:30 CET, the second one
    expect(ends('2026-03-28T22:00:00Z')).to.equal('2026-03-29T05:00:00.000Z'); // 23:00 CET -> 07:00 CEST
    expect(ends('2026-03-29T05:00:00Z')).to.equal('not quiet');
    // An end inside the skipped hour (02:30 on 2026-03-29 does not exist in Berlin) is the jump itself.
    expect(ends('2026-03-29T00:30:00Z', { ...berlin, from: 60, to: 150 })).to.equal('2026-03-29T01:00:00.000Z');
    // Not crossing midnight, and UTC.
    expect(ends('2026-06-01T12:30:00Z', { ...berlin, from: 12 * 60, to: 13 * 60, time_zone: 'UTC' })).to.equal('2026-06-01T13:00:00.000Z');
    // New York: 22:00 EST on the eve of the March change ends at 07:00 EDT.
    expect(ends('2026-03-08T03:00:00Z', { ...berlin, time_zone: 'America/New_York' })).to.equal('2026-03-08T11:00:00.000Z');
  });

  it('parses HH:MM only', () => {
    expect(parseClockTime('22:00')).to.equal(1320);
    expect(parseClockTime('07:05')).to.equal(425);
    expect(parseClockTime('24:00')).to.equal(undefined);
    expect(parseClockTime('7:00')).to.equal(undefined);
  });
});

describe('quietHoursDrops', () => {
  it('marks price alerts raised in quiet hours (by their own ts), never feed alerts or re-arms', () => {
    const drop: QuietHours = { ...berlin, deliver: 'drop' };
    const price = (iso: string) => ({
      kind: 'price' as const, ts: at(iso), exchange: 'binance', symbol: 'BTC/USDT', rule: 'pct_24h' as const, direction: 'up' as const,
      change: 0.06, price: 106, reference: 100, windowMs: 86_400_000, level: 1, coverage: 1,
    });
    const down = { kind: 'feed' as const, ts: at('2026-10-24T23:00:00Z'), exchange: 'binance', rule: 'feed_down' as const, downSince: 0, blindMs: 1 };
    createTestScheduler().run(({ hot, expectObservable }) => {
      const source = hot<JournalEntry>('abcd|', { a: price('2026-10-24T19:00:00Z'), b: price('2026-10-24T23:00:00Z'), c: down, d: price('2026-10-25T06:00:00Z') });
      expectObservable(source.pipe(quietHoursDrops(drop))).toBe('abcd|', {
        a: price('2026-10-24T19:00:00Z'),
        b: { ...price('2026-10-24T23:00:00Z'), silencedBy: QUIET_HOURS_SILENCE },
        c: down,
        d: price('2026-10-25T06:00:00Z'),
      });
    });
  });

  it('treats a divergence as a price alert', () => {
    const drop: QuietHours = { ...berlin, deliver: 'drop' };
    const side = { exchange: 'binance', symbol: 'BTC/USDT', price: 100, ts: 0 };
    const apart = (iso: string) => ({
      kind: 'divergence' as const, rule: 'divergence' as const, ts: at(iso), group: 'BTC/USDT', high: { ...side, exchange: 'coinbase', price: 102 }, low: side,
      spread: 0.02, threshold: 0.01, since: at(iso) - 30_000,
    });
    createTestScheduler().run(({ hot, expectObservable }) => {
      const source = hot<JournalEntry>('ab|', { a: apart('2026-10-24T19:00:00Z'), b: apart('2026-10-24T23:00:00Z') });
      expectObservable(source.pipe(quietHoursDrops(drop))).toBe('ab|', {
        a: apart('2026-10-24T19:00:00Z'),
        b: { ...apart('2026-10-24T23:00:00Z'), silencedBy: QUIET_HOURS_SILENCE },
      });
    });
  });
});
