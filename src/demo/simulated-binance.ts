import { scriptedOpen } from './scripted-market.js';
import { type MarketStep, type SimulatedExchange, type SimulatedExchangeOptions, type SimulatedProtocol, startSimulatedExchange } from './simulated-exchange.js';

export { scriptedMove } from './scripted-market.js';

/** Options of {@link startSimulatedBinance}; every one has a default. */
export type SimulatedBinanceOptions = SimulatedExchangeOptions;

/** A running simulated Binance. */
export type SimulatedBinance = SimulatedExchange;

/** The base asset of a Binance symbol (`BTCUSDT` -> `BTC`), for its scripted open. */
const baseOf = (symbol: string): string => /^(.+?)(USDT|USDC|FDUSD|BUSD|TUSD|USD|EUR|TRY|BTC|ETH|BNB)$/.exec(symbol)?.[1] ?? symbol;

/** Binance's 24hrTicker payload, numbers as strings as Binance sends them. */
function tickerPayload(symbol: string, price: number, open: number, ts: number): string {
  const p = (n: number) => n.toFixed(open >= 1 ? 2 : 6);
  return JSON.stringify({
    e: '24hrTicker', E: ts, s: symbol, p: p(price - open), P: ((100 * (price - open)) / open).toFixed(3), w: p(price), x: p(open),
    c: p(price), Q: '0.01', b: p(price), B: '1', a: p(price), A: '1', o: p(open), h: p(Math.max(price, open)), l: p(Math.min(price, open)),
    v: '1000', q: p(price * 1000), O: ts - 86_400_000, C: ts, F: 0, L: 1, n: 1,
  });
}

interface BinanceSocket {
  readonly combined: boolean;
  readonly streams: Set<string>;
}

/** Binance Spot market streams: `/stream?streams=a/b` (combined) or `/ws/<stream>` (raw), and `SUBSCRIBE`/`UNSUBSCRIBE`. */
const binanceProtocol: SimulatedProtocol<BinanceSocket> = {
  opened(url) {
    const combined = url.pathname.replace(/\/$/, '') === '/stream';
    const names = combined ? (url.searchParams.get('streams') ?? '').split('/').filter(Boolean) : url.pathname.startsWith('/ws/') ? [url.pathname.slice(4)] : [];
    return { combined, streams: new Set(names) };
  },
  answer(text, state) {
    let request: { method?: unknown; params?: unknown; id?: unknown };
    try {
      request = JSON.parse(text) as typeof request;
    } catch {
      return ['{"code":3,"msg":"Invalid JSON"}'];
    }
    if (Array.isArray(request.params)) {
      if (request.method === 'SUBSCRIBE') for (const name of request.params) state.streams.add(String(name));
      if (request.method === 'UNSUBSCRIBE') for (const name of request.params) state.streams.delete(String(name));
    }
    return [JSON.stringify({ result: null, id: request.id ?? null })];
  },
  frames(state, step: MarketStep) {
    const frames: string[] = [];
    for (const stream of state.streams) {
      if (!stream.endsWith('@ticker')) continue;
      const symbol = stream.slice(0, -'@ticker'.length).toUpperCase();
      const open = scriptedOpen(baseOf(symbol));
      const payload = tickerPayload(symbol, open * (1 + step.move), open, step.ts);
      frames.push(state.combined ? `{"stream":"${stream}","data":${payload}}` : payload);
    }
    return frames;
  },
  describe: (state) => [...state.streams].join(', ') || '(no stream yet)',
};

/**
 * A loopback Binance Spot market-stream server playing a scripted, volatile
 * market ({@link scriptedMove}): the real protocol (`/stream?streams=btcusdt@ticker/...`
 * combined and `/ws/<stream>` raw, `SUBSCRIBE` answered with `{"result":null,"id":…}`),
 * so the service runs against it unchanged. For trying the service without
 * exchange access: `npm run fake-exchange -- --port 8765`.
 *
 * @example
 * const market = await startSimulatedBinance({ port: 0 });
 * // config: exchanges.binance.url = market.url
 * await market.close();
 */
export function startSimulatedBinance(options: SimulatedBinanceOptions = {}): Promise<SimulatedBinance> {
  return startSimulatedExchange(binanceProtocol, options);
}
