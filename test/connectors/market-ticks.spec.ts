import { expect } from 'chai';
import { exchangeTicks } from '../../src/connectors/exchange-ticks.js';
import { marketTicks } from '../../src/connectors/market-ticks.js';
import { symbolIssues } from '../../src/connectors/symbol-issues.js';
import { FakeBinanceServer } from '../helpers/fake-binance-server.js';
import { FakeCoinbaseServer } from '../helpers/fake-coinbase-server.js';
import { FakeExchangeServer, waitUntil } from '../helpers/fake-exchange-server.js';
import { FakeKrakenServer } from '../helpers/fake-kraken-server.js';
import { runFeed, testConfig } from './feed-harness.js';
import { tinyConnector } from './tiny-connector.js';

describe('marketTicks', () => {
  let binance: FakeBinanceServer;
  let coinbase: FakeCoinbaseServer;
  let kraken: FakeKrakenServer;
  beforeEach(async () => {
    [binance, coinbase, kraken] = await Promise.all([FakeBinanceServer.start(), FakeCoinbaseServer.start(), FakeKrakenServer.start()]);
  });
  afterEach(() => Promise.all([binance.close(), coinbase.close(), kraken.close()]));

  it('merges the ticks of every enabled exchange and leaves disabled ones unconnected', async () => {
    const feed = runFeed((options) => marketTicks({
      binance: testConfig(binance.url, ['BTC/USDT']),
      coinbase: testConfig(coinbase.url, ['BTC/USD']),
      kraken: testConfig(kraken.url, ['BTC/USD'], { enabled: false }),
    }, options));
    try {
      await waitUntil(() => binance.openConnections === 1 && coinbase.subscribed('ticker').length === 1, 'both feeds');
      binance.pushTicker('BTC/USDT', 65_000);
      coinbase.pushTicker('BTC/USD', 65_010);
      await waitUntil(() => feed.ticks.length === 2, 'a tick from each');
      expect(feed.ticks.map((t) => `${t.exchange} ${t.symbol} ${t.price}`).sort()).to.deep.equal([
        'binance BTC/USDT 65000', 'coinbase BTC/USD 65010',
      ]);
      expect(kraken.connectionAttempts).to.equal(0);
      expect(new Set(feed.statuses().map((s) => s.exchange))).to.deep.equal(new Set(['binance', 'coinbase']));
    } finally {
      feed.subscription.unsubscribe();
    }
    expect(feed.statuses().filter((s) => s.state === 'stopped').map((s) => s.exchange).sort()).to.deep.equal(['binance', 'coinbase']);
  });
});

describe('exchangeTicks', () => {
  let server: FakeExchangeServer;
  beforeEach(async () => (server = await FakeExchangeServer.start()));
  afterEach(() => server.close());

  it('runs a third-party connector object through the shared lifecycle', async () => {
    const feed = runFeed((options) => exchangeTicks(tinyConnector, testConfig(server.url, ['BTC/EUR']), options));
    try {
      await waitUntil(() => server.received.length === 1, 'the subscribe message');
      expect(server.received[0]?.text).to.equal('{"subscribe":["BTC/EUR"]}');
      server.push('{"sym":"BTC/EUR","px":"60000.5","t":1700000000000}');
      server.push('oops');
      await waitUntil(() => feed.ticks.length === 1 && feed.events.some((e) => e.type === 'rejected'), 'a tick and a rejection');
      expect(feed.ticks[0]).to.deep.include({ exchange: 'tiny', symbol: 'BTC/EUR', price: 60000.5, ts: 1700000000000 });
      server.kill();
      await waitUntil(() => server.connectionAttempts === 2 && server.openConnections === 1, 'the reconnection');
    } finally {
      feed.subscription.unsubscribe();
    }
  });

  it('finds the shipped connector by exchange id', async () => {
    const feed = runFeed((options) => exchangeTicks('kraken', testConfig(server.url, ['BTC/USD']), options));
    try {
      await waitUntil(() => server.received.length === 1, 'the subscribe message');
      expect(server.received[0]?.text).to.equal('{"method":"subscribe","params":{"channel":"ticker","symbol":["BTC/USD"]}}');
    } finally {
      feed.subscription.unsubscribe();
    }
  });
});

describe('symbolIssues', () => {
  it('names each configured symbol an exchange cannot carry by its config path', () => {
    const cfg = testConfig('ws://127.0.0.1:1', ['BTC/USDT', 'Eth/USDT']);
    expect(symbolIssues({ binance: cfg, kraken: testConfig('ws://127.0.0.1:1', ['AAPLx/USD']) })).to.deep.equal([
      { path: 'exchanges.binance.symbols[1]', message: '"Eth/USDT" is not a canonical BASE/QUOTE symbol; binance symbols are upper case: write ETH/USDT' },
    ]);
  });

  it('finds nothing wrong with canonical symbols on every exchange', () => {
    const cfg = testConfig('ws://127.0.0.1:1', ['BTC/USDT', 'ETH/BTC', 'SOL/EUR']);
    expect(symbolIssues({ binance: cfg, coinbase: cfg, kraken: cfg })).to.deep.equal([]);
  });
});
