import { expect } from 'chai';
import { defer, EMPTY, lastValueFrom, type Observable, type SchedulerLike, Subject, VirtualTimeScheduler } from 'rxjs';
import type { Channel, DeliveryBatch } from '../../src/delivery/channel.js';
import type { DeliveryEvent } from '../../src/delivery/deliver-channel.js';
import type { JournalEntry, PriceAlert } from '../../src/domain/alert.js';
import { type Config, DEFAULT_THRESHOLDS } from '../../src/domain/config-types.js';
import { silentLogger } from '../../src/log.js';
import { alertDelivery } from '../../src/supervisor/alert-delivery.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';

/** A channel that takes every batch, recording it with the virtual time it was sent at. */
function recordingChannel(clock: () => number): Channel & { readonly sent: { at: number; symbols: string[] }[] } {
  const sent: { at: number; symbols: string[] }[] = [];
  return {
    id: 'rec',
    label: 'rec (test)',
    groupWaitMs: 1000,
    sent,
    send: (batch: DeliveryBatch) =>
      defer(() => {
        sent.push({ at: clock(), symbols: batch.entries.map((e) => (e.entry.kind === 'price' ? e.entry.symbol : e.entry.kind)) });
        return EMPTY;
      }) as Observable<never>,
    classify: () => ({ permanent: false, reason: 'never' }),
  };
}

/** Virtual time shifted so that frame 0 is `epoch`. */
function shifted(virtual: VirtualTimeScheduler, epoch: number): SchedulerLike {
  return { now: () => epoch + virtual.now(), schedule: ((work, delay, state) => virtual.schedule(work as never, delay, state)) as SchedulerLike['schedule'] };
}

const alert = (ts: number, symbol: string): PriceAlert => ({
  kind: 'price', ts, exchange: 'binance', symbol, rule: 'pct_24h', direction: 'up', change: 0.06, price: 106, reference: 100, windowMs: 86_400_000, level: 1, coverage: 1,
});

describe('quiet hours with deliver: digest, through the journal (virtual time)', () => {
  let dir: TempDir;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.remove());

  // 22:00-07:00 in Berlin; the night of the October fall-back (07:00 CET is 06:00Z).
  const config = (): Config => ({
    exchanges: { binance: { symbols: ['BTC/USDT'], reconnect_delay: 5, reconnect_max_delay: 60, enabled: true } },
    alerts: {
      thresholds: DEFAULT_THRESHOLDS, hysteresis: 0.2, feed_down_after_ms: 120_000, symbol_silent_after_ms: 600_000, webhooks: [], silences: [],
      quiet_hours: { from: 22 * 60, to: 7 * 60, time_zone: 'Europe/Berlin', deliver: 'digest' },
    },
    state_dir: dir.path,
    ops: { heartbeat_every_ms: 60_000 },
  });

  it('holds what is journaled in quiet hours, keeps it across a stop, and delivers it as one digest when they end', async () => {
    const night = Date.parse('2026-10-24T21:00:00Z'); // 23:00 CEST

    // First run: two alerts in quiet hours, then the process stops (nothing delivered, nothing lost).
    const virtual1 = new VirtualTimeScheduler();
    const clock1 = shifted(virtual1, night);
    const channel1 = recordingChannel(() => clock1.now());
    const entries1 = new Subject<JournalEntry>();
    const run1 = alertDelivery(config(), { logger: silentLogger, scheduler: clock1, now: () => clock1.now(), channels: [channel1] });
    const events1: DeliveryEvent[] = [];
    run1.start(entries1).events$.subscribe((event) => events1.push(event));
    entries1.next(alert(night, 'BTC/USDT'));
    virtual1.schedule(() => entries1.next(alert(night + 60_000, 'ETH/USDT')), 60_000);
    virtual1.schedule(() => entries1.complete(), 120_000);
    virtual1.flush();
    expect(channel1.sent).to.deep.equal([]);
    expect(events1.at(-1)).to.deep.equal({ type: 'left', channel: 'rec', backlog: 2 });

    // Restarted at 02:30 CET (after the change): the backlog is held too; a third alert joins it; all three go at 07:00 CET.
    const restart = Date.parse('2026-10-25T01:30:00Z');
    const virtual2 = new VirtualTimeScheduler();
    const clock2 = shifted(virtual2, restart);
    const channel2 = recordingChannel(() => clock2.now());
    const entries2 = new Subject<JournalEntry>();
    const run2 = alertDelivery(config(), { logger: silentLogger, scheduler: clock2, now: () => clock2.now(), channels: [channel2] });
    const done = lastValueFrom(run2.start(entries2).events$, { defaultValue: undefined });
    virtual2.schedule(() => entries2.next(alert(restart + 60_000, 'SOL/USDT')), 60_000);
    // At 07:30 CET, one more: outside quiet hours, it goes on its own.
    const morning = Date.parse('2026-10-25T06:30:00Z');
    virtual2.schedule(() => entries2.next(alert(morning, 'XRP/USDT')), morning - restart);
    virtual2.schedule(() => entries2.complete(), morning - restart + 10_000);
    virtual2.flush();
    await done;
    expect(channel2.sent.map((s) => ({ at: new Date(s.at).toISOString(), symbols: s.symbols }))).to.deep.equal([
      { at: '2026-10-25T06:00:01.000Z', symbols: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'] },
      { at: '2026-10-25T06:30:01.000Z', symbols: ['XRP/USDT'] },
    ]);
  });
});
