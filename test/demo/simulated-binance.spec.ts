import { expect } from 'chai';
import { firstValueFrom, take, takeWhile, tap, toArray } from 'rxjs';
import { binanceTicks } from '../../src/connectors/binance.js';
import { scriptedMove, startSimulatedBinance, type SimulatedBinance } from '../../src/demo/simulated-binance.js';
import * as E from 'fp-ts/lib/Either.js';
import { decodeConfig } from '../../src/config/decode-config.js';
import type { Config } from '../../src/domain/config-types.js';
import { createSupervisor } from '../../src/supervisor/create-supervisor.js';
import { finished, startCli, waitForOutput } from '../helpers/run-cli.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';

function decodeConfigOrThrow(value: Record<string, unknown>): Config {
  const decoded = decodeConfig(value, { env: {} });
  if (E.isLeft(decoded)) throw new Error(JSON.stringify(decoded.left));
  return decoded.right;
}

describe('the simulated Binance (npm run fake-exchange)', function () {
  this.timeout(60_000);
  let market: SimulatedBinance | undefined;
  let dir: TempDir;
  beforeEach(() => (dir = tempDir()));
  afterEach(async () => {
    await market?.close();
    market = undefined;
    dir.remove();
  });

  it('scripts a rally past +5 %, a fall below 0 and an outage in every cycle', () => {
    const steps = Array.from({ length: 100 }, (_, i) => scriptedMove(i / 100));
    expect(Math.max(...steps.map((s) => s.move))).to.be.greaterThan(0.065);
    expect(Math.min(...steps.map((s) => s.move))).to.be.lessThan(-0.005);
    expect(steps.filter((s) => !s.reachable).length).to.be.within(10, 30);
    expect(steps[0]!.reachable && steps.at(-1)!.reachable).to.equal(true);
  });

  it('speaks Binance: the real connector reads its tickers', async () => {
    market = await startSimulatedBinance({ port: 0, tickEveryMs: 20 });
    const config = decodeConfigOrThrow({ exchanges: { binance: { symbols: ['BTC/USDT', 'SOL/USDT'], url: market.url } } });
    const ticks = await firstValueFrom(binanceTicks(config.exchanges['binance']!).pipe(take(4), toArray()));
    expect(new Set(ticks.map((t) => t.symbol))).to.deep.equal(new Set(['BTC/USDT', 'SOL/USDT']));
    for (const tick of ticks) expect(tick.exchange).to.equal('binance');
    expect(ticks.find((t) => t.symbol === 'BTC/USDT')!.open24h).to.equal(64_000);
  });

  it('drives the whole service: a 24 h price alert, then feed_down and feed_recovered across its outage', async () => {
    market = await startSimulatedBinance({ port: 0, tickEveryMs: 25, cycleMs: 8000 });
    const config = decodeConfigOrThrow({
      exchanges: { binance: { symbols: ['BTC/USDT'], url: market.url, reconnect_delay: 0.2, reconnect_max_delay: 0.4 } },
      alerts: { feed_down_after_ms: 600 },
      state_dir: dir.path,
    });
    // Alerts in order until a feed_recovered that follows the rally (a slow first connect may add a pair before it).
    let rallied = false;
    const alerts = await firstValueFrom(createSupervisor(config).alerts$.pipe(
      tap((a) => (rallied ||= a.rule === 'pct_24h')),
      takeWhile((a) => !(rallied && a.rule === 'feed_recovered'), true),
      toArray(),
    ));
    const rally = alerts.findIndex((a) => a.rule === 'pct_24h');
    const rules = alerts.slice(rally).map((a) => a.rule);
    expect(alerts[rally]).to.include({ direction: 'up', symbol: 'BTC/USDT', level: 1 });
    expect(rules.indexOf('feed_down')).to.be.greaterThan(0);
    expect(rules.at(-1)).to.equal('feed_recovered');
  });

  it('runs from the CLI and stops cleanly on Ctrl-C (SIGINT)', async () => {
    const child = startCli(['--fake-exchange', '--port', '0']);
    const done = finished(child);
    const line = await waitForOutput(child, /simulated Binance on ws:\/\/127\.0\.0\.1:\d+/);
    expect(line).to.match(/\[INFO\] fake-exchange: simulated Binance on ws:\/\/127\.0\.0\.1:[1-9]\d*: put "url: /);
    child.kill('SIGINT');
    const run = await done;
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.include('received SIGINT, stopping');
  });
});
