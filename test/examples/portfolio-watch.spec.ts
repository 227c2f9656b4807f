import { spawn } from 'node:child_process';
import { expect } from 'chai';
import { FakeBinanceServer } from '../helpers/fake-binance-server.js';
import { waitUntil } from '../helpers/fake-exchange-server.js';
import { finished, REPO_ROOT, waitForOutput } from '../helpers/run-cli.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';

describe('examples/portfolio-watch.ts (an app embedding the package)', function () {
  this.timeout(30000);
  let binance: FakeBinanceServer;
  let dir: TempDir;
  beforeEach(async () => {
    binance = await FakeBinanceServer.start();
    dir = tempDir();
  });
  afterEach(async () => {
    await binance.close();
    dir.remove();
  });

  it('merges alerts$ with its own holdings stream, reacts, and exits by itself on SIGINT', async () => {
    const config = dir.write('c.yaml', `exchanges:
  binance:
    symbols: [BTC/USDT, ETH/USDT]
    url: ${binance.url}
`);
    const app = spawn(process.execPath, ['--import', 'tsx', 'examples/portfolio-watch.ts', config, 'BTC/USDT'], {
      cwd: REPO_ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const done = finished(app);
    await waitForOutput(app, 'watching, holding BTC/USDT');
    await waitUntil(() => binance.openConnections === 1, 'connected', 10000);

    const ts = Date.now();
    binance.pushTicker('BTC/USDT', 100, { ts, open24h: 100 });
    binance.pushTicker('BTC/USDT', 106, { ts: ts + 1000, open24h: 100 });
    await waitForOutput(app, 'REVIEW BTC/USDT +6.00% in 24h on binance');

    binance.pushTicker('ETH/USDT', 3000, { ts, open24h: 3000 });
    binance.pushTicker('ETH/USDT', 2900, { ts: ts + 1000, open24h: 3000 });
    await waitForOutput(app, 'ignored ETH/USDT -3.33% in 1h on binance');

    app.stdin!.write('+ETH/USDT\n');
    await waitForOutput(app, 'now holding BTC/USDT, ETH/USDT');
    binance.pushTicker('ETH/USDT', 2800, { ts: ts + 2000, open24h: 3000 });
    await waitForOutput(app, 'REVIEW ETH/USDT -6.67% in 24h on binance');

    app.kill('SIGINT');
    const run = await done;
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stderr).to.equal('');
    await waitUntil(() => binance.openConnections === 0, 'the app closed its socket');
  });
});
