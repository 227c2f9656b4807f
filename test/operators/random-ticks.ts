import fc from 'fast-check';
import type { Tick } from '../../src/domain/tick.js';

/**
 * Random binance ticks of two symbols for the property tests that compare the
 * fused loop with the composed operators: random walks of up to 3 % a step,
 * some with an exchange open, some after a blind interval.
 */
export const randomTicks: fc.Arbitrary<Tick[]> = fc
  .array(
    fc.record({
      symbol: fc.constantFrom('BTC/USDT', 'ETH/USDT'),
      step: fc.integer({ min: 0, max: 40 }),
      move: fc.double({ min: -0.03, max: 0.03, noNaN: true }),
      open24h: fc.option(fc.constantFrom(95, 100, 105), { freq: 3 }),
      blindBack: fc.option(fc.integer({ min: 0, max: 200 }), { freq: 8 }),
    }),
    { maxLength: 80 },
  )
  .map((steps) => {
    let ts = 0;
    const price = new Map<string, number>();
    return steps.map(({ symbol, step, move, open24h, blindBack }): Tick => {
      ts += step;
      const p = (price.get(symbol) ?? 100) * (1 + move);
      price.set(symbol, p);
      return {
        exchange: 'binance', symbol, price: p, ts,
        ...(open24h === null ? {} : { open24h }),
        ...(blindBack === null ? {} : { blindFrom: ts - blindBack }),
      };
    });
  });
