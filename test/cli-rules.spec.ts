import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { FakeBinanceServer } from './helpers/fake-binance-server.js';
import { waitUntil } from './helpers/fake-exchange-server.js';
import { finished, runCli, startCli, waitForOutput } from './helpers/run-cli.js';
import { tempDir, type TempDir } from './helpers/temp-dir.js';

const journal = (dir: TempDir) =>
  readFileSync(join(dir.path, 'state', 'alerts.jsonl'), 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line));

describe('cli: per-symbol thresholds and price levels', function () {
  this.timeout(30000);
  let dir: TempDir;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.remove());

  const config = (url: string) => `exchanges:
  binance:
    url: ${url}
    symbols:
      - BTC/USDT
      - symbol: DOGE/USDT
        pct_24h: 0.15
        pct_short: 0.5
        above: [0.5, 1.0]
alerts:
  thresholds: { pct_24h: 0.05 }
state_dir: ${join(dir.path, 'state')}
`;

  it("holds back a move under the symbol's own threshold that the global one would alert, and alerts a level crossing once (log and journal)", async () => {
    const binance = await FakeBinanceServer.start();
    try {
      const child = startCli(['--config', dir.write('c.yaml', config(binance.url))]);
      const done = finished(child);
      await waitUntil(() => binance.openConnections === 1, 'connected', 10000);
      const ts = Date.now();
      // DOGE +12.5 % in 24 h: over the global 5 %, under its own 15 %. BTC +6 %: over the global 5 %.
      binance.pushTicker('DOGE/USDT', 0.45, { ts, open24h: 0.4 });
      binance.pushTicker('BTC/USDT', 106, { ts, open24h: 100 });
      await waitForOutput(child, /supervisor\.alerts: BTC\/USDT \+6\.00% in 24h on binance, threshold 5%/);
      // DOGE up through 0.5 (+6.25 % on the day), back under it within the 0.5 % hysteresis, up again: one alert.
      binance.pushTicker('DOGE/USDT', 0.51, { ts: ts + 1000, open24h: 0.48 });
      binance.pushTicker('DOGE/USDT', 0.499, { ts: ts + 2000, open24h: 0.48 });
      binance.pushTicker('DOGE/USDT', 0.505, { ts: ts + 3000, open24h: 0.48 });
      // A BTC escalation after the DOGE ticks on the same connection: once it is logged, they were all seen.
      binance.pushTicker('BTC/USDT', 111, { ts: ts + 4000, open24h: 100 });
      await waitForOutput(child, /BTC\/USDT \+11\.00% in 24h on binance \(level 2\), threshold 5%/);
      child.kill('SIGTERM');
      const run = await done;
      expect(run.code, run.stdout + run.stderr).to.equal(0);

      const entries = journal(dir);
      const doge = entries.filter((e) => e.symbol === 'DOGE/USDT');
      expect(doge.map((e) => [e.kind, e.rule, e.direction, e.level, e.threshold, e.price])).to.deep.equal([['price', 'level_above', 'up', 1, 0.5, 0.51]]);
      const btcDay = entries.filter((e) => e.symbol === 'BTC/USDT' && e.rule === 'pct_24h');
      expect(btcDay.map((e) => [e.level, e.threshold])).to.deep.equal([[1, 0.05], [2, 0.05]]);

      const alertLines = run.stdout.split('\n').filter((l) => l.includes('supervisor.alerts: DOGE/USDT'));
      expect(alertLines).to.have.length(1);
      expect(alertLines[0]).to.match(/\[INFO\] supervisor\.alerts: DOGE\/USDT rose through 0\.5 on binance \(price 0\.51, reference 0\.50/);
    } finally {
      await binance.close();
    }
  });

  it('--check counts the symbols with their own rules', async () => {
    const run = await runCli(['--check', '--config', dir.write('c.yaml', config('ws://127.0.0.1:1'))]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.include('binance (BTC/USDT, DOGE/USDT)');
    expect(run.stdout).to.include('; 1 symbol(s) with their own rules;');
  });

  it("--check names the key path of a bad symbol rule, and the service refuses to start with it", async () => {
    const bad = config('ws://127.0.0.1:1').replace('pct_24h: 0.15', 'pct_24h: 15').replace('above: [0.5, 1.0]', 'above: [0.5, 1.0]\n        bleow: [0.1]');
    const file = dir.write('bad.yaml', bad);
    for (const args of [['--check', '--config', file], ['--config', file]]) {
      const run = await runCli(args);
      expect(run.code).to.equal(2);
      expect(run.stderr.trim().split('\n')).to.have.length(1);
      expect(run.stderr).to.match(/: exchanges\.binance\.symbols\[1\]\.bleow: unknown key \(did you mean "below"\?\)/);
    }
    const range = dir.write('range.yaml', config('ws://127.0.0.1:1').replace('pct_24h: 0.15', 'pct_24h: 15'));
    const run = await runCli(['--check', '--config', range]);
    expect(run.code).to.equal(2);
    expect(run.stderr.trim()).to.match(/: exchanges\.binance\.symbols\[1\]\.pct_24h: expected a fraction in \(0, 1\] \(0\.05 = 5 %\), got 15$/);
  });
});
