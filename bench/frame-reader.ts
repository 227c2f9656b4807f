import { binance } from '../src/connectors/binance.js';
import { bitstamp } from '../src/connectors/bitstamp.js';
import { coinbase } from '../src/connectors/coinbase.js';
import type { Connector, NativeSymbols } from '../src/connectors/connector.js';
import { nativeSymbols } from '../src/connectors/native-symbols.js';
import type { Tick } from '../src/domain/tick.js';
import type { FrameChunk } from './generate-day.js';

/** Parses a chunk of frames, hands each tick to `emit`, and returns how many frames were rejected. */
export type FrameReader = (chunk: FrameChunk, emit: (tick: Tick) => void) => number;

/**
 * The service's frame path for the generated market, minus the socket: each
 * frame goes through its exchange's connector (`parse`: JSON, validation,
 * normalization to a canonical `Tick`) with the native-symbol map the service
 * builds from the config, and the local receive time read per frame as the
 * service does.
 *
 * @param symbols canonical symbols per venue (Binance, Coinbase), as configured
 * @param now the receive-time clock. Default `Date.now`.
 *
 * @example
 * const read = frameReader(market.symbols);
 * const ticks: Tick[] = [];
 * read(chunk, (tick) => ticks.push(tick)); // 0: no frame rejected
 */
export function frameReader(symbols: readonly [readonly string[], readonly string[]], now: () => number = Date.now): FrameReader {
  const connectors: readonly Connector[] = [binance, coinbase];
  const natives: readonly NativeSymbols[] = [nativeSymbols(binance, symbols[0]).natives, nativeSymbols(coinbase, symbols[1]).natives];
  return (chunk, emit) => {
    const { frames, venues } = chunk;
    let rejected = 0;
    for (let i = 0; i < frames.length; i++) {
      const venue = venues[i]!;
      const parsed = connectors[venue]!.parse(frames[i]!, now(), natives[venue]);
      if (parsed.kind === 'rejected') rejected += 1;
      else if (parsed.kind === 'ticks') for (const tick of parsed.ticks) emit(tick);
    }
    return rejected;
  };
}

/** Parses Bitstamp trade frames, hands each tick to `emit`, and returns how many frames were rejected. */
export type TradeReader = (frames: readonly string[], emit: (tick: Tick) => void) => number;

/**
 * The service's frame path for Bitstamp-shaped frames: each goes through the
 * Bitstamp connector with the native-symbol map built from `symbols`, the
 * receive time read per frame.
 *
 * @example
 * const read = tradeReader(market.symbols[1]);
 * const [frames] = market.trades(market.dayStartMs, market.dayStartMs + market.tickEveryMs);
 * read(frames, (tick) => console.log(tick.exchange)); // Logs: bitstamp (per frame); returns 0
 */
export function tradeReader(symbols: readonly string[], now: () => number = Date.now): TradeReader {
  const natives = nativeSymbols(bitstamp, symbols).natives;
  return (frames, emit) => {
    let rejected = 0;
    for (let i = 0; i < frames.length; i++) {
      const parsed = bitstamp.parse(frames[i]!, now(), natives);
      if (parsed.kind === 'rejected') rejected += 1;
      else if (parsed.kind === 'ticks') for (const tick of parsed.ticks) emit(tick);
    }
    return rejected;
  };
}
