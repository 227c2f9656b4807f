import { expect } from 'chai';
import { finished, runCli, startCli, waitForOutput } from './helpers/run-cli.js';
import { tempDir, type TempDir } from './helpers/temp-dir.js';

describe('cli --log-format json (and LOG_FORMAT=json)', function () {
  this.timeout(30_000);
  let dir: TempDir;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.remove());

  const config = () => dir.write('c.yaml', `exchanges:\n  binance:\n    symbols: [BTC/USDT]\n    reconnect_delay: 1\n    url: ws://127.0.0.1:9\nstate_dir: ${dir.path}\n`);

  it('LOG_FORMAT=json: every line the service writes is one JSON object, from start to stop', async () => {
    const child = startCli(['--config', config()], { LOG_FORMAT: 'json' });
    const done = finished(child);
    await waitForOutput(child, '"level":"ERROR"');
    child.kill('SIGTERM');
    const run = await done;
    expect(run.code, run.stderr).to.equal(0);
    const objects = run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const object of objects) {
      expect(object).to.have.all.keys('time', 'level', 'logger', 'message');
      expect(object['time']).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    expect(objects[0]).to.include({ level: 'INFO', logger: 'supervisor' });
    expect(objects.at(-1)).to.include({ level: 'INFO', logger: 'supervisor', message: 'stopped' });
    expect(objects.some((o) => o['level'] === 'ERROR' && o['logger'] === 'supervisor.connectors.binance')).to.equal(true);
  });

  it('--log-format json: an alert line carries the alert\'s fields', async () => {
    const run = await runCli(['--config', config(), '--replay', 'test/fixtures/btc-rally.jsonl', '--log-format', 'json'], { LOG_FORMAT: 'text' });
    expect(run.code, run.stderr).to.equal(0);
    const alertLines = run.stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { logger: string; message: string; alert?: Record<string, unknown> });
    const alerts = alertLines.filter((line) => line.logger === 'supervisor.alerts');
    expect(alerts).to.have.length(5);
    expect(alerts[2]!.message).to.match(/^BTC\/USDT \+5\.08% in 24h on binance/);
    expect(alerts[2]!.alert).to.include({ kind: 'price', exchange: 'binance', symbol: 'BTC/USDT', rule: 'pct_24h', direction: 'up', price: 64100, reference: 61000, level: 1 });
  });

  it('refuses an unknown format with exit 2', async () => {
    const run = await runCli(['--check', '--config', config()], { LOG_FORMAT: 'yaml' });
    expect(run.code).to.equal(2);
    expect(run.stderr).to.equal('crypto-supervisor: unknown log format "yaml" (use text or json) (see --help)\n');
  });
});
