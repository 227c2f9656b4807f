import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import { decodeConfig } from '../../src/config/decode-config.js';
import type { PriceAlert } from '../../src/domain/alert.js';
import type { Config } from '../../src/domain/config-types.js';
import { createLogger } from '../../src/log.js';
import { restoredDedupeLevels, restoredFromJournal } from '../../src/supervisor/restored-dedupe-levels.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';

const NOW = Date.UTC(2025, 0, 2, 12, 0, 0);
const HOUR = 3_600_000;

const alert = (ts: number, extra: Partial<PriceAlert> = {}): PriceAlert => ({
  kind: 'price', ts, exchange: 'binance', symbol: 'BTC/USDT', rule: 'pct_24h', direction: 'up',
  change: 0.06, price: 106, reference: 100, windowMs: 86_400_000, level: 1, coverage: 1, ...extra,
});
const line = (entry: object) => `${JSON.stringify(entry)}\n`;

describe('restoredDedupeLevels', () => {
  let dir: TempDir;
  let lines: string[];
  let config: Config;
  beforeEach(() => {
    dir = tempDir();
    lines = [];
    const decoded = decodeConfig({ exchanges: { binance: { symbols: ['BTC/USDT'] } }, state_dir: join(dir.path, 'state') }, { env: {} });
    if (E.isLeft(decoded)) throw new Error(JSON.stringify(decoded.left));
    config = decoded.right;
    mkdirSync(config.state_dir);
  });
  afterEach(() => dir.remove());

  const journalPath = () => join(config.state_dir, 'alerts.jsonl');
  const restore = () =>
    restoredDedupeLevels(config, { logger: createLogger('supervisor', { write: (l) => lines.push(l), now: () => 0 }), now: NOW, journalPath: journalPath() });

  it('restores the levels of moves still in progress, without test entries, re-armed keys or stale ones', () => {
    dir.write('state/alerts.jsonl', [
      line(alert(NOW - 25 * HOUR, { symbol: 'ETH/USDT' })), // older than 24 h: stale
      line(alert(NOW - 2 * HOUR, { rule: 'pct_short', windowMs: HOUR })), // older than 1 h: stale
      line({ kind: 'feed', ts: NOW - HOUR, exchange: 'kraken', rule: 'feed_down', downSince: NOW - 2 * HOUR, blindMs: HOUR }),
      line(alert(NOW - HOUR)),
      line(alert(NOW - HOUR / 2, { level: 2 })),
      line(alert(NOW - HOUR / 2, { exchange: 'kraken' })),
      line({ kind: 'rearm', ts: NOW - HOUR / 4, exchange: 'kraken', symbol: 'BTC/USDT', rule: 'pct_24h', direction: 'up', level: 1 }),
      line({ ...alert(NOW - 60_000, { symbol: 'SOL/USDT' }), test: true }), // --test-alert or a replay
    ].join(''));
    expect(restore()).to.deep.equal([
      { exchange: 'binance', symbol: 'BTC/USDT', rule: 'pct_24h', direction: 'up', level: 2, ts: NOW - HOUR / 2 },
    ]);
    expect(lines).to.deep.equal([
      '1970-01-01 00:00:00 [INFO] supervisor: dedupe: 1 level restored from the journal (binance BTC/USDT pct_24h up at level 2)',
    ]);
  });

  it('restoredFromJournal: the same levels and, from the same read, the entries still in force for the channels', () => {
    dir.write('state/alerts.jsonl', [
      line(alert(NOW - 2 * HOUR, { rule: 'pct_short', windowMs: HOUR })), // stale
      line({ kind: 'feed', ts: NOW - HOUR, exchange: 'kraken', rule: 'feed_down', downSince: NOW - 2 * HOUR, blindMs: HOUR }),
      line(alert(NOW - HOUR)),
      line(alert(NOW - HOUR / 2, { level: 2 })),
      line(alert(NOW - HOUR / 2, { exchange: 'kraken' })), // re-armed below
      line({ kind: 'rearm', ts: NOW - HOUR / 4, exchange: 'kraken', symbol: 'BTC/USDT', rule: 'pct_24h', direction: 'up', level: 1 }),
      line({ ...alert(NOW - 60_000, { symbol: 'SOL/USDT' }), test: true }),
    ].join(''));
    const { levels, inForce } = restoredFromJournal(config, { logger: createLogger('supervisor', { write: (l) => lines.push(l), now: () => 0 }), now: NOW, journalPath: journalPath() });
    expect(levels).to.deep.equal(restore());
    expect(inForce.map((e) => [e.kind, 'exchange' in e ? e.exchange : undefined, e.ts, 'level' in e ? e.level : undefined])).to.deep.equal([
      ['feed', 'kraken', NOW - HOUR, undefined],
      ['price', 'binance', NOW - HOUR, 1],
      ['price', 'binance', NOW - HOUR / 2, 2],
      ['rearm', 'kraken', NOW - HOUR / 4, 1],
    ]);
  });

  it('restoredFromJournal: the divergence episodes that alerted and did not end, and only their latest alert in force', () => {
    const side = (exchange: string, price: number) => ({ exchange, symbol: 'BTC/USDT', price, ts: NOW - HOUR });
    const apart = (ts: number, group = 'BTC/USDT') => ({
      kind: 'divergence', rule: 'divergence', ts, group, high: side('coinbase', 102), low: side('binance', 100), spread: 0.02, threshold: 0.01, since: ts - 30_000,
    });
    const ended = (ts: number, group: string) => ({ kind: 'rearm', rule: 'divergence', ts, group, high: { exchange: 'coinbase', symbol: 'BTC/USDT' }, low: { exchange: 'binance', symbol: 'BTC/USDT' }, reason: 'stale' });
    dir.write('state/alerts.jsonl', [
      line(apart(NOW - 3 * HOUR)),
      line(ended(NOW - 2 * HOUR, 'BTC/USDT')),
      line(apart(NOW - HOUR)), // in force
      line(apart(NOW - HOUR, 'ETH/USDT')),
      line(ended(NOW - HOUR / 2, 'ETH/USDT')),
      line({ ...apart(NOW - 60_000, 'SOL/USDT'), test: true }),
    ].join(''));
    const { divergences, inForce } = restoredFromJournal(config, { logger: createLogger('supervisor', { write: (l) => lines.push(l), now: () => 0 }), now: NOW, journalPath: journalPath() });
    expect(divergences).to.deep.equal([apart(NOW - HOUR)]);
    expect(inForce.map((e) => [e.kind, e.rule, e.ts])).to.deep.equal([
      ['rearm', 'divergence', NOW - 2 * HOUR],
      ['divergence', 'divergence', NOW - HOUR],
      ['rearm', 'divergence', NOW - HOUR / 2],
    ]);
    expect(lines).to.include('1970-01-01 00:00:00 [INFO] supervisor: dedupe: 1 divergence episode still in force (BTC/USDT): not alerted again while it holds');
  });

  it('starts with every rule armed when there is no journal', () => {
    expect(restore()).to.deep.equal([]);
    expect(lines).to.deep.equal(['1970-01-01 00:00:00 [INFO] supervisor: dedupe: no move in progress in the journal, every rule armed']);
  });

  it('uses what it can read of a corrupt journal, with one WARN', () => {
    dir.write('state/alerts.jsonl', 'garbage\n' + line(alert(NOW - HOUR)) + '{"kind":\n');
    expect(restore()).to.have.length(1);
    expect(lines[0]).to.match(/\[WARN\] supervisor: dedupe: 2 unreadable line\(s\) in .*alerts\.jsonl skipped while restoring; the rest is used$/);
  });

  it('never crashes on a journal it cannot read: one WARN, every rule armed', () => {
    mkdirSync(journalPath()); // a directory where the journal should be: EISDIR
    expect(restore()).to.deep.equal([]);
    const outside = tempDir();
    try {
      dir.remove();
      mkdirSync(config.state_dir, { recursive: true });
      outside.write('alerts.jsonl', line(alert(NOW - HOUR)));
      symlinkSync(join(outside.path, 'alerts.jsonl'), journalPath());
      expect(restore()).to.deep.equal([]);
    } finally {
      outside.remove();
    }
    expect(lines).to.have.length(2);
    expect(lines[0]).to.match(/\[WARN\] supervisor: dedupe: cannot read .*alerts\.jsonl \(.*EISDIR.*\): starting with every rule armed; a move in progress may alert again$/);
    expect(lines[1]).to.match(/\[WARN\] supervisor: dedupe: cannot read .*alerts\.jsonl \(.*symlink.*\): starting with every rule armed/);
  });
});
