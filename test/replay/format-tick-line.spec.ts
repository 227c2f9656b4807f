import { expect } from 'chai';
import fc from 'fast-check';
import type { Tick } from '../../src/domain/tick.js';
import { formatTickLine } from '../../src/replay/format-tick-line.js';
import { parseTickLine } from '../../src/replay/parse-tick-line.js';

describe('formatTickLine', () => {
  it('matches its @example', () => {
    expect(formatTickLine({ exchange: 'kraken', symbol: 'ETH/USD', price: 3000, ts: 5, open24h: 2900 })).to.equal(
      '{"exchange":"kraken","symbol":"ETH/USD","price":3000,"ts":5,"open24h":2900}',
    );
  });

  it('writes the fields in a fixed order and leaves out extra properties', () => {
    const tick = { ts: 2, price: 1, symbol: 'BTC/USDT', exchange: 'binance', blindFrom: 1, bid: 0.5, extra: 'x' } as Tick;
    expect(formatTickLine(tick)).to.equal('{"exchange":"binance","symbol":"BTC/USDT","price":1,"ts":2,"bid":0.5,"blindFrom":1}');
  });

  it('writes a NaN as null, so the line is refused when read back instead of breaking the file', () => {
    const line = formatTickLine({ exchange: 'binance', symbol: 'BTC/USDT', price: Number.NaN, ts: 1 });
    expect(parseTickLine(line)).to.equal('price must be a positive finite number, got null');
  });

  it('round-trips through parseTickLine', () => {
    const positive = fc.double({ min: 1e-8, max: 1e9, noNaN: true, noDefaultInfinity: true });
    const tickArb = fc
      .record(
        {
          exchange: fc.constantFrom('binance', 'coinbase', 'kraken', 'my "exchange"'),
          symbol: fc.constantFrom('BTC/USDT', 'ETH/USD', 'SOL/EUR'),
          price: positive,
          ts: fc.integer({ min: 1000, max: 2 ** 45 }),
          bid: positive,
          ask: positive,
          open24h: positive,
          receivedAt: fc.integer({ min: 0, max: 2 ** 45 }),
          blindFrom: fc.integer({ min: 0, max: 1000 }),
        },
        { requiredKeys: ['exchange', 'symbol', 'price', 'ts'] },
      );
    fc.assert(
      fc.property(tickArb, (tick) => {
        expect(parseTickLine(formatTickLine(tick))).to.deep.equal(tick);
      }),
    );
  });
});
