import { expect } from 'chai';
import { DEFAULT_THRESHOLDS } from '../../src/domain/config-types.js';
import { type SymbolTrack, TickMeter } from '../../src/operators/tick-meter.js';
import { WindowSlots } from '../../src/operators/window-slots.js';

describe('TickMeter', () => {
  it('matches its @example: the exchange open is the 24 h reference', () => {
    const meter = new TickMeter(DEFAULT_THRESHOLDS);
    meter.observe({ exchange: 'kraken', symbol: 'ETH/USD', price: 2000, ts: 0, open24h: 1900 });
    expect([meter.reference24h, meter.reference24hSource]).to.deep.equal([1900, 'open24h']);
  });

  it('returns the same track for the same (exchange, symbol), a fresh one otherwise', () => {
    const meter = new TickMeter(DEFAULT_THRESHOLDS, { buckets: 10 });
    const a = meter.observe({ exchange: 'kraken', symbol: 'ETH/USD', price: 2000, ts: 0 });
    const b = meter.observe({ exchange: 'kraken', symbol: 'ETH/USD', price: 2001, ts: 1 });
    const c = meter.observe({ exchange: 'binance', symbol: 'ETH/USD', price: 2001, ts: 1 });
    expect(a).to.equal(b);
    expect(c).to.not.equal(a);
    expect(a!.short.buckets).to.equal(10);
  });

  it('calls initState once per new track, with the track (its rules) and the tick that created it, and keeps its numbers in the track', () => {
    const seen: string[] = [];
    const meter = new TickMeter(DEFAULT_THRESHOLDS, {
      buckets: 10,
      stateSlots: 2,
      initState: (track, tick) => {
        seen.push(`${tick.exchange} ${tick.symbol} ${tick.price} short=${track.rules.windowShortMs} empty=${Number.isNaN(track.latestTs)}`);
        track.setExtra(1, tick.price);
      },
    });
    meter.observe({ exchange: 'kraken', symbol: 'ETH/USD', price: 2000, ts: 0 });
    const track = meter.observe({ exchange: 'kraken', symbol: 'ETH/USD', price: 2001, ts: 1 })!;
    meter.observe({ exchange: 'kraken', symbol: 'BTC/USD', price: 60000, ts: 1 });
    meter.observe({ exchange: 'kraken', symbol: 'ETH/USD', price: -1, ts: 2 });
    expect(seen).to.deep.equal(['kraken ETH/USD 2000 short=3600000 empty=true', 'kraken BTC/USD 60000 short=3600000 empty=true']);
    // A slot not written is NaN; the windows never write the slots (the ticks after the first left them as set).
    expect([track.extra(0), track.extra(1)]).to.deep.equal([Number.NaN, 2000]);
    expect([track.min, track.max]).to.deep.equal([2000, 2001]);
  });

  it('keeps the numbers and the 24 h window of a track whose short window a reconfigure replaces', () => {
    const meter = new TickMeter({ ...DEFAULT_THRESHOLDS, window_24h_ms: 7_200_000 }, { buckets: 10, stateSlots: 1, initState: (track) => track.setExtra(0, 7) });
    const before = meter.observe({ exchange: 'kraken', symbol: 'ETH/USD', price: 2000, ts: 0 })!;
    const seen: SymbolTrack[] = [];
    meter.reconfigure({ ...DEFAULT_THRESHOLDS, window_24h_ms: 7_200_000, window_short_ms: 600_000 }, undefined, [], (track) => seen.push(track));
    const after = meter.observe({ exchange: 'kraken', symbol: 'ETH/USD', price: 2100, ts: 1000 })!;
    expect(after).to.not.equal(before);
    expect(seen).to.deep.equal([after]);
    expect([after.short.windowMs, after.extra(0), after.day, after.min]).to.deep.equal([600_000, 7, before.day, 2100]);
    expect(after.day!.oldest).to.equal(2000);
  });

  it('gives back the slots of the windows a reconfigure drops: replaced short windows, 24 h windows of a new length, removed symbols', () => {
    const slots = new WindowSlots();
    const thresholds = { ...DEFAULT_THRESHOLDS, window_24h_ms: 7_200_000 };
    const meter = new TickMeter(thresholds, { buckets: 10, slots });
    const symbols = Array.from({ length: 40 }, (_, i) => `S${i}/USD`);
    // Enough ticks (no open24h: both windows) that the windows outgrow their first slots.
    for (let ts = 0; ts < 60; ts++) for (const symbol of symbols) meter.observe({ exchange: 'kraken', symbol, price: 100 + ts, ts: ts * 400_000 });
    const inUse = slots.slabs;
    expect(inUse).to.be.above(0);
    meter.reconfigure({ ...thresholds, window_short_ms: 600_000, window_24h_ms: 3_600_000 }, undefined);
    const track = meter.observe({ exchange: 'kraken', symbol: 'S0/USD', price: 200, ts: 60 * 400_000 })!;
    expect([track.short.windowMs, track.min, track.day!.windowMs]).to.deep.equal([600_000, 200, 3_600_000]);
    meter.reconfigure(thresholds, undefined, symbols.map((symbol) => ({ exchange: 'kraken', symbol })));
    expect(slots.slabs).to.equal(0);
  });

  it("resolves each symbol's rules once: its own, else its exchange's, else the global thresholds", () => {
    const meter = new TickMeter(DEFAULT_THRESHOLDS, {
      buckets: 10,
      overrides: {
        binance: {
          thresholds: { pct_short: 0.03 },
          symbol_rules: { 'DOGE/USDT': { pct_24h: 0.15, window_short_ms: 600_000, above: [1, 0.5], below: [0.1] } },
        },
      },
    });
    const doge = meter.observe({ exchange: 'binance', symbol: 'DOGE/USDT', price: 0.3, ts: 0 })!;
    const btc = meter.observe({ exchange: 'binance', symbol: 'BTC/USDT', price: 60000, ts: 0 })!;
    const kraken = meter.observe({ exchange: 'kraken', symbol: 'BTC/USD', price: 60000, ts: 0 })!;
    expect([...doge.rules.thresholds.slice(0, 4)]).to.deep.equal([0.15, 0.15, 0.03, 0.03]);
    expect([doge.rules.windowShortMs, doge.short.windowMs, [...doge.rules.above], [...doge.rules.below], doge.rules.rowCount]).to.deep.equal([600_000, 600_000, [0.5, 1], [0.1], 6]);
    expect([...btc.rules.thresholds.slice(0, 4), btc.rules.rowCount]).to.deep.equal([0.05, 0.05, 0.03, 0.03, 4]);
    expect([...kraken.rules.thresholds.slice(0, 4)]).to.deep.equal([0.05, 0.05, 0.02, 0.02]);
  });

  it("shares one rules object among an exchange's symbols without rules of their own, and resolves them again on reconfigure", () => {
    const overrides = { binance: { thresholds: { pct_short: 0.03 }, symbol_rules: { 'DOGE/USDT': { pct_24h: 0.15 } } } };
    const meter = new TickMeter(DEFAULT_THRESHOLDS, { buckets: 10, overrides });
    const btc = meter.observe({ exchange: 'binance', symbol: 'BTC/USDT', price: 60000, ts: 0 })!;
    const eth = meter.observe({ exchange: 'binance', symbol: 'ETH/USDT', price: 3000, ts: 0 })!;
    const doge = meter.observe({ exchange: 'binance', symbol: 'DOGE/USDT', price: 0.3, ts: 0 })!;
    const kraken = meter.observe({ exchange: 'kraken', symbol: 'BTC/USD', price: 60000, ts: 0 })!;
    expect(eth.rules).to.equal(btc.rules);
    expect(doge.rules).to.not.equal(btc.rules);
    expect(kraken.rules).to.not.equal(btc.rules);
    meter.reconfigure(DEFAULT_THRESHOLDS, { binance: { thresholds: { pct_short: 0.04 } } });
    expect(eth.rules).to.equal(btc.rules).and.to.equal(doge.rules);
    expect([...btc.rules.thresholds.slice(0, 4)]).to.deep.equal([0.05, 0.05, 0.04, 0.04]);
  });

  it('ignores an open24h that is not a positive finite price', () => {
    const meter = new TickMeter(DEFAULT_THRESHOLDS);
    meter.observe({ exchange: 'kraken', symbol: 'ETH/USD', price: 2000, ts: 0, open24h: 0 });
    expect([meter.reference24h, meter.reference24hSource]).to.deep.equal([2000, 'window']);
  });

  it('leaves its state alone for a tick it cannot use', () => {
    const meter = new TickMeter(DEFAULT_THRESHOLDS);
    expect(meter.observe({ exchange: 'kraken', symbol: 'ETH/USD', price: -1, ts: 0 })).to.equal(undefined);
    expect(meter.observe({ exchange: 'kraken', symbol: 'ETH/USD', price: 1, ts: Number.POSITIVE_INFINITY })).to.equal(undefined);
  });
});
