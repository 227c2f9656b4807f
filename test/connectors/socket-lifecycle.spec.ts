import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { binanceTicks } from '../../src/connectors/binance.js';
import { coinbaseTicks } from '../../src/connectors/coinbase.js';
import { krakenTicks } from '../../src/connectors/kraken.js';
import { FakeBinanceServer } from '../helpers/fake-binance-server.js';
import { FakeCoinbaseServer } from '../helpers/fake-coinbase-server.js';
import { FakeExchangeServer, waitUntil } from '../helpers/fake-exchange-server.js';
import { FakeKrakenServer } from '../helpers/fake-kraken-server.js';
import { runFeed, testConfig } from './feed-harness.js';

/** Sockets and timers of this process, by kind. */
function handles(): { sockets: number; timers: number } {
  const info = process.getActiveResourcesInfo();
  return { sockets: info.filter((kind) => kind === 'TCPSocketWrap').length, timers: info.filter((kind) => kind === 'Timeout').length };
}

describe('connector lifecycle on loopback sockets', () => {
  describe('binance', () => {
    let server: FakeBinanceServer;
    beforeEach(async () => (server = await FakeBinanceServer.start()));
    afterEach(() => server.close());

    it('reconnects after a hard disconnect and discloses the blind interval', async () => {
      const feed = runFeed((options) => binanceTicks(testConfig(server.url, ['BTC/USDT']), { ...options, limits: { minConnectIntervalMs: 0 } }));
      try {
        await waitUntil(() => server.openConnections === 1, 'the connection');
        server.pushTicker('BTC/USDT', 100, { ts: 1_000_000 });
        await waitUntil(() => feed.ticks.length === 1, 'the first tick');
        server.kill();
        await waitUntil(() => server.connectionAttempts === 2 && server.openConnections === 1, 'the reconnection');
        server.pushTicker('BTC/USDT', 101, { ts: 1_042_000 });
        await waitUntil(() => feed.ticks.length === 2, 'the tick after the reconnect');
        expect(feed.ticks[1]).to.include({ price: 101, ts: 1_042_000, blindFrom: 1_000_000 });
        expect(feed.events.filter((e) => e.type === 'gap')).to.deep.equal([{ type: 'gap', gap: { exchange: 'binance', from: 1_000_000, to: 1_042_000 } }]);
        expect(feed.logLines.some((line) => line.includes('[WARN] test.binance: blind for 42 s'))).to.equal(true);
        expect(feed.states()).to.deep.equal(['connecting', 'live', 'backoff', 'connecting', 'live']);
        expect(feed.statuses().at(-1)?.reconnects).to.equal(1);
        expect(feed.logLines.filter((line) => line.includes('[ERROR] test.binance: connection closed (code 1006)'))).to.have.length(1);
      } finally {
        feed.subscription.unsubscribe();
      }
    });

    it('backs off from a refusing server, doubling with jitter up to the cap, and connects once it accepts', async () => {
      server.refuse = true;
      const cfg = testConfig(server.url, ['BTC/USDT'], { reconnect_delay: 0.02, reconnect_max_delay: 0.08 });
      const feed = runFeed((options) => binanceTicks(cfg, { ...options, limits: { minConnectIntervalMs: 0 } }));
      try {
        await waitUntil(() => server.connectionAttempts >= 6, 'six attempts');
        server.refuse = false;
        await waitUntil(() => server.openConnections === 1, 'the connection');
        const delays = feed.logLines.flatMap((line) => /reconnecting in ([\d.]+) s/.exec(line)?.[1] ?? []).map(Number);
        // random() = 0.5: 3/4 of the nominal 20, 40, 80, 80, 80 ms
        expect(delays.slice(0, 5)).to.deep.equal([0.015, 0.03, 0.06, 0.06, 0.06]);
        expect(feed.logLines.some((line) => line.includes('[ERROR] test.binance: Unexpected server response: 503'))).to.equal(true);
        server.pushTicker('BTC/USDT', 100);
        await waitUntil(() => feed.ticks.length === 1, 'a tick');
      } finally {
        feed.subscription.unsubscribe();
      }
    });

    it('hands over at the (shortened) connection lifetime without missing or repeating a tick', async () => {
      const feed = runFeed((options) => binanceTicks(testConfig(server.url, ['BTC/USDT']), {
        ...options, limits: { minConnectIntervalMs: 0, connectionLifetimeMs: 150 },
      }));
      const pushed: number[] = [];
      let ts = 1_000_000;
      const pusher = setInterval(() => {
        if (server.openConnections === 0) return;
        ts += 1000;
        pushed.push(ts);
        server.pushTicker('BTC/USDT', 100 + pushed.length, { ts });
      }, 10);
      try {
        await waitUntil(() => server.connectionAttempts >= 4, 'three handovers');
        await waitUntil(() => server.openConnections === 1 && feed.ticks.length === pushed.length, 'the last handover to finish');
        clearInterval(pusher);
        await new Promise((resolve) => setTimeout(resolve, 20));
        expect(feed.ticks.map((t) => t.ts)).to.deep.equal(pushed);
        expect(feed.ticks.every((t) => t.blindFrom === undefined)).to.equal(true);
        expect(feed.events.filter((e) => e.type === 'gap')).to.deep.equal([]);
        expect(feed.states()).to.deep.equal(['connecting', 'live']);
      } finally {
        clearInterval(pusher);
        feed.subscription.unsubscribe();
      }
    });

    it('on serverShutdown, opens the new connection before closing the old one', async () => {
      const feed = runFeed((options) => binanceTicks(testConfig(server.url, ['BTC/USDT']), { ...options, limits: { minConnectIntervalMs: 0 } }));
      try {
        await waitUntil(() => server.openConnections === 1, 'the connection');
        server.serverShutdown();
        await waitUntil(() => server.openConnections === 2, 'the second connection beside the first');
        server.pushTicker('BTC/USDT', 100, { ts: 1_000_000 });
        await waitUntil(() => server.openConnections === 1, 'the old connection to close');
        server.pushTicker('BTC/USDT', 101, { ts: 1_001_000 });
        await waitUntil(() => feed.ticks.length === 2, 'two ticks');
        expect(feed.ticks.map((t) => [t.price, t.blindFrom])).to.deep.equal([[100, undefined], [101, undefined]]);
        expect(server.connectionAttempts).to.equal(2);
      } finally {
        feed.subscription.unsubscribe();
      }
    });

    it('splits more than 1024 streams over connections, spaced by the connection-rate limit', async () => {
      const symbols = Array.from({ length: 1030 }, (_, i) => `C${i}/USDT`);
      const feed = runFeed((options) => binanceTicks(testConfig(server.url, symbols), options));
      try {
        await waitUntil(() => server.openConnections === 2, 'two connections');
        expect(server.streamsOf(0)).to.have.length(1024);
        expect(server.streamsOf(1)).to.deep.equal(symbols.slice(1024).map((s) => `${s.replace('/', '').toLowerCase()}@ticker`));
        server.pushTicker('C0/USDT', 1);
        server.pushTicker('C1029/USDT', 2);
        await waitUntil(() => feed.ticks.length === 2, 'a tick from each connection');
        expect(feed.ticks.map((t) => t.symbol).sort()).to.deep.equal(['C0/USDT', 'C1029/USDT']);
        expect(server.rateViolations).to.equal(0);
      } finally {
        feed.subscription.unsubscribe();
      }
    });

    it("answers the server's pings within the 5 messages/s limit; they prove the transport, not the data path", async () => {
      await server.close();
      server = await FakeBinanceServer.start({ pingEveryMs: 400 });
      server.silent = true; // no data and no pongs to the client's pings: only the server's pings show the socket works
      const cfg = testConfig(server.url, ['BTC/USDT'], { stale_after_ms: 1500 });
      const feed = runFeed((options) => binanceTicks(cfg, { ...options, limits: { minConnectIntervalMs: 0 } }));
      try {
        await waitUntil(() => server.pongsReceived >= 3, 'three pongs (1.2 s): the transport watchdog stays quiet');
        expect(server.connectionAttempts).to.equal(1);
        await waitUntil(() => server.connectionAttempts === 2, 'the reconnect after stale_after_ms without a ticker');
        expect(feed.logLines.some((line) => line.includes('[WARN] test.binance: no market data for 1500 ms: stale, reconnecting'))).to.equal(true);
        expect(server.rateViolations).to.equal(0);
        expect(feed.states()).not.to.include('live');
      } finally {
        feed.subscription.unsubscribe();
      }
    });

    it('unsubscribing closes every socket and leaves no timer', async () => {
      await new Promise((resolve) => setImmediate(resolve)); // mocha arms its own test timer once the test has started
      const before = handles();
      const feed = runFeed((options) => binanceTicks(testConfig(server.url, ['A/USDT', 'B/USDT', 'C/USDT']), {
        ...options, limits: { maxSymbolsPerConnection: 2, minConnectIntervalMs: 0 },
      }));
      await waitUntil(() => server.openConnections === 2, 'two connections');
      server.pushTicker('A/USDT', 1);
      await waitUntil(() => feed.ticks.length === 1, 'a tick');
      feed.subscription.unsubscribe();
      await waitUntil(() => server.openConnections === 0, 'the server to see every socket closed');
      await waitUntil(() => handles().sockets <= before.sockets && handles().timers <= before.timers, 'sockets and timers to be released');
      expect(feed.states().at(-1)).to.equal('stopped');
    });

    it('a process that unsubscribes exits by itself', async function () {
      this.timeout(20_000);
      const script = fileURLToPath(new URL('./fixtures/tick-then-unsubscribe.ts', import.meta.url));
      const child = spawn(process.execPath, ['--import', 'tsx', script, server.url], { stdio: ['ignore', 'pipe', 'inherit'] });
      let output = '';
      child.stdout.on('data', (chunk) => (output += String(chunk)));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      try {
        await waitUntil(() => server.openConnections === 1, 'the child to connect', 15_000);
        server.pushTicker('BTC/USDT', 100);
        const deadline = setTimeout(() => child.kill(), 10_000);
        const code = await exited;
        clearTimeout(deadline);
        expect(output).to.equal('tick BTC/USDT 100\nunsubscribed\n');
        expect(code, 'the child should exit by itself with code 0, not be killed').to.equal(0);
      } finally {
        child.kill();
      }
    });
  });

  describe('coinbase', () => {
    let server: FakeCoinbaseServer;
    beforeEach(async () => (server = await FakeCoinbaseServer.start({ heartbeatEveryMs: 20 })));
    afterEach(() => server.close());

    it('restarts a socket that goes silent (no data, no heartbeat, no pong), after a WARN', async () => {
      const cfg = testConfig(server.url, ['BTC/USD'], { stale_after_ms: 200 });
      const feed = runFeed((options) => coinbaseTicks(cfg, { ...options, limits: { minConnectIntervalMs: 0 } }));
      try {
        await waitUntil(() => server.subscribed('heartbeat').length === 1, 'the subscription');
        expect(server.connectionAttempts).to.equal(1);
        server.silent = true;
        await waitUntil(() => server.connectionAttempts === 2, 'the watchdog reconnect');
        expect(server.pingsReceived).to.be.greaterThan(0); // the client pinged; the silent server did not answer
        expect(feed.logLines.some((line) => /\[WARN\] test\.coinbase: no (message|market data or heartbeat) for 200 ms: stale, reconnecting/.test(line))).to.equal(true);
        expect(feed.states()).to.include.members(['stale', 'backoff']);
        server.silent = false;
        server.kill(); // the silent connection got no subscribe reply; start over cleanly
        await waitUntil(() => server.subscribed('ticker').length === 1, 'the new subscription');
        server.pushTicker('BTC/USD', 65_000);
        await waitUntil(() => feed.ticks.length === 1, 'a tick');
      } finally {
        feed.subscription.unsubscribe();
      }
    });

    it('restarts a connection whose data stopped while it still answers every ping (a stalled feed behind a healthy socket)', async () => {
      const cfg = testConfig(server.url, ['BTC/USD'], { stale_after_ms: 300 });
      const feed = runFeed((options) => coinbaseTicks(cfg, { ...options, limits: { minConnectIntervalMs: 0 } }));
      try {
        await waitUntil(() => feed.states().includes('live'), 'live on the heartbeat channel');
        server.stalled = true; // pongs and acks go on; ticker and heartbeat stop
        const pingsBefore = server.pingsReceived;
        await waitUntil(() => server.connectionAttempts === 2, 'the reconnect');
        expect(server.pingsReceived).to.be.greaterThan(pingsBefore); // pinged and answered all along
        expect(feed.logLines.filter((line) => line.includes('[WARN] test.coinbase: no market data or heartbeat for 300 ms: stale, reconnecting')))
          .to.have.length(1);
        expect(feed.states().slice(0, 4)).to.deep.equal(['connecting', 'live', 'stale', 'backoff']);
        server.stalled = false;
        await waitUntil(() => feed.states().at(-1) === 'live', 'live again once heartbeats flow');
      } finally {
        feed.subscription.unsubscribe();
      }
    });

    it('never restarts a connection of quiet symbols while the heartbeat channel is alive', async () => {
      const cfg = testConfig(server.url, ['BTC/USD', 'ETH/USD'], { stale_after_ms: 150 });
      const feed = runFeed((options) => coinbaseTicks(cfg, { ...options, limits: { minConnectIntervalMs: 0 } }));
      try {
        await waitUntil(() => feed.states().includes('live'), 'live on the heartbeat channel');
        const heartbeatsFor = Date.now() + 1200; // eight times stale_after_ms without a single ticker
        await waitUntil(() => Date.now() >= heartbeatsFor, 'a quiet spell', 3000);
        expect(server.connectionAttempts).to.equal(1);
        expect(feed.ticks).to.deep.equal([]);
        expect(feed.states()).to.deep.equal(['connecting', 'live']);
      } finally {
        feed.subscription.unsubscribe();
      }
    });
  });

  describe('kraken', () => {
    let server: FakeKrakenServer;
    beforeEach(async () => (server = await FakeKrakenServer.start()));
    afterEach(() => server.close());

    it('keeps a quiet connection alive: pings answered by pongs keep the transport, the heartbeat channel the data path', async () => {
      await server.close();
      server = await FakeKrakenServer.start({ heartbeatEveryMs: 50 });
      const cfg = testConfig(server.url, ['BTC/USD'], { stale_after_ms: 300 });
      const feed = runFeed((options) => krakenTicks(cfg, { ...options, limits: { minConnectIntervalMs: 0 } }));
      try {
        await waitUntil(() => server.received.filter((r) => r.text === '{"method":"ping"}').length >= 6, 'six pings');
        expect(server.connectionAttempts).to.equal(1);
        expect(feed.states()).to.deep.equal(['connecting', 'live']);
      } finally {
        feed.subscription.unsubscribe();
      }
    });

    it('restarts a connection that answers its pings with pongs but sends no ticker and no heartbeat', async () => {
      const cfg = testConfig(server.url, ['BTC/USD'], { stale_after_ms: 300 });
      const feed = runFeed((options) => krakenTicks(cfg, { ...options, limits: { minConnectIntervalMs: 0 } }));
      try {
        await waitUntil(() => server.connectionAttempts === 2, 'the reconnect');
        expect(server.received.filter((r) => r.text === '{"method":"ping"}').length).to.be.greaterThan(0);
        expect(feed.logLines.some((line) => line.includes('[WARN] test.kraken: no market data or heartbeat for 300 ms: stale, reconnecting'))).to.equal(true);
        expect(feed.states()).not.to.include('live'); // the status frame and the acks prove the socket only
      } finally {
        feed.subscription.unsubscribe();
      }
    });

    it('a Kraken v1 endpoint (every frame rejected) is degraded, not live', async () => {
      const v1 = await FakeExchangeServer.start();
      const cfg = testConfig(v1.url, ['BTC/USD'], { stale_after_ms: 300 });
      const feed = runFeed((options) => krakenTicks(cfg, { ...options, limits: { minConnectIntervalMs: 0 } }));
      const beat = setInterval(() => v1.push('{"event":"heartbeat"}'), 20); // v1's heartbeat: wrong_shape for v2
      try {
        await waitUntil(() => feed.states().includes('degraded'), 'degraded');
        const status = feed.statuses().find((s) => s.state === 'degraded');
        expect(status?.reason).to.match(/^all \d+ frames of the last 300 ms rejected \(last: wrong_shape, neither channel nor method\)$/);
        expect(feed.logLines.some((line) => /\[WARN\] test\.kraken: all \d+ frames .* degraded, reconnecting$/.test(line))).to.equal(true);
        expect(feed.states()).not.to.include('live');
      } finally {
        clearInterval(beat);
        feed.subscription.unsubscribe();
        await v1.close();
      }
    });
  });
});
