import { expect } from 'chai';
import type { Direction, FeedAlert, JournalEntry, MoveRearmed, PriceAlert, PriceRule } from '../../src/domain/alert.js';
import { DEFAULT_THRESHOLDS } from '../../src/domain/config-types.js';
import { rebuildDedupeLevels } from '../../src/operators/rebuild-dedupe-levels.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function alert(level: number, ts: number, rule: PriceRule = 'pct_24h', direction: Direction = 'up', extra: Partial<PriceAlert> = {}): PriceAlert {
  return {
    kind: 'price', ts, exchange: 'binance', symbol: 'BTC/USDT', rule, direction, change: 0.05 * level, price: 100 + 5 * level,
    reference: 100, windowMs: rule === 'pct_24h' ? DAY : HOUR, level, coverage: 1, ...extra,
  };
}

function rearm(level: number, ts: number, rule: PriceRule = 'pct_24h', direction: Direction = 'up'): MoveRearmed {
  return { kind: 'rearm', ts, exchange: 'binance', symbol: 'BTC/USDT', rule, direction, level };
}

const rebuild = (entries: JournalEntry[], now: number) =>
  rebuildDedupeLevels(entries, { thresholds: DEFAULT_THRESHOLDS, now }).map((l) => `${l.exchange} ${l.symbol} ${l.rule} ${l.direction} L${l.level}@${l.ts}`);

describe('rebuildDedupeLevels', () => {
  it('matches its @example: the latest alert of a key sets its level', () => {
    expect(rebuild([alert(1, 0), alert(2, 60_000)], 120_000)).to.deep.equal(['binance BTC/USDT pct_24h up L2@60000']);
  });

  it('clears a key that re-armed, and sets it again on the next move', () => {
    expect(rebuild([alert(2, 0), rearm(2, 1_000)], 2_000)).to.deep.equal([]);
    expect(rebuild([alert(2, 0), rearm(2, 1_000), alert(1, 1_500)], 2_000)).to.deep.equal(['binance BTC/USDT pct_24h up L1@1500']);
  });

  it('keeps every (exchange, symbol, rule, direction) apart', () => {
    const entries: JournalEntry[] = [
      alert(1, 0),
      alert(1, 1, 'pct_24h', 'down'),
      alert(3, 2, 'pct_short', 'up'),
      alert(1, 3, 'pct_24h', 'up', { exchange: 'kraken' }),
      alert(1, 4, 'pct_24h', 'up', { symbol: 'ETH/USDT' }),
      rearm(1, 5, 'pct_24h', 'down'),
    ];
    expect(rebuild(entries, 10)).to.deep.equal([
      'binance BTC/USDT pct_24h up L1@0',
      'binance BTC/USDT pct_short up L3@2',
      'kraken BTC/USDT pct_24h up L1@3',
      'binance ETH/USDT pct_24h up L1@4',
    ]);
  });

  it("drops a key whose latest entry is older than its rule's window (stale)", () => {
    const entries = [alert(1, 0, 'pct_short'), alert(1, 0, 'pct_24h')];
    expect(rebuild(entries, HOUR)).to.have.length(2);
    expect(rebuild(entries, HOUR + 1)).to.deep.equal(['binance BTC/USDT pct_24h up L1@0']);
    expect(rebuild(entries, DAY + 1)).to.deep.equal([]);
  });

  it('ignores test alerts, feed alerts and malformed entries', () => {
    const testAlert = { ...alert(1, 0), test: true } as PriceAlert;
    const feed: FeedAlert = { kind: 'feed', ts: 0, exchange: 'binance', rule: 'feed_down', downSince: 0, blindMs: 1 };
    const malformed = [
      alert(0, 0),
      alert(1.5, 0),
      alert(1, Number.NaN),
      { ...alert(1, 0), rule: 'pct_7d' } as unknown as PriceAlert,
      { ...alert(1, 0), direction: 'sideways' } as unknown as PriceAlert,
      { ...alert(1, 0), ts: '0' } as unknown as PriceAlert,
      { ...alert(1, 0), symbol: undefined } as unknown as PriceAlert,
    ];
    expect(rebuild([testAlert, feed, ...malformed], 10)).to.deep.equal([]);
    // A test alert does not clear a real level either.
    expect(rebuild([alert(2, 0), { ...rearm(2, 1), test: true } as MoveRearmed], 10)).to.deep.equal(['binance BTC/USDT pct_24h up L2@0']);
  });

  it('keeps a price level crossed however old, and follows a level rule falling back part way', () => {
    const above = (level: number, ts: number) => alert(level, ts, 'level_above', 'up', { windowMs: 0, threshold: 100 * level });
    const partly: MoveRearmed = { ...rearm(3, 2 * DAY, 'level_above', 'up'), rearmedTo: 1 };
    expect(rebuild([above(3, 0), partly], 30 * DAY)).to.deep.equal([`binance BTC/USDT level_above up L1@${2 * DAY}`]);
    expect(rebuild([above(2, 0)], 30 * DAY)).to.deep.equal(['binance BTC/USDT level_above up L2@0']);
    expect(rebuild([above(2, 0), rearm(2, 1, 'level_above', 'up')], 30 * DAY)).to.deep.equal([]);
    // level_above only rises, level_below only falls: any other pair is no rule.
    expect(rebuild([alert(1, 0, 'level_above', 'down')], 10)).to.deep.equal([]);
  });

  it("judges a pct_short level against the symbol's own window_short_ms", () => {
    const overrides = { binance: { symbol_rules: { 'BTC/USDT': { window_short_ms: 4 * HOUR } } } };
    const levels = rebuildDedupeLevels([alert(1, 0, 'pct_short', 'up')], { thresholds: DEFAULT_THRESHOLDS, now: 3 * HOUR, overrides });
    expect(levels.map((l) => l.level)).to.deep.equal([1]);
  });
});
