import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { Subject, lastValueFrom, of, toArray } from 'rxjs';
import type { Alert, PriceAlert } from '../../src/domain/alert.js';
import { createLogger } from '../../src/log.js';
import { journalSink } from '../../src/delivery/journal-sink.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';

const alert: PriceAlert = {
  kind: 'price', ts: 1_700_000_000_000, exchange: 'binance', symbol: 'BTC/USDT', rule: 'pct_24h',
  direction: 'up', change: 0.0523, price: 105.23, reference: 100, referenceTs: 1_699_913_600_000,
  windowMs: 86_400_000, level: 1, coverage: 1,
};

describe('journalSink', () => {
  let dir: TempDir;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.remove());

  it('appends one JSON line per alert, creating the directory, and passes alerts on', async () => {
    const path = join(dir.path, 'state', 'alerts.jsonl');
    const second: Alert = { ...alert, level: 2, change: 0.1 };
    const passed = await lastValueFrom(of(alert as Alert, second).pipe(journalSink(path), toArray()));
    expect(passed).to.deep.equal([alert, second]);
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).to.deep.equal([alert, second]);
  });

  it('writes the alert before anything downstream sees it', () => {
    const path = join(dir.path, 'alerts.jsonl');
    const input = new Subject<Alert>();
    const seenOnDisk: number[] = [];
    const subscription = input.pipe(journalSink(path)).subscribe(() => {
      seenOnDisk.push(readFileSync(path, 'utf8').trimEnd().split('\n').length);
    });
    input.next(alert);
    input.next(alert);
    subscription.unsubscribe();
    expect(seenOnDisk).to.deep.equal([1, 2]);
  });

  it('keeps earlier lines when reopened (append mode)', async () => {
    const path = join(dir.path, 'alerts.jsonl');
    await lastValueFrom(of(alert as Alert).pipe(journalSink(path)));
    await lastValueFrom(of(alert as Alert).pipe(journalSink(path)));
    expect(readFileSync(path, 'utf8').trimEnd().split('\n')).to.have.length(2);
  });

  it('logs at ERROR and still passes the alert on when the journal cannot be opened', async () => {
    const lines: string[] = [];
    const logger = createLogger('journal', { write: (l) => lines.push(l) });
    const blocker = dir.write('not-a-dir', 'x');
    const passed = await lastValueFrom(of(alert as Alert).pipe(journalSink(join(blocker, 'alerts.jsonl'), { logger }), toArray()));
    expect(passed).to.deep.equal([alert]);
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/\[ERROR\] journal: cannot open journal .*not-a-dir\/alerts\.jsonl/);
  });
});
