import { mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { concat, defer, EMPTY, finalize, from, ignoreElements, lastValueFrom, merge, NEVER, type Observable, share, throwError, timer, toArray } from 'rxjs';
import type { Channel, DeliveryBatch } from '../../src/delivery/channel.js';
import { cursorPath, type DeliveryEvent, deliverChannel, quarantineDir } from '../../src/delivery/deliver-channel.js';
import { writeStateFile } from '../../src/delivery/state-dir.js';
import { journalEntries } from '../../src/delivery/journal-entries.js';
import { openJournal } from '../../src/delivery/journal-writer.js';
import type { JournalEntry, MoveRearmed } from '../../src/domain/alert.js';
import { createLogger } from '../../src/log.js';
import { btcUp, crash, ethDown, krakenDown } from './channels/email/alert-fixtures.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';

type Answer = 'ok' | 'temporary' | 'permanent' | 'hang' | { readonly retryAfterMs: number };

/** A channel whose answers are scripted (then 'ok'), recording every attempt's batch. */
function scriptedChannel(id: string, answers: Answer[] = [], groupWaitMs = 20): Channel & { readonly attempts: DeliveryBatch[] } {
  const attempts: DeliveryBatch[] = [];
  return {
    id,
    label: `${id} (test)`,
    groupWaitMs,
    attempts,
    send: (batch) =>
      defer(() => {
        attempts.push(batch);
        const answer = answers.shift() ?? 'ok';
        if (answer === 'hang') return NEVER;
        if (answer === 'ok') return timer(1).pipe(ignoreElements());
        return timer(1).pipe(ignoreElements(), (o) => concat(o, throwError(() => ({ answer }))));
      }) as Observable<never>,
    classify: (error) => {
      const { answer } = error as { answer: Answer };
      if (answer === 'permanent') return { permanent: true, reason: '550 refused' };
      if (typeof answer === 'object') return { permanent: false, reason: '429 slow down', retryAfterMs: answer.retryAfterMs };
      return { permanent: false, reason: '451 later' };
    },
  };
}

const rearm: MoveRearmed = { kind: 'rearm', ts: 1, exchange: 'binance', symbol: 'BTC/USDT', rule: 'pct_24h', direction: 'up', level: 1 };

describe('deliverChannel', () => {
  let dir: TempDir;
  let lines: string[];
  beforeEach(() => {
    dir = tempDir();
    lines = [];
  });
  afterEach(() => dir.remove());

  /** One run: journals `entries$` and delivers it through `channels` until everything completed. */
  function run(
    channels: Channel[],
    entries$: Observable<JournalEntry>,
    flushTimeoutMs = 300,
    writeState?: (stateDir: string, path: string, content: string) => void,
  ): Promise<DeliveryEvent[]> {
    const journalPath = join(dir.path, 'alerts.jsonl');
    const journal = openJournal(dir.path, journalPath);
    const logger = createLogger('supervisor.delivery', { write: (line) => lines.push(line) });
    const journaled = entries$.pipe(journalEntries(journal), share());
    return lastValueFrom(
      merge(
        ...channels.map((channel) =>
          deliverChannel(channel, journaled, {
            stateDir: dir.path, journalPath, journal: () => journal, logger, flushTimeoutMs, retry: { baseMs: 10, maxMs: 20 },
            ...(writeState ? { writeState } : {}),
          }),
        ),
      ).pipe(toArray(), finalize(() => journal.close())),
    );
  }
  /** Emits the entries at once (once every channel subscribed, as feeds do), then completes after `ms` (the shutdown). */
  const burstThenStop = (entries: JournalEntry[], ms = 100) => concat(timer(1).pipe(ignoreElements()), from(entries), timer(ms).pipe(ignoreElements()));

  it('delivers a burst as one batch, skips re-arms, and records its progress in a 0600 cursor', async () => {
    const channel = scriptedChannel('email');
    const events = await run([channel], burstThenStop([btcUp, rearm, ethDown]));
    expect(events.map((e) => e.type)).to.deep.equal(['started', 'delivered']);
    expect(channel.attempts).to.have.length(1);
    expect(channel.attempts[0]!.entries.map((e) => e.entry)).to.deep.equal([btcUp, ethDown]);
    const cursor = JSON.parse(readFileSync(cursorPath(dir.path, 'email'), 'utf8'));
    expect(cursor).to.include({ channel: 'email', deliveredThrough: channel.attempts[0]!.entries[1]!.offset });
    expect(statSync(cursorPath(dir.path, 'email')).mode & 0o777).to.equal(0o600);
    // A second run with nothing new delivers nothing again.
    const again = scriptedChannel('email');
    expect((await run([again], EMPTY)).map((e) => e.type)).to.deep.equal(['started']);
    expect(again.attempts).to.have.length(0);
  });

  it('keeps the same batch id on every retry, honours the receiver\'s Retry-After, and delivers once', async () => {
    const channel = scriptedChannel('webhook-1', ['temporary', { retryAfterMs: 150 }]);
    const events = await run([channel], burstThenStop([btcUp], 400), 1000);
    expect(events.map((e) => e.type)).to.deep.equal(['started', 'retry', 'retry', 'delivered']);
    const retries = events.filter((e): e is Extract<DeliveryEvent, { type: 'retry' }> => e.type === 'retry');
    expect(retries[1]!.delayMs).to.be.at.least(150);
    expect(retries[0]!.since).to.equal(retries[1]!.since);
    expect(new Set(channel.attempts.map((b) => b.id)).size).to.equal(1);
    expect(channel.attempts).to.have.length(3);
  });

  it('quarantines a batch refused for good with its reason, logs it at ERROR, and moves on to the next', async () => {
    const channel = scriptedChannel('email', ['permanent']);
    const events = await run([channel], concat(from([btcUp]), timer(80).pipe(ignoreElements()), from([ethDown]), timer(100).pipe(ignoreElements())));
    expect(events.map((e) => e.type)).to.deep.equal(['started', 'quarantined', 'delivered']);
    const [file] = readdirSync(quarantineDir(dir.path, 'email'));
    const record = JSON.parse(readFileSync(join(quarantineDir(dir.path, 'email'), file!), 'utf8'));
    expect(record).to.include({ channel: 'email', reason: '550 refused', batchId: channel.attempts[0]!.id });
    expect(record.entries[0].entry).to.deep.equal(btcUp);
    const errors = lines.filter((line) => line.includes('[ERROR]'));
    expect(errors).to.have.length(1);
    expect(errors[0]).to.match(/email \(test\): batch \w+ \(1 alert\) refused for good: 550 refused; quarantined in .*quarantine/);
  });

  it('delivers at the next start what a run journaled but could not deliver, with the same batch id, exactly once', async () => {
    const down = scriptedChannel('email', Array(100).fill('temporary'));
    const first = await run([down], burstThenStop([btcUp, ethDown], 50), 150);
    expect(first.at(-1)).to.deep.equal({ type: 'left', channel: 'email', backlog: 2 });
    expect(lines.filter((line) => line.includes('[WARN]')).at(-1)).to.contain('email (test): 2 alerts not delivered yet; they are in the journal and are delivered at the next start');

    const up = scriptedChannel('email');
    const second = await run([up], EMPTY);
    expect(second.map((e) => e.type)).to.deep.equal(['started', 'delivered']);
    expect(second[0]).to.include({ backlog: 2 });
    expect(up.attempts[0]!.id).to.equal(down.attempts[0]!.id);
    expect(up.attempts[0]!.entries.map((e) => e.entry)).to.deep.equal([btcUp, ethDown]);
    const third = scriptedChannel('email');
    await run([third], EMPTY);
    expect(third.attempts).to.have.length(0);
  });

  it('lets a channel that hangs hold up nobody: the other channel delivers and both stop in time', async () => {
    const hung = scriptedChannel('webhook-1', ['hang']);
    const fine = scriptedChannel('email');
    const events = await run([hung, fine], burstThenStop(crash(3), 100), 200);
    expect(events.filter((e) => e.channel === 'email').map((e) => e.type)).to.deep.equal(['started', 'delivered']);
    expect(events.filter((e) => e.channel === 'webhook-1').map((e) => e.type)).to.deep.equal(['started', 'left']);
  });

  it('starts a new channel at the end of the journal: it does not deliver the history', async () => {
    await run([scriptedChannel('email')], burstThenStop([btcUp]));
    const added = scriptedChannel('telegram-1');
    await run([added], burstThenStop([krakenDown]));
    expect(added.attempts.flatMap((b) => b.entries.map((e) => e.entry))).to.deep.equal([krakenDown]);
  });

  it('splits a large backlog into batches of at most 100 entries', async () => {
    const down = scriptedChannel('email', Array(50).fill('temporary'));
    await run([down], burstThenStop(crash(250), 50), 50);
    const up = scriptedChannel('email');
    await run([up], EMPTY);
    expect(up.attempts.map((b) => b.entries.length)).to.deep.equal([100, 100, 50]);
  });

  it('says at ERROR when it cannot record its progress, and touches nothing outside state_dir through a symlinked delivery/', async () => {
    const outside = tempDir();
    try {
      mkdirSync(join(outside.path, 'quarantine'));
      writeFileSync(join(outside.path, 'email.cursor.json'), 'theirs');
      symlinkSync(outside.path, join(dir.path, 'delivery'));
      const channel = scriptedChannel('email', ['permanent']);
      const events = await run([channel], concat(from([btcUp]), timer(80).pipe(ignoreElements()), from([ethDown]), timer(100).pipe(ignoreElements())));
      expect(events.map((e) => e.type)).to.deep.equal(['started', 'quarantined', 'delivered']);
      expect(readdirSync(outside.path).sort()).to.deep.equal(['email.cursor.json', 'quarantine']);
      expect(readdirSync(join(outside.path, 'quarantine'))).to.deep.equal([]);
      expect(readFileSync(join(outside.path, 'email.cursor.json'), 'utf8')).to.equal('theirs');
      const errors = lines.filter((line) => line.includes('[ERROR]'));
      expect(errors.filter((line) => /cannot record the delivery progress of email \(test\) in .*: .*delivery is a symlink/.test(line))).to.have.length(1);
      expect(errors.some((line) => /cannot quarantine batch \w+ of email \(test\)/.test(line))).to.equal(true);
      expect(lines.join('\n')).to.not.contain('next start');
      // The next start cannot read a cursor through the symlink either: one WARN, and no flood of the whole journal.
      lines.length = 0;
      const again = scriptedChannel('email');
      await run([again], EMPTY);
      expect(again.attempts).to.deep.equal([]);
      expect(lines.filter((line) => line.includes('[WARN]'))).to.have.length(1);
      expect(lines.find((line) => line.includes('[WARN]'))).to.match(/delivery is a symlink; it is not followed out of the state directory: email \(test\) cannot keep its progress; it delivers what is journaled from now on$/);
    } finally {
      outside.remove();
    }
  });

  it('with its cursor writes failing (EMFILE), still delivers, says once at ERROR what that means, and never claims a next start', async () => {
    let failures = 0;
    const emfile = (stateDir: string, path: string, content: string) => {
      if (path.endsWith('.cursor.json') && failures++ > 0) throw Object.assign(new Error('EMFILE: too many open files, open'), { code: 'EMFILE' });
      writeStateFile(stateDir, path, content);
    };
    const channel = scriptedChannel('email');
    const events = await run([channel], concat(burstThenStop([btcUp], 80), from([ethDown]), timer(100).pipe(ignoreElements())), 300, emfile);
    expect(events.map((e) => e.type)).to.deep.equal(['started', 'delivered', 'delivered']);
    const errors = lines.filter((line) => line.includes('[ERROR]'));
    expect(errors).to.have.length(1);
    expect(errors[0]).to.match(/cannot record the delivery progress of email \(test\) in .*email\.cursor\.json: EMFILE: too many open files, open; until it can, what it delivers may be delivered again after a restart$/);
    expect(lines.join('\n')).to.not.contain('next start');
    // As the ERROR said: the next start delivers them again (at least once, never lost).
    const next = scriptedChannel('email');
    await run([next], EMPTY);
    expect(next.attempts.flatMap((b) => b.entries.map((e) => e.entry))).to.deep.equal([btcUp, ethDown]);
  });
});
