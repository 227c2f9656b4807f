import { expect } from 'chai';
import { from, lastValueFrom, type OperatorFunction, toArray } from 'rxjs';
import { compareAlerts } from '../../bench/compare-alerts.js';
import { frameReader } from '../../bench/frame-reader.js';
import { generateDay } from '../../bench/generate-day.js';
import { naiveDetectAlerts } from '../../bench/naive-reference.js';
import type { PriceAlert } from '../../src/domain/alert.js';
import { DEFAULT_THRESHOLDS } from '../../src/domain/config-types.js';
import type { Tick } from '../../src/domain/tick.js';
import { detectAlerts } from '../../src/operators/detect-alerts.js';

const run = (ticks: readonly Tick[], operator: OperatorFunction<Tick, PriceAlert>) =>
  lastValueFrom(from(ticks).pipe(operator, toArray()));

const identity = (alert: PriceAlert) =>
  `${alert.ts} ${alert.exchange} ${alert.symbol} ${alert.rule} ${alert.direction} ${alert.level}`;

describe('bench: naive reference', () => {
  // A short generated day: 20 symbols on each exchange, one ticker a minute, all the planned moves.
  const market = generateDay({ seed: 11, symbols: 20, tickEveryMs: 60_000 });
  const ticks: Tick[] = [];
  let rejected = 0;

  before(() => {
    const read = frameReader(market.symbols, () => 0);
    for (const chunk of market.frames(market.dayStartMs, market.dayStartMs + market.dayMs, 60)) {
      rejected += read(chunk, (tick) => ticks.push(tick));
    }
  });

  it('generates the day as frames both connectors accept, in time order', () => {
    expect(rejected).to.equal(0);
    expect(ticks).to.have.length(20 * 2 * 1440);
    expect(ticks.every((tick, i) => i === 0 || tick.ts >= ticks[i - 1]!.ts)).to.equal(true);
    expect(new Set(ticks.map((tick) => tick.symbol)).size).to.equal(40);
    expect(ticks.every((tick) => tick.open24h !== undefined)).to.equal(true);
  });

  it('raises exactly the planned alerts: one pct_24h per ramp and level, two pct_short per spike', async () => {
    const naive = await run(ticks, naiveDetectAlerts(DEFAULT_THRESHOLDS));
    expect(naive).to.have.length(84);
    expect(compareAlerts(market.expectedAlerts, naive, { ignoreTime: true })).to.deep.equal({ agree: true, expected: 84, actual: 84 });
  });

  it('agrees with detectAlerts on the day: same (exchange, symbol, rule, direction, level, ts) sequence', async () => {
    const pipeline = await run(ticks, detectAlerts(DEFAULT_THRESHOLDS));
    const naive = await run(ticks, naiveDetectAlerts(DEFAULT_THRESHOLDS));
    expect(naive.map(identity)).to.deep.equal(pipeline.map(identity));
    expect(compareAlerts(pipeline, naive).agree).to.equal(true);
  });

  it('reads a spike, its return and an escalation like the pipeline, on hand-written ticks', async () => {
    const tick = (price: number, minute: number): Tick =>
      ({ exchange: 'binance', symbol: 'BTC/USDT', price, ts: minute * 60_000, open24h: 100 });
    const input = [tick(100, 0), tick(103, 1), tick(100, 31), tick(106, 32), tick(111, 33)];
    const alerts = (await run(input, naiveDetectAlerts(DEFAULT_THRESHOLDS))).map(identity);
    expect(alerts).to.deep.equal([
      '60000 binance BTC/USDT pct_short up 1',
      '1860000 binance BTC/USDT pct_short down 1',
      '1920000 binance BTC/USDT pct_24h up 1',
      '1920000 binance BTC/USDT pct_short up 3',
      '1980000 binance BTC/USDT pct_24h up 2',
      '1980000 binance BTC/USDT pct_short up 5',
    ]);
    expect((await run(input, detectAlerts(DEFAULT_THRESHOLDS))).map(identity)).to.deep.equal(alerts);
  });

  it('unlike the pipeline, holds no price across a quiet spell: its window is the ticks of the last hour only', async () => {
    const tick = (price: number, minute: number): Tick => ({ exchange: 'binance', symbol: 'BTC/USDT', price, ts: minute * 60_000 });
    // Two hours without a tick, then 3 % up: the pipeline holds 100 until then, the naive window holds 103 alone.
    const input = [tick(100, 0), tick(103, 120)];
    expect((await run(input, detectAlerts(DEFAULT_THRESHOLDS))).map(identity)).to.deep.equal(['7200000 binance BTC/USDT pct_short up 1']);
    expect(await run(input, naiveDetectAlerts(DEFAULT_THRESHOLDS))).to.deep.equal([]);
  });

  it('fills its windows from a history without raising alerts from it', async () => {
    const tick = (price: number, minute: number): Tick => ({ exchange: 'binance', symbol: 'BTC/USDT', price, ts: minute * 60_000 });
    const history = [tick(95, 0), tick(96, 10)];
    // Without the history the window would hold 97.5 alone; with it, 97.5 is 2.6 % above the low of 95.
    expect(await run([tick(97.5, 20)], naiveDetectAlerts(DEFAULT_THRESHOLDS))).to.deep.equal([]);
    const alerts = await run([tick(97.5, 20)], naiveDetectAlerts(DEFAULT_THRESHOLDS, { history }));
    expect(alerts.map(identity)).to.deep.equal(['1200000 binance BTC/USDT pct_short up 1']);
  });

  it('reports the first difference when two alert lists disagree', () => {
    const alert = { exchange: 'binance', symbol: 'A/USDT', rule: 'pct_short', direction: 'up', level: 1, ts: 5 } as const;
    expect(compareAlerts([alert], [{ ...alert, ts: 6 }])).to.deep.equal({
      agree: false, expected: 1, actual: 1,
      difference: 'alert 1: expected 5 binance A/USDT pct_short up 1, got 6 binance A/USDT pct_short up 1',
    });
    expect(compareAlerts([alert], []).difference).to.equal('alert 1: expected 5 binance A/USDT pct_short up 1, got nothing');
  });
});
