import { scriptedOpen } from './scripted-market.js';
import { type MarketStep, type SimulatedExchange, type SimulatedExchangeOptions, type SimulatedProtocol, startSimulatedExchange } from './simulated-exchange.js';

/** Options of {@link startSimulatedCoinbase}: those of every simulator, with no outage by default. */
export type SimulatedCoinbaseOptions = SimulatedExchangeOptions;

/** A running simulated Coinbase. */
export type SimulatedCoinbase = SimulatedExchange;

interface CoinbaseSocket {
  /** Channel name -> product ids (`BTC-USD`). */
  readonly channels: Map<string, Set<string>>;
  /** When this socket last got its heartbeats (the real feed sends one per product per second). */
  lastBeat: number;
  sequence: number;
}

/**
 * The (channel, product ids) pairs a Coinbase subscribe/unsubscribe message asks
 * for: channel objects with their own `product_ids`, or channel names with the
 * root `product_ids`. Shared with the test suite's fake Coinbase.
 *
 * @example
 * requestedChannels({ product_ids: ['BTC-USD'], channels: ['ticker', { name: 'heartbeat', product_ids: ['ETH-USD'] }] });
 * // [['ticker', ['BTC-USD']], ['heartbeat', ['ETH-USD']]]
 */
export function requestedChannels(message: { product_ids?: unknown; channels?: unknown }): [string, string[]][] {
  const rootIds = Array.isArray(message.product_ids) ? message.product_ids.map(String) : [];
  return (Array.isArray(message.channels) ? message.channels : []).map((channel: unknown) => {
    if (typeof channel === 'string') return [channel, rootIds];
    const named = (channel ?? {}) as { name?: unknown; product_ids?: unknown }; // a null entry, as the fake Coinbase tolerates
    return [String(named.name), Array.isArray(named.product_ids) ? named.product_ids.map(String) : rootIds];
  });
}

const price = (n: number, open: number) => n.toFixed(open >= 1 ? 2 : 6);

/** Coinbase Exchange's `ws-feed`: `subscribe`/`unsubscribe` answered with `subscriptions`; `ticker` and `heartbeat` frames. */
const coinbaseProtocol: SimulatedProtocol<CoinbaseSocket> = {
  opened: () => ({ channels: new Map(), lastBeat: 0, sequence: 1 }),
  answer(text, state) {
    let message: { type?: unknown; product_ids?: unknown; channels?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return ['{"type":"error","message":"Malformed JSON"}'];
    }
    if (message.type !== 'subscribe' && message.type !== 'unsubscribe') return [];
    const wanted = requestedChannels(message);
    if (wanted.length === 0) return ['{"type":"error","message":"Failed to subscribe","reason":"No channels provided"}'];
    for (const [name, ids] of wanted) {
      const set = state.channels.get(name) ?? new Set<string>();
      for (const id of ids) (message.type === 'subscribe' ? set.add(id) : set.delete(id));
      state.channels.set(name, set);
    }
    return [JSON.stringify({ type: 'subscriptions', channels: [...state.channels].map(([name, ids]) => ({ name, product_ids: [...ids] })) })];
  },
  frames(state, step: MarketStep) {
    const time = new Date(step.ts).toISOString().replace('Z', '000Z'); // microseconds, like the real feed
    const frames: string[] = [];
    for (const id of state.channels.get('ticker') ?? []) {
      const open = scriptedOpen(id.split('-')[0] ?? id);
      const last = price(open * (1 + step.move), open);
      frames.push(JSON.stringify({
        type: 'ticker', sequence: state.sequence++, product_id: id, price: last, open_24h: price(open, open), volume_24h: '1000',
        low_24h: price(Math.min(open, Number(last)), open), high_24h: price(Math.max(open, Number(last)), open), volume_30d: '30000',
        best_bid: last, best_bid_size: '1', best_ask: last, best_ask_size: '1', side: 'buy', time, trade_id: state.sequence, last_size: '0.01',
      }));
    }
    if (step.ts - state.lastBeat >= 1000) {
      state.lastBeat = step.ts;
      for (const id of state.channels.get('heartbeat') ?? []) {
        frames.push(JSON.stringify({ type: 'heartbeat', sequence: state.sequence++, last_trade_id: state.sequence, product_id: id, time }));
      }
    }
    return frames;
  },
  describe: (state) => [...(state.channels.get('ticker') ?? [])].join(', ') || '(no product yet)',
};

/**
 * A loopback Coinbase Exchange `ws-feed` playing the same scripted market as
 * the simulated Binance ({@link scriptedMove}), in the real protocol (one
 * `subscribe` with `ticker` and `heartbeat` channels, answered with
 * `subscriptions`; decimals as strings; heartbeats once a second). No outage
 * unless asked; `lagMs` makes it trail the script, so its prices drift apart
 * from an unlagged Binance during a rally.
 *
 * @example
 * const coinbase = await startSimulatedCoinbase({ port: 0, lagMs: 3000 });
 * // config: exchanges.coinbase.url = coinbase.url
 * await coinbase.close();
 */
export function startSimulatedCoinbase(options: SimulatedCoinbaseOptions = {}): Promise<SimulatedCoinbase> {
  return startSimulatedExchange(coinbaseProtocol, { outages: false, ...options });
}
