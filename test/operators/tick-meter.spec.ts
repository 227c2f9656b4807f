import { expect } from 'chai';
import { DEFAULT_THRESHOLDS } from '../../src/domain/config-types.js';
import { TickMeter } from '../../src/operators/tick-meter.js';

describe('TickMeter', () => {
  it('matches its @example: the exchange open is the 24 h reference', () => {
    const meter = new TickMeter(DEFAULT_THRESHOLDS);
    meter.observe({ exchange: 'kraken', symbol: 'ETH/USD', price: 2000, ts: 0, open24h: 1900 });
    expect([meter.reference24h, meter.reference24hSource]).to.deep.equal([1900, 'open24h']);
  });

  it('returns the same track for the same (exchange, symbol), a fresh one otherwise', () => {
    const meter = new TickMeter(DEFAULT_THRESHOLDS, 10);
    const a = meter.observe({ exchange: 'kraken', symbol: 'ETH/USD', price: 2000, ts: 0 });
    const b = meter.observe({ exchange: 'kraken', symbol: 'ETH/USD', price: 2001, ts: 1 });
    const c = meter.observe({ exchange: 'binance', symbol: 'ETH/USD', price: 2001, ts: 1 });
    expect(a).to.equal(b);
    expect(c).to.not.equal(a);
    expect(a!.short.buckets).to.equal(10);
  });

  it('calls onNewTrack once per new track, with the tick that created it, before adding it', () => {
    const seen: string[] = [];
    const meter = new TickMeter(DEFAULT_THRESHOLDS, 10, (track, tick) => {
      seen.push(`${tick.exchange} ${tick.symbol} ${tick.price} empty=${Number.isNaN(track.short.oldest)}`);
      track.alertLevels[0] = 2;
    });
    meter.observe({ exchange: 'kraken', symbol: 'ETH/USD', price: 2000, ts: 0 });
    const track = meter.observe({ exchange: 'kraken', symbol: 'ETH/USD', price: 2001, ts: 1 });
    meter.observe({ exchange: 'kraken', symbol: 'BTC/USD', price: 60000, ts: 1 });
    meter.observe({ exchange: 'kraken', symbol: 'ETH/USD', price: -1, ts: 2 });
    expect(seen).to.deep.equal(['kraken ETH/USD 2000 empty=true', 'kraken BTC/USD 60000 empty=true']);
    expect(track!.alertLevels[0]).to.equal(2);
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
