import { expect } from 'chai';
import { tradeReader } from '../../bench/frame-reader.js';
import { type FrameChunk, type GeneratedMarket, generateDay } from '../../bench/generate-day.js';
import type { Tick } from '../../src/domain/tick.js';

/** The frames of `[from, to)` as one chunk. */
function framesOf(market: GeneratedMarket, from: number, to: number): FrameChunk {
  const [chunk] = market.frames(from, to, (to - from) / market.tickEveryMs);
  return chunk!;
}

describe('bench: generateDay', () => {
  const options = { seed: 5, symbols: 16, tickEveryMs: 60_000 };

  it('is deterministic: the same seed gives the same frames, another seed other ones', () => {
    const first = (seed: number) => {
      const market = generateDay({ ...options, seed });
      return framesOf(market, market.dayStartMs + 3_600_000, market.dayStartMs + 3_720_000).frames;
    };
    expect(first(5)).to.deep.equal(first(5));
    expect(first(6)).to.not.deep.equal(first(5));
  });

  it('writes Binance 24hrTicker events in the combined-stream wrapper, every decimal a string', () => {
    const market = generateDay(options);
    const { frames, venues } = framesOf(market, market.dayStartMs, market.dayStartMs + 60_000);
    const binance = frames.filter((_, i) => venues[i] === 0).map((frame) => JSON.parse(frame));
    expect(binance).to.have.length(16);
    for (const { stream, data } of binance) {
      expect(stream).to.equal(`${data.s.toLowerCase()}@ticker`);
      expect(Object.keys(data)).to.deep.equal(['e', 'E', 's', 'p', 'P', 'w', 'x', 'c', 'Q', 'b', 'B', 'a', 'A', 'o', 'h', 'l', 'v', 'q', 'O', 'C', 'F', 'L', 'n']);
      expect(data.e).to.equal('24hrTicker');
      for (const field of ['p', 'P', 'w', 'x', 'c', 'Q', 'b', 'B', 'a', 'A', 'o', 'h', 'l', 'v', 'q']) expect(data[field]).to.match(/^-?\d+\.\d+$/);
      for (const field of ['E', 'O', 'C', 'F', 'L', 'n']) expect(data[field]).to.be.a('number');
      expect(data.C - data.O).to.equal(86_400_000);
    }
  });

  it('writes Coinbase ticker messages with a microsecond ISO time', () => {
    const market = generateDay(options);
    const { frames, venues } = framesOf(market, market.dayStartMs, market.dayStartMs + 60_000);
    const coinbase = frames.filter((_, i) => venues[i] === 1).map((frame) => JSON.parse(frame));
    expect(coinbase).to.have.length(16);
    for (const message of coinbase) {
      expect(message.type).to.equal('ticker');
      expect(message.product_id).to.match(/^SYM\d{4}-USD$/);
      expect(message.time).to.match(/^2024-06-01T00:00:\d{2}\.\d{6}Z$/);
      for (const field of ['price', 'open_24h', 'best_bid', 'best_ask', 'volume_24h']) expect(message[field]).to.match(/^\d+(\.\d*[1-9])?$/);
    }
  });

  it('writes Bitstamp trade events shaped like the observed ones, one per Coinbase ticker, that parse to its price and time', () => {
    const market = generateDay(options);
    const [trades] = market.trades(market.dayStartMs, market.dayStartMs + 60_000);
    const { frames, venues } = framesOf(market, market.dayStartMs, market.dayStartMs + 60_000);
    const coinbase = frames.filter((_, i) => venues[i] === 1).map((frame) => JSON.parse(frame));
    expect(trades).to.have.length(16);
    for (const trade of trades!.map((frame) => JSON.parse(frame))) {
      expect(Object.keys(trade)).to.deep.equal(['data', 'channel', 'event']);
      expect(trade.event).to.equal('trade');
      expect(trade.channel).to.match(/^live_trades_sym\d{4}usd$/);
      expect(Object.keys(trade.data)).to.deep.equal(['id', 'timestamp', 'amount', 'amount_str', 'price', 'price_str', 'type', 'microtimestamp', 'buy_order_id', 'sell_order_id']);
      expect(trade.data.price).to.be.a('number');
      expect(trade.data.microtimestamp).to.match(/^\d{16}$/);
    }
    const ticks: Tick[] = [];
    expect(tradeReader(market.symbols[1])(trades!, (tick) => ticks.push(tick))).to.equal(0);
    expect(ticks.map((t) => [t.exchange, t.symbol, t.price, t.ts])).to.deep.equal(coinbase.map((m) => [
      'bitstamp', m.product_id.replace('-', '/'), Number(m.price), Date.parse(m.time),
    ]));
  });

  it('makes each 24 h open the price a day earlier, and plans moves only inside the day', () => {
    const market = generateDay(options);
    const noon = market.dayStartMs + 43_200_000;
    for (let index = 0; index < 16; index++) {
      expect(market.priceAt(0, index, noon - market.dayMs)).to.be.closeTo(market.priceAt(0, index, noon - 2 * market.dayMs), market.priceAt(0, index, noon) * 0.002);
    }
    for (const move of market.moves) {
      expect(move.from).to.be.at.least(market.dayStartMs);
      expect(move.to).to.be.below(market.dayStartMs + market.dayMs);
    }
    expect(market.moves.filter((move) => move.kind === 'ramp')).to.have.length(16);
    expect(market.moves.filter((move) => move.kind === 'spike')).to.have.length(32);
    expect(market.expectedAlerts).to.have.length(84);
  });

  it('refuses a tick interval that does not divide a day, and too few symbols for the moves', () => {
    expect(() => generateDay({ tickEveryMs: 70_000 })).to.throw(RangeError, /divide a day/);
    expect(() => generateDay({ symbols: 10, tickEveryMs: 60_000 })).to.throw(RangeError, /at least 16 symbols/);
  });
});
