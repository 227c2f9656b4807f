import { expect } from 'chai';
import { BehaviorSubject, map } from 'rxjs';
import { exchangeTicks } from '../../src/connectors/exchange-ticks.js';
import { exchangeConnectors } from '../../src/connectors/exchange-connectors.js';
import { liveMarketTicks } from '../../src/connectors/market-ticks.js';
import type { Config, ExchangeConfig } from '../../src/domain/config-types.js';
import type { ExchangeId } from '../../src/domain/exchange-id.js';
import { FakeBinanceServer } from '../helpers/fake-binance-server.js';
import { FakeBitstampServer } from '../helpers/fake-bitstamp-server.js';
import { FakeBybitServer } from '../helpers/fake-bybit-server.js';
import { FakeCoinbaseServer } from '../helpers/fake-coinbase-server.js';
import { FakeExchangeServer, waitUntil } from '../helpers/fake-exchange-server.js';
import { FakeKrakenServer } from '../helpers/fake-kraken-server.js';
import { FakeOkxServer } from '../helpers/fake-okx-server.js';
import { runFeed, testConfig } from './feed-harness.js';
import { tinyConnector } from './tiny-connector.js';

/** One loopback exchange as the tests below drive it. */
interface LiveCase {
  readonly id: ExchangeId;
  readonly start: () => Promise<FakeExchangeServer>;
  /** Does the server send `symbol` to some open connection now? */
  readonly carries: (server: FakeExchangeServer, symbol: string) => boolean;
  readonly push: (server: FakeExchangeServer, symbol: string, price: number) => void;
  readonly first: string;
  readonly second: string;
}

const CASES: readonly LiveCase[] = [
  {
    id: 'binance', start: () => FakeBinanceServer.start(), first: 'BTC/USDT', second: 'ETH/USDT',
    carries: (s, symbol) => (s as FakeBinanceServer).streamsOf(0).includes(`${symbol.replace('/', '').toLowerCase()}@ticker`),
    push: (s, symbol, price) => (s as FakeBinanceServer).pushTicker(symbol, price),
  },
  {
    id: 'coinbase', start: () => FakeCoinbaseServer.start(), first: 'BTC/USD', second: 'ETH/USD',
    carries: (s, symbol) => (s as FakeCoinbaseServer).subscribed('ticker').includes(symbol.replace('/', '-')),
    push: (s, symbol, price) => (s as FakeCoinbaseServer).pushTicker(symbol, price),
  },
  {
    id: 'kraken', start: () => FakeKrakenServer.start(), first: 'BTC/USD', second: 'ETH/USD',
    carries: (s, symbol) => (s as FakeKrakenServer).subscribedSymbols().includes(symbol),
    push: (s, symbol, price) => (s as FakeKrakenServer).pushTicker(symbol, price),
  },
  {
    id: 'okx', start: () => FakeOkxServer.start(), first: 'BTC/USDT', second: 'ETH/USDT',
    carries: (s, symbol) => (s as FakeOkxServer).subscribed().includes(symbol.replace('/', '-')),
    push: (s, symbol, price) => (s as FakeOkxServer).pushTicker(symbol, price),
  },
  {
    id: 'bybit', start: () => FakeBybitServer.start(), first: 'BTC/USDT', second: 'ETH/USDT',
    carries: (s, symbol) => (s as FakeBybitServer).subscribed().includes(symbol.replace('/', '')),
    push: (s, symbol, price) => (s as FakeBybitServer).pushTicker(symbol, price),
  },
  {
    id: 'bitstamp', start: () => FakeBitstampServer.start(), first: 'BTC/USD', second: 'ETH/USD',
    carries: (s, symbol) => (s as FakeBitstampServer).subscribed().includes(`live_trades_${symbol.replace('/', '').toLowerCase()}`),
    push: (s, symbol, price) => (s as FakeBitstampServer).pushTrade(symbol, price),
  },
];

describe('symbols changed on a live connection (config reload)', () => {
  for (const exchange of CASES) {
    describe(exchange.id, () => {
      let server: FakeExchangeServer;
      beforeEach(async () => (server = await exchange.start()));
      afterEach(() => server.close());

      it('subscribes an added symbol and unsubscribes a removed one on the open socket, never reconnecting', async () => {
        const { first, second } = exchange;
        const symbols$ = new BehaviorSubject<readonly string[]>([first]);
        const feed = runFeed((options) => exchangeTicks(exchange.id, testConfig(server.url, [first]), { ...options, symbols$ }));
        try {
          await waitUntil(() => exchange.carries(server, first), `${first} subscribed`);
          exchange.push(server, first, 100);
          await waitUntil(() => feed.ticks.length === 1, 'the first tick');

          symbols$.next([first, second]);
          await waitUntil(() => exchange.carries(server, second), `${second} subscribed on the open connection`);
          exchange.push(server, second, 200);
          await waitUntil(() => feed.ticks.some((tick) => tick.symbol === second), `a tick of ${second}`);

          symbols$.next([second]);
          await waitUntil(() => !exchange.carries(server, first), `${first} unsubscribed`);
          exchange.push(server, second, 201);
          await waitUntil(() => feed.ticks.some((tick) => tick.price === 201), 'a later tick of the kept symbol');

          expect(feed.ticks.map((tick) => `${tick.symbol} ${tick.price}`)).to.deep.equal([`${first} 100`, `${second} 200`, `${second} 201`]);
          expect(server.connectionAttempts, 'one connection throughout').to.equal(1);
          expect(feed.errors).to.deep.equal([]);
          expect(feed.logLines.some((line) => line.includes(`subscribing ${second} on the open connection`))).to.equal(true);
          expect(feed.logLines.some((line) => line.includes(`unsubscribing ${first} on the open connection`))).to.equal(true);
          const sent = server.received.map((frame) => frame.text).join('\n');
          expect(sent).to.include(exchangeConnectors[exchange.id].unsubscribeMessages!([first])[0]);
        } finally {
          feed.subscription.unsubscribe();
        }
      });
    });
  }

  it('drops the frames of a removed symbol that still arrive (the exchange has not processed the unsubscribe yet)', async () => {
    const server = await FakeKrakenServer.start();
    const symbols$ = new BehaviorSubject<readonly string[]>(['BTC/USD', 'ETH/USD']);
    const feed = runFeed((options) => exchangeTicks('kraken', testConfig(server.url, ['BTC/USD', 'ETH/USD']), { ...options, symbols$ }));
    try {
      await waitUntil(() => server.subscribedSymbols().length === 2, 'both subscribed');
      symbols$.next(['ETH/USD']);
      await waitUntil(() => server.subscribedSymbols().length === 1, 'BTC/USD unsubscribed');
      // As if sent before the server read the unsubscribe:
      server.push(server.tickerFrame('BTC/USD', 99));
      server.pushTicker('ETH/USD', 2000);
      await waitUntil(() => feed.ticks.length === 1, 'the kept symbol ticks');
      expect(feed.ticks.map((tick) => tick.symbol)).to.deep.equal(['ETH/USD']);
      expect(feed.events.filter((event) => event.type === 'rejected')).to.deep.equal([]);
    } finally {
      feed.subscription.unsubscribe();
      await server.close();
    }
  });

  it('a connector without unsubscribeMessages: the removed symbol\'s frames are dropped, the added one subscribed, the next connection asks for the current set', async () => {
    const server = await FakeExchangeServer.start();
    const symbols$ = new BehaviorSubject<readonly string[]>(['BTC/EUR']);
    const feed = runFeed((options) => exchangeTicks(tinyConnector, testConfig(server.url, ['BTC/EUR']), { ...options, symbols$ }));
    try {
      await waitUntil(() => server.received.length === 1, 'subscribed');
      symbols$.next(['ETH/EUR']);
      await waitUntil(() => server.received.length === 2, 'the added symbol subscribed');
      expect(server.received.map((frame) => frame.text)).to.deep.equal(['{"subscribe":["BTC/EUR"]}', '{"subscribe":["ETH/EUR"]}']);
      server.push('{"sym":"BTC/EUR","px":"1","t":1}');
      server.push('{"sym":"ETH/EUR","px":"2","t":2}');
      await waitUntil(() => feed.ticks.length === 1, 'the kept symbol ticks');
      expect(feed.ticks.map((tick) => tick.symbol)).to.deep.equal(['ETH/EUR']);
      expect(feed.logLines.some((line) => line.includes('dropping BTC/EUR on the open connection'))).to.equal(true);
      server.kill();
      await waitUntil(() => server.received.length === 3, 'subscribed again');
      expect(server.received[2]?.text).to.equal('{"subscribe":["ETH/EUR"]}');
    } finally {
      feed.subscription.unsubscribe();
      await server.close();
    }
  });

  it('a reconnect after a change subscribes the current set (Binance: in the URL)', async () => {
    const server = await FakeBinanceServer.start();
    const symbols$ = new BehaviorSubject<readonly string[]>(['BTC/USDT']);
    const feed = runFeed((options) => exchangeTicks('binance', testConfig(server.url, ['BTC/USDT']), { ...options, symbols$ }));
    try {
      await waitUntil(() => server.openConnections === 1, 'connected');
      symbols$.next(['ETH/USDT', 'SOL/USDT']);
      await waitUntil(() => server.streamsOf(0).length === 2 && !server.streamsOf(0).includes('btcusdt@ticker'), 'the new set');
      server.kill();
      await waitUntil(() => server.connectionAttempts === 2 && server.openConnections === 1, 'reconnected');
      expect(server.paths[1]).to.equal('/stream?streams=ethusdt@ticker/solusdt@ticker');
    } finally {
      feed.subscription.unsubscribe();
      await server.close();
    }
  });

  it('adds a connection when the open ones are full, and closes one whose symbols are all removed', async () => {
    const server = await FakeCoinbaseServer.start();
    const symbols$ = new BehaviorSubject<readonly string[]>(['BTC/USD']);
    const feed = runFeed((options) =>
      exchangeTicks('coinbase', testConfig(server.url, ['BTC/USD']), { ...options, symbols$, limits: { maxSymbolsPerConnection: 1, minConnectIntervalMs: 0 } }));
    try {
      await waitUntil(() => server.subscribed('ticker').length === 1, 'BTC-USD subscribed');
      symbols$.next(['BTC/USD', 'ETH/USD']);
      await waitUntil(() => server.openConnections === 2 && server.subscribed('ticker').length === 2, 'a second connection for ETH-USD');
      symbols$.next(['ETH/USD']);
      await waitUntil(() => server.openConnections === 1, 'the first connection closed');
      expect(server.subscribed('ticker')).to.deep.equal(['ETH-USD']);
      server.pushTicker('ETH/USD', 2000);
      await waitUntil(() => feed.ticks.length === 1, 'ETH/USD ticks');
      expect(feed.statuses().at(-1)?.state).to.equal('live');
    } finally {
      feed.subscription.unsubscribe();
      await server.close();
    }
  });
});

describe('liveMarketTicks', () => {
  let binance: FakeBinanceServer;
  let coinbase: FakeCoinbaseServer;
  beforeEach(async () => {
    [binance, coinbase] = await Promise.all([FakeBinanceServer.start(), FakeCoinbaseServer.start()]);
  });
  afterEach(() => Promise.all([binance.close(), coinbase.close()]));

  const exchangesOf = (binanceCfg: ExchangeConfig, coinbaseCfg: ExchangeConfig): Config['exchanges'] => ({ binance: binanceCfg, coinbase: coinbaseCfg });

  it('opens and closes only the exchange a config change enables or disables; the other keeps its socket', async () => {
    const config$ = new BehaviorSubject(exchangesOf(testConfig(binance.url, ['BTC/USDT']), testConfig(coinbase.url, ['BTC/USD'], { enabled: false })));
    const feed = runFeed((options) => liveMarketTicks(config$.pipe(map((exchanges) => exchanges)), options));
    try {
      await waitUntil(() => binance.openConnections === 1, 'binance connected');
      config$.next(exchangesOf(testConfig(binance.url, ['BTC/USDT']), testConfig(coinbase.url, ['BTC/USD'])));
      await waitUntil(() => coinbase.subscribed('ticker').length === 1, 'coinbase enabled');
      config$.next(exchangesOf(testConfig(binance.url, ['BTC/USDT']), testConfig(coinbase.url, ['BTC/USD'], { enabled: false })));
      await waitUntil(() => coinbase.openConnections === 0, 'coinbase disabled');
      binance.pushTicker('BTC/USDT', 65_000);
      await waitUntil(() => feed.ticks.length === 1, 'binance still ticks');
      expect(binance.connectionAttempts).to.equal(1);
      expect(feed.statuses().filter((s) => s.exchange === 'coinbase').at(-1)?.state).to.equal('stopped');
    } finally {
      feed.subscription.unsubscribe();
    }
  });

  it('reconnects an exchange whose url changed', async () => {
    const other = await FakeBinanceServer.start();
    const config$ = new BehaviorSubject(exchangesOf(testConfig(binance.url, ['BTC/USDT']), testConfig(coinbase.url, ['BTC/USD'])));
    const feed = runFeed((options) => liveMarketTicks(config$, options));
    try {
      await waitUntil(() => binance.openConnections === 1 && coinbase.openConnections === 1, 'both connected');
      config$.next(exchangesOf(testConfig(other.url, ['BTC/USDT']), testConfig(coinbase.url, ['BTC/USD'])));
      await waitUntil(() => other.openConnections === 1 && binance.openConnections === 0, 'moved to the other server');
      expect(coinbase.connectionAttempts).to.equal(1);
    } finally {
      feed.subscription.unsubscribe();
      await other.close();
    }
  });
});
