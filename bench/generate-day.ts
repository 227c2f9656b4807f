import type { Direction, PriceRule } from '../src/domain/alert.js';
import type { Tick } from '../src/domain/tick.js';
import { seededRandom, type SeededRandom } from './seeded-random.js';

// Frame shapes: docs/protocols/binance.md (24hrTicker in the combined-stream wrapper,
// decimals as strings), docs/protocols/coinbase.md (ticker message, ISO time with microseconds) and
// docs/protocols/bitstamp.md (one `trade` event per trade, price a JSON number, microtimestamp a string of µs).

/** The two exchanges the generated market trades on, in `venue` index order. */
export const VENUES = ['binance', 'coinbase'] as const;

/** An index into {@link VENUES}. */
export type VenueIndex = 0 | 1;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Options of {@link generateDay}; every field has a default. */
export interface MarketOptions {
  /** Seed of every random choice. Default 20240601. */
  readonly seed?: number;
  /** Symbols per exchange. Default 1000. */
  readonly symbols?: number;
  /** Each (exchange, symbol) sends one ticker this often, ms; must divide a day. Default 86 400 (exactly 2 M frames a day). */
  readonly tickEveryMs?: number;
  /** Start of the generated day (epoch ms, a multiple of `tickEveryMs`). Default 2024-06-01T00:00:00Z. */
  readonly dayStartMs?: number;
}

/** A planned price move on one (exchange, symbol) inside the generated day. */
export interface PriceMove {
  readonly exchange: (typeof VENUES)[number];
  /** Canonical symbol. */
  readonly symbol: string;
  /** `ramp`: a steady 12 h rise or fall that stays; `spike`: a jump held 30 minutes, then back. */
  readonly kind: 'ramp' | 'spike';
  /** Signed fraction: +0.06 is a 6 % rise. */
  readonly size: number;
  /** When the move starts and ends, ms. */
  readonly from: number;
  readonly to: number;
}

/** An alert the plan must raise: (exchange, symbol, rule, direction, level), in no particular order. */
export interface ExpectedAlert {
  readonly exchange: string;
  readonly symbol: string;
  readonly rule: PriceRule;
  readonly direction: Direction;
  readonly level: number;
}

/** Frames in time order, with the exchange each came from. */
export interface FrameChunk {
  readonly frames: string[];
  /** `venues[i]` is the {@link VenueIndex} of `frames[i]`. */
  readonly venues: Uint8Array;
}

/** A generated market: its symbols, its planned moves, and its frames for any span. */
export interface GeneratedMarket {
  readonly seed: number;
  readonly dayStartMs: number;
  readonly dayMs: number;
  readonly tickEveryMs: number;
  /** Canonical symbols per venue: `SYM0001/USDT` on Binance, `SYM0001/USD` on Coinbase. */
  readonly symbols: readonly [readonly string[], readonly string[]];
  readonly moves: readonly PriceMove[];
  /** The alerts the moves must raise (no others: the noise stays far below every threshold). */
  readonly expectedAlerts: readonly ExpectedAlert[];
  /** Frames sent in `[fromMs, toMs)` (bounds on the `tickEveryMs` grid), both exchanges interleaved. */
  frames(fromMs: number, toMs: number, periodsPerChunk?: number): Generator<FrameChunk>;
  /**
   * The same tickers as {@link GeneratedMarket.frames} as ticks, without the frames
   * (prices unrounded): quick to make, to fill the windows before a measurement.
   */
  ticks(fromMs: number, toMs: number, periodsPerChunk?: number): Generator<Tick[]>;
  /**
   * Bitstamp `trade` events sent in `[fromMs, toMs)`: one per Coinbase ticker,
   * at its time and price, for the same symbols (`live_trades_sym0001usd`).
   * Bitstamp has no 24 h open, so these measure the path on our own 24 h windows.
   */
  trades(fromMs: number, toMs: number, periodsPerChunk?: number): Generator<string[]>;
  /** The last price of (venue, symbol index) at `t`. */
  priceAt(venue: VenueIndex, index: number, t: number): number;
}

// The noise: a slow wave (period 2-12 h) plus a per-second wobble. Together at most
// 0.08 % from the symbol's level, so no rule ever fires on noise alone: a 1 h move from
// noise stays under 0.2 %, against 2 % (pct_short) and 5 % (pct_24h).
const WAVE = 0.0005;
const WOBBLE = 0.0003;
const RAMP_MS = 12 * HOUR_MS;
const SPIKE_MS = 30 * 60_000;
const SPIKE_GAP_MS = 4 * HOUR_MS;
// Ramps: 3 up and 3 down by 6 %, one each way by 11 % (escalation to level 2). Spikes: 4 up
// and 4 down by 3 %, twice each, 4 h apart (re-arming in between). Per exchange.
const RAMP_SIZES = [0.06, 0.06, 0.06, -0.06, -0.06, -0.06, 0.11, -0.11];
const SPIKE_SIZES = [0.03, 0.03, 0.03, 0.03, -0.03, -0.03, -0.03, -0.03];
const THRESHOLD_24H = 0.05;

interface SymbolPlan {
  readonly base: number;
  readonly wavePeriod: number;
  readonly wavePhase: number;
  /** Coinbase prints this many decimals (its quote increment), trailing zeros dropped. */
  readonly decimals: number;
  readonly ramp?: { readonly from: number; readonly size: number };
  readonly spikes: readonly { readonly from: number; readonly size: number }[];
  tradeId: number;
}

/**
 * A deterministic market of `symbols` symbols on Binance and on Coinbase, each
 * sending a ticker every `tickEveryMs` (with a seeded jitter), as the exchanges
 * send them: Binance `24hrTicker` events in the combined-stream wrapper (numbers
 * as strings), Coinbase `ticker` messages (ISO `time` with microseconds).
 *
 * Prices are a pure function of (exchange, symbol, time): a seeded level, a little
 * noise, and the planned moves of the day `[dayStartMs, dayStartMs + 24 h)`. Each
 * frame's 24 h open is the price exactly a day before it, so a day before the
 * planned one (no moves) can be generated to fill the 24 h windows first.
 *
 * The moves are clear of every threshold and of the windows' bucket edges: a ramp
 * crosses 5 % (and 10 %) at a rate of at most 1 % an hour, judged on the exchange's
 * own 24 h open, which every implementation reads the same way; a spike jumps 3 %
 * in one tick, 1 % past the 2 % threshold and 1 % short of 4 %, so the tick that
 * raises it does not depend on where a window starts to within a tick.
 *
 * @example
 * const market = generateDay({ symbols: 20, tickEveryMs: 60_000 });
 * const [first] = market.frames(market.dayStartMs, market.dayStartMs + 60_000);
 * [first.frames.length, market.expectedAlerts.length];
 * // Logs: [40, 84]
 */
export function generateDay(options: MarketOptions = {}): GeneratedMarket {
  const seed = options.seed ?? 20240601;
  const count = options.symbols ?? 1000;
  const tickEveryMs = options.tickEveryMs ?? 86_400;
  const dayStartMs = options.dayStartMs ?? Date.UTC(2024, 5, 1);
  const slotMs = tickEveryMs / count;
  if (DAY_MS % tickEveryMs !== 0 || dayStartMs % tickEveryMs !== 0) {
    throw new RangeError(`tickEveryMs must divide a day and the day start, got ${tickEveryMs}`);
  }
  if (slotMs < 2) throw new RangeError(`tickEveryMs / symbols must be at least 2 ms, got ${slotMs}`);
  if (count < RAMP_SIZES.length + SPIKE_SIZES.length) {
    throw new RangeError(`need at least ${RAMP_SIZES.length + SPIKE_SIZES.length} symbols for the planned moves, got ${count}`);
  }

  const random = seededRandom(seed);
  const names = Array.from({ length: count }, (_, i) => `SYM${String(i + 1).padStart(4, '0')}`);
  const symbols = [names.map((name) => `${name}/USDT`), names.map((name) => `${name}/USD`)] as const;
  const bases = names.map(() => Math.exp(random.between(Math.log(0.05), Math.log(60_000))));
  const plans = VENUES.map(() => bases.map((base): SymbolPlan => ({
    base,
    wavePeriod: random.between(2 * HOUR_MS, 12 * HOUR_MS),
    wavePhase: random.between(0, 2 * Math.PI),
    decimals: base >= 100 ? 2 : base >= 1 ? 4 : 6,
    spikes: [],
    tradeId: random.integer(1_000_000, 900_000_000),
  })));

  const moves: PriceMove[] = [];
  const expectedAlerts: ExpectedAlert[] = [];
  VENUES.forEach((exchange, venue) => {
    const movers = shuffled(count, random).slice(0, RAMP_SIZES.length + SPIKE_SIZES.length);
    RAMP_SIZES.forEach((size, k) => {
      const index = movers[k]!;
      const from = dayStartMs + Math.round(random.between(0.5 * HOUR_MS, 10 * HOUR_MS));
      const plan = plans[venue]![index]!;
      plans[venue]![index] = { ...plan, ramp: { from, size } };
      const symbol = symbols[venue]![index]!;
      moves.push({ exchange, symbol, kind: 'ramp', size, from, to: from + RAMP_MS });
      for (let level = 1; level * THRESHOLD_24H <= Math.abs(size); level++) {
        expectedAlerts.push({ exchange, symbol, rule: 'pct_24h', direction: size > 0 ? 'up' : 'down', level });
      }
    });
    SPIKE_SIZES.forEach((size, k) => {
      const index = movers[RAMP_SIZES.length + k]!;
      const first = dayStartMs + Math.round(random.between(1 * HOUR_MS, 18 * HOUR_MS));
      const spikes = [first, first + SPIKE_GAP_MS].map((from) => ({ from, size }));
      plans[venue]![index] = { ...plans[venue]![index]!, spikes };
      const symbol = symbols[venue]![index]!;
      for (const { from } of spikes) {
        moves.push({ exchange, symbol, kind: 'spike', size, from, to: from + SPIKE_MS });
        const [jump, back]: [Direction, Direction] = size > 0 ? ['up', 'down'] : ['down', 'up'];
        expectedAlerts.push({ exchange, symbol, rule: 'pct_short', direction: jump, level: 1 });
        expectedAlerts.push({ exchange, symbol, rule: 'pct_short', direction: back, level: 1 });
      }
    });
  });

  const dayEnd = dayStartMs + DAY_MS;
  const priceAt = (venue: VenueIndex, index: number, t: number): number => {
    const plan = plans[venue]![index]!;
    let level = plan.base * (1 + WAVE * Math.sin((2 * Math.PI * t) / plan.wavePeriod + plan.wavePhase)
      + WOBBLE * (2 * random.at(venue, index, Math.floor(t / 1000)) - 1));
    if (t < dayStartMs || t >= dayEnd) return level;
    const ramp = plan.ramp;
    if (ramp !== undefined && t >= ramp.from) level *= 1 + ramp.size * Math.min(1, (t - ramp.from) / RAMP_MS);
    for (const spike of plan.spikes) if (t >= spike.from && t < spike.from + SPIKE_MS) level *= 1 + spike.size;
    return level;
  };

  // Each symbol keeps its slot in every period: one ticker per tickEveryMs, Binance in the
  // first half of the slot, Coinbase in the second, so frames come out in time order.
  const order = shuffled(count, random);
  let sequence = random.integer(1_000_000_000, 40_000_000_000);

  // Quantities vary from frame to frame but mean nothing to the rules: each symbol picks
  // them from a small seeded pool of strings, so generating a day stays quick.
  const POOL = 8;
  const quantityPool = (base: number) => Array.from({ length: POOL }, () => {
    const volume = (base < 1 ? 5e6 : 5e4 / Math.sqrt(base)) * random.between(1, 2);
    return [volume, volume / 1e4, volume / 2e3, volume / 3e3, volume * 29.7, volume * base].map((x) => x.toFixed(8));
  });
  const binanceQuantities = bases.map(quantityPool);
  const coinbaseQuantities = bases.map((base) => quantityPool(base).map((row) => row.map(trimZeros)));
  const sides = ['buy', 'sell'];

  // The parts of a frame that only depend on the symbol, built once.
  const binanceHead = names.map((name) => `{"stream":"${name.toLowerCase()}usdt@ticker","data":{"e":"24hrTicker","E":`);
  const binanceSymbol = names.map((name) => `,"s":"${name}USDT","p":"`);
  const coinbaseProduct = names.map((name) => `,"product_id":"${name}-USD","price":"`);

  const binanceFrame = (index: number, t: number): string => {
    const plan = plans[0]![index]!;
    const price = priceAt(0, index, t);
    const open = priceAt(0, index, t - DAY_MS);
    plan.tradeId += 20 + ((t ^ index) & 31);
    const [v, q1, b1, a1, , q] = binanceQuantities[index]![(t >>> 3) & (POOL - 1)] as string[];
    const o = fixed8(open);
    return `${binanceHead[index]}${t}${binanceSymbol[index]}${fixed8(price - open)}","P":"${((price / open - 1) * 100).toFixed(3)}",`
      + `"w":"${fixed8((price + open) / 2)}","x":"${o}","c":"${fixed8(price)}","Q":"${q1}","b":"${fixed8(price * 0.9999)}",`
      + `"B":"${b1}","a":"${fixed8(price * 1.0001)}","A":"${a1}","o":"${o}","h":"${fixed8(Math.max(price, open) * 1.002)}",`
      + `"l":"${fixed8(Math.min(price, open) * 0.998)}","v":"${v}","q":"${q}","O":${t - DAY_MS},"C":${t},`
      + `"F":${plan.tradeId - 7_000_000},"L":${plan.tradeId},"n":7000001}}`;
  };

  const coinbaseFrame = (index: number, t: number, micros: number): string => {
    const plan = plans[1]![index]!;
    const price = priceAt(1, index, t);
    const open = priceAt(1, index, t - DAY_MS);
    plan.tradeId += 1 + ((t ^ index) & 15);
    sequence += 3 + (t & 15);
    const d = plan.decimals;
    const [v, last, bidSize, askSize, v30] = coinbaseQuantities[index]![(t >>> 3) & (POOL - 1)] as string[];
    return `{"type":"ticker","sequence":${sequence}${coinbaseProduct[index]}${trimZeros(price.toFixed(d))}",`
      + `"open_24h":"${trimZeros(open.toFixed(d))}","volume_24h":"${v}","low_24h":"${trimZeros((Math.min(price, open) * 0.998).toFixed(d))}",`
      + `"high_24h":"${trimZeros((Math.max(price, open) * 1.002).toFixed(d))}","volume_30d":"${v30}",`
      + `"best_bid":"${trimZeros((price * 0.9999).toFixed(d))}","best_bid_size":"${bidSize}","best_ask":"${trimZeros((price * 1.0001).toFixed(d))}",`
      + `"best_ask_size":"${askSize}","side":"${sides[(t >>> 4) & 1]}","time":"${isoMicros(t, micros)}",`
      + `"trade_id":${plan.tradeId},"last_size":"${last}"}`;
  };

  const bitstampChannel = names.map((name) => `},"channel":"live_trades_${name.toLowerCase()}usd","event":"trade"}`);
  let bitstampTradeId = random.integer(200_000_000, 300_000_000);

  const bitstampFrame = (index: number, t: number, micros: number): string => {
    const price = trimZeros(priceAt(1, index, t).toFixed(plans[1]![index]!.decimals));
    const amount = coinbaseQuantities[index]![(t >>> 3) & (POOL - 1)]![1]!;
    bitstampTradeId += 1 + ((t ^ index) & 7);
    const order = 1_587_919_680_000_000 + bitstampTradeId * 4;
    return `{"data":{"id":${bitstampTradeId},"timestamp":"${Math.floor(t / 1000)}","amount":${amount},"amount_str":"${amount}",`
      + `"price":${price},"price_str":"${price}","type":${(t >>> 4) & 1},"microtimestamp":"${t}${THREE_DIGITS[micros]}",`
      + `"buy_order_id":${order},"sell_order_id":${order + 1}${bitstampChannel[index]}`;
  };

  /** Calls `visit` for every ticker sent in `[fromMs, toMs)`, in time order; yields after each chunk of periods. */
  function* schedule(fromMs: number, toMs: number, periodsPerChunk: number,
    visit: (venue: VenueIndex, index: number, t: number, micros: number) => void): Generator<void> {
    if (fromMs % tickEveryMs !== 0 || toMs % tickEveryMs !== 0) {
      throw new RangeError(`bounds must be multiples of ${tickEveryMs} ms, got ${fromMs} and ${toMs}`);
    }
    // A slot's first half for Binance, its second for Coinbase: whole ms that never overlap the next slot.
    const half = Math.floor(slotMs / 2);
    for (let period = fromMs; period < toMs; period += periodsPerChunk * tickEveryMs) {
      const end = Math.min(toMs, period + periodsPerChunk * tickEveryMs);
      for (let start = period; start < end; start += tickEveryMs) {
        for (let slot = 0; slot < count; slot++) {
          const index = order[slot]!;
          const at = start + Math.floor(slot * slotMs);
          const jitter = random.at(8, index, at);
          visit(0, index, at + Math.floor(jitter * half), 0);
          visit(1, index, at + half + Math.floor(random.at(9, index, at) * half), Math.floor(jitter * 1000));
        }
      }
      yield;
    }
  }

  function* frames(fromMs: number, toMs: number, periodsPerChunk = 1): Generator<FrameChunk> {
    let built: string[] = [];
    let venues: number[] = [];
    const chunks = schedule(fromMs, toMs, periodsPerChunk, (venue, index, t, micros) => {
      venues.push(venue);
      built.push(venue === 0 ? binanceFrame(index, t) : coinbaseFrame(index, t, micros));
    });
    for (const _ of chunks) {
      yield { frames: asReceived(built), venues: Uint8Array.from(venues) };
      built = [];
      venues = [];
    }
  }

  function* trades(fromMs: number, toMs: number, periodsPerChunk = 1): Generator<string[]> {
    let built: string[] = [];
    const chunks = schedule(fromMs, toMs, periodsPerChunk, (venue, index, t, micros) => {
      if (venue === 1) built.push(bitstampFrame(index, t, micros));
    });
    for (const _ of chunks) {
      yield asReceived(built);
      built = [];
    }
  }

  function* ticks(fromMs: number, toMs: number, periodsPerChunk = 1): Generator<Tick[]> {
    let chunk: Tick[] = [];
    const chunks = schedule(fromMs, toMs, periodsPerChunk, (venue, index, t) => {
      const price = priceAt(venue, index, t);
      chunk.push({
        exchange: VENUES[venue], symbol: symbols[venue][index]!, price, ts: t,
        bid: price * 0.9999, ask: price * 1.0001, open24h: priceAt(venue, index, t - DAY_MS),
      });
    });
    for (const _ of chunks) {
      yield chunk;
      chunk = [];
    }
  }

  return {
    seed,
    dayStartMs,
    dayMs: DAY_MS,
    tickEveryMs,
    symbols,
    moves,
    expectedAlerts,
    frames,
    ticks,
    trades,
    priceAt,
  };
}

/** The numbers 0..n-1 in a seeded order (Fisher-Yates). */
function shuffled(n: number, random: SeededRandom): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = random.integer(0, i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

const ZEROS = ['', '0', '00', '000', '0000', '00000', '000000', '0000000'];

/** `x.toFixed(8)`, twice as fast, for |x| < 2^53 / 1e8 (all the prices here): Binance pads every decimal to 8 places. */
function fixed8(x: number): string {
  const sign = x < 0 ? '-' : '';
  const scaled = Math.round(Math.abs(x) * 1e8);
  const whole = Math.floor(scaled / 1e8);
  const fraction = String(scaled - whole * 1e8);
  return `${sign}${whole}.${ZEROS[8 - fraction.length]}${fraction}`;
}

/** A decimal without trailing zeros, as Coinbase prints them (`"1313.8"`). */
function trimZeros(text: string): string {
  if (text.indexOf('.') < 0) return text;
  let end = text.length;
  while (text.charCodeAt(end - 1) === 48) end--;
  if (text.charCodeAt(end - 1) === 46) end--;
  return end === text.length ? text : text.slice(0, end);
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
let isoDay = Number.NaN;
let isoDate = '';

/** `2024-06-01T00:00:00.065031Z`: ISO 8601 UTC with microseconds, as Coinbase sends `time`. */
function isoMicros(t: number, micros: number): string {
  const day = Math.floor(t / 86_400_000);
  if (day !== isoDay) {
    isoDay = day;
    isoDate = new Date(day * 86_400_000).toISOString().slice(0, 10);
  }
  let rest = t - day * 86_400_000;
  const ms = rest % 1000;
  rest = (rest - ms) / 1000;
  const s = rest % 60;
  rest = (rest - s) / 60;
  const m = rest % 60;
  const h = (rest - m) / 60;
  return `${isoDate}T${TWO_DIGITS[h]}:${TWO_DIGITS[m]}:${TWO_DIGITS[s]}.${THREE_DIGITS[ms]}${THREE_DIGITS[micros]}Z`;
}

/**
 * The frames as a WebSocket client receives them: each one flat string decoded from
 * the wire bytes (`ws` hands over `Buffer#toString()`), not a rope of the pieces they
 * were built from, which `JSON.parse` would first have to flatten.
 */
function asReceived(built: readonly string[]): string[] {
  const wire = Buffer.from(built.join(''), 'latin1');
  const frames = new Array<string>(built.length);
  let offset = 0;
  for (let i = 0; i < built.length; i++) {
    const length = built[i]!.length;
    frames[i] = wire.toString('utf8', offset, offset + length);
    offset += length;
  }
  return frames;
}
