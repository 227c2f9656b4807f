import { expect } from 'chai';
import { firstValueFrom, take, toArray } from 'rxjs';
import WebSocket from 'ws';
import * as E from 'fp-ts/lib/Either.js';
import { binanceTicks } from '../../src/connectors/binance.js';
import { coinbaseTicks } from '../../src/connectors/coinbase.js';
import { decodeConfig } from '../../src/config/decode-config.js';
import type { Config } from '../../src/domain/config-types.js';
import { startSimulatedBinance } from '../../src/demo/simulated-binance.js';
import { startSimulatedCoinbase } from '../../src/demo/simulated-coinbase.js';
import type { SimulatedExchange } from '../../src/demo/simulated-exchange.js';
import { finished, runCli, startCli, waitForOutput } from '../helpers/run-cli.js';

function decodeConfigOrThrow(value: Record<string, unknown>): Config {
  const decoded = decodeConfig(value, { env: {} });
  if (E.isLeft(decoded)) throw new Error(JSON.stringify(decoded.left));
  return decoded.right;
}

/** The frames a raw client receives after sending `messages`, until `count` frames came. */
async function framesAfter(url: string, messages: readonly object[], count: number): Promise<Record<string, unknown>[]> {
  const ws = new WebSocket(url);
  const frames: Record<string, unknown>[] = [];
  await new Promise<void>((resolve, reject) => {
    ws.on('open', () => messages.forEach((m) => ws.send(JSON.stringify(m))));
    ws.on('message', (data) => frames.push(JSON.parse(data.toString()) as Record<string, unknown>) >= count && resolve());
    ws.on('error', reject);
  });
  ws.terminate();
  return frames;
}

describe('the simulated Coinbase (npm run fake-exchange -- --exchange coinbase)', function () {
  this.timeout(30_000);
  const markets: SimulatedExchange[] = [];
  afterEach(async () => {
    await Promise.all(markets.splice(0).map((m) => m.close()));
  });

  it('speaks Coinbase: the real connector reads its tickers, with the exchange 24 h open', async () => {
    const market = await startSimulatedCoinbase({ port: 0, tickEveryMs: 20 });
    markets.push(market);
    const config = decodeConfigOrThrow({ exchanges: { coinbase: { symbols: ['BTC/USD', 'ETH/USD'], url: market.url } } });
    const ticks = await firstValueFrom(coinbaseTicks(config.exchanges['coinbase']!).pipe(take(4), toArray()));
    expect(new Set(ticks.map((t) => t.symbol))).to.deep.equal(new Set(['BTC/USD', 'ETH/USD']));
    for (const tick of ticks) expect(tick.exchange).to.equal('coinbase');
    expect(ticks.find((t) => t.symbol === 'BTC/USD')!.open24h).to.equal(64_000);
  });

  it('answers subscribe and unsubscribe with the subscriptions left, and beats once a second per product', async () => {
    const market = await startSimulatedCoinbase({ port: 0, tickEveryMs: 20 });
    markets.push(market);
    const frames = await framesAfter(market.url, [
      { type: 'subscribe', channels: [{ name: 'ticker', product_ids: ['BTC-USD', 'ETH-USD'] }, { name: 'heartbeat', product_ids: ['BTC-USD'] }] },
      { type: 'unsubscribe', channels: [{ name: 'ticker', product_ids: ['ETH-USD'] }] },
    ], 30);
    expect(frames[0]).to.deep.equal({ type: 'subscriptions', channels: [{ name: 'ticker', product_ids: ['BTC-USD', 'ETH-USD'] }, { name: 'heartbeat', product_ids: ['BTC-USD'] }] });
    expect(frames[1]).to.deep.equal({ type: 'subscriptions', channels: [{ name: 'ticker', product_ids: ['BTC-USD'] }, { name: 'heartbeat', product_ids: ['BTC-USD'] }] });
    const pushed = frames.slice(2);
    expect(new Set(pushed.filter((f) => f['type'] === 'ticker').map((f) => f['product_id']))).to.deep.equal(new Set(['BTC-USD']));
    // One heartbeat per second of pushes (the first push beats), not one per push.
    const times = pushed.map((f) => Date.parse(String(f['time'])));
    const seconds = Math.floor((Math.max(...times) - Math.min(...times)) / 1000);
    const beats = pushed.filter((f) => f['type'] === 'heartbeat');
    expect(beats.length).to.be.within(1, 1 + seconds);
    expect(beats.length).to.be.lessThan(pushed.length / 5);
    expect(beats[0]).to.include({ product_id: 'BTC-USD' });
  });

  it('trails the script by lagMs: in the rally its BTC is below the unlagged Binance by more than 1 %', async () => {
    let t = 1_000_000;
    const now = () => t;
    const binance = await startSimulatedBinance({ port: 0, tickEveryMs: 20, now });
    const coinbase = await startSimulatedCoinbase({ port: 0, tickEveryMs: 20, now, lagMs: 3000 });
    markets.push(binance, coinbase);
    t += 12_000; // 20 % into the one-minute cycle: the rally
    const config = decodeConfigOrThrow({
      exchanges: { binance: { symbols: ['BTC/USDT'], url: binance.url }, coinbase: { symbols: ['BTC/USD'], url: coinbase.url } },
    });
    const [b] = await firstValueFrom(binanceTicks(config.exchanges['binance']!).pipe(take(1), toArray()));
    const [c] = await firstValueFrom(coinbaseTicks(config.exchanges['coinbase']!).pipe(take(1), toArray()));
    const spread = (b!.price - c!.price) / c!.price;
    expect(spread).to.be.within(0.015, 0.03);
  });

  it('runs from the CLI with --exchange coinbase and stops on SIGINT; refuses an exchange it cannot simulate', async () => {
    const child = startCli(['--fake-exchange', '--exchange', 'coinbase', '--port', '0']);
    const done = finished(child);
    const line = await waitForOutput(child, /simulated Coinbase on ws:\/\/127\.0\.0\.1:\d+/);
    expect(line).to.match(/\[INFO\] fake-exchange: simulated Coinbase on ws:\/\/127\.0\.0\.1:[1-9]\d*: put "url: ws:\/\/127\.0\.0\.1:\d+" under exchanges\.coinbase/);
    child.kill('SIGINT');
    expect((await done).code).to.equal(0);

    const refused = await runCli(['--fake-exchange', '--exchange', 'kraken']);
    expect(refused.code).to.equal(2);
    expect(refused.stderr).to.include('--exchange: expected one of binance, coinbase, got "kraken"');
  });
});
