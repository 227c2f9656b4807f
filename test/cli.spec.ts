import { expect } from 'chai';
import { finished, runCli, startCli, waitForOutput } from './helpers/run-cli.js';
import { tempDir, type TempDir } from './helpers/temp-dir.js';

/** A config whose feeds point at a closed loopback port: the service runs but reaches nothing. */
const loopbackConfig = `exchanges:
  binance:
    symbols: [BTC/USDT]
    reconnect_delay: 1
    url: ws://127.0.0.1:9
`;

const LOG_LINE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \[(DEBUG|INFO|WARN|ERROR)\] [a-z.]+: .+$/;

describe('cli', function () {
  this.timeout(30000);
  let dir: TempDir;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.remove());

  it('--help prints usage and exits 0', async () => {
    const run = await runCli(['--help']);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.match(/^Usage: crypto-supervisor/);
    expect(run.stdout).to.include('--check');
  });

  it('--check prints a one-line summary of the shipped config and exits 0', async () => {
    const run = await runCli(['--check']);
    expect(run.code).to.equal(0);
    expect(run.stdout.trim().split('\n')).to.have.length(1);
    expect(run.stdout).to.include('binance (BTC/USDT, ETH/USDT)');
    expect(run.stdout).to.include('email off');
  });

  it('--check accepts the seed example', async () => {
    const run = await runCli(['--check', '--config', 'test/fixtures/seed-config.yaml']);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.include('email on (smtp.example.com:587 -> 1 recipient(s))');
  });

  describe('a bad config exits 2 with one line naming the key, no stack trace', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['unknown key', 'exchanges:\n  binance:\n    symbols: [BTC/USDT]\nalerts:\n  tresholds: {}\n', /: alerts\.tresholds: unknown key \(did you mean "thresholds"\?\)$/],
      ['type error', 'exchanges:\n  binance:\n    symbols: [BTC/USDT]\nalerts:\n  thresholds:\n    pct_24h: five\n', /: alerts\.thresholds\.pct_24h: expected a fraction in \(0, 1\] \(0\.05 = 5 %\), got "five"$/],
      ['YAML syntax error', 'exchanges:\n  binance:\n    symbols: [BTC/USDT\n', /: YAML syntax error at line \d+, column \d+: /],
      ['unset environment variable', 'exchanges:\n  binance:\n    symbols: [BTC/USDT]\n    url: ${NO_SUCH_VARIABLE_X}\n', /: exchanges\.binance\.url: environment variable NO_SUCH_VARIABLE_X is not set/],
      ['unmappable symbol', 'exchanges:\n  kraken:\n    symbols: [BTC/USD, bitcoin]\n', /: exchanges\.kraken\.symbols\[1\]: "bitcoin" has no known quote currency/],
      ['a symbol the exchange cannot carry', 'exchanges:\n  binance:\n    symbols: [BTC/USDT, Eth/USDT]\n', /: exchanges\.binance\.symbols\[1\]: "Eth\/USDT" is not a canonical BASE\/QUOTE symbol; binance symbols are upper case: write ETH\/USDT$/],
      ['an HTTP port out of range (which a start would refuse)', 'exchanges:\n  binance:\n    symbols: [BTC/USDT]\nhttp:\n  listen: 127.0.0.1:99999\n', /: http\.listen: port 99999 is above 65535 \(expected host:port, e.g\. 127\.0\.0\.1:9464\)$/],
      ['an unclosed ${ (not a literal password)', 'exchanges:\n  binance:\n    symbols: [BTC/USDT]\nalerts:\n  email:\n    smtp_host: h\n    smtp_port: 587\n    from_addr: a@b.co\n    to_addrs: [c@d.co]\n    username: u\n    password: ${SMTP_PASSWORD\n', /: alerts\.email\.password: unclosed \$\{SMTP_PASSWORD: write \$\{NAME\} with a closing brace$/],
      ['port out of range', 'exchanges:\n  binance:\n    symbols: [BTC/USDT]\nalerts:\n  email:\n    smtp_host: h\n    smtp_port: 0\n    from_addr: a@b.co\n    to_addrs: [c@d.co]\n', /: alerts\.email\.smtp_port: expected a port number 1-65535, got 0$/],
    ];
    for (const [what, yaml, line] of cases) {
      it(what, async () => {
        const file = dir.write('bad.yaml', yaml);
        for (const args of [['--check', '--config', file], ['--config', file]]) {
          const run = await runCli(args);
          expect(run.code, run.stderr).to.equal(2);
          expect(run.stdout).to.equal('');
          const lines = run.stderr.trim().split('\n');
          expect(lines).to.have.length(1);
          expect(lines[0]).to.match(/^crypto-supervisor: /);
          expect(lines[0]).to.match(line);
        }
      });
    }

    it('missing file', async () => {
      const run = await runCli(['--config', 'no/such/file.yaml']);
      expect(run.code).to.equal(2);
      expect(run.stderr.trim()).to.equal('crypto-supervisor: no/such/file.yaml: cannot read config: no such file');
    });
  });

  it('--check refuses an --http address a start would refuse, with exit 2', async () => {
    const run = await runCli(['--check', '--config', 'test/fixtures/seed-config.yaml', '--http', '127.0.0.1:99999']);
    expect(run.code).to.equal(2);
    expect(run.stdout).to.equal('');
    expect(run.stderr.trim()).to.equal('crypto-supervisor: --http: "127.0.0.1:99999": port 99999 is above 65535');
  });

  it('rejects an unknown option with exit 2', async () => {
    const run = await runCli(['--colour']);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.match(/^crypto-supervisor: .*--colour.*\(see --help\)\n$/);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`runs, logs in the seed format and exits 0 on ${signal}`, async () => {
      const child = startCli(['--config', dir.write('c.yaml', `${loopbackConfig}state_dir: ${dir.path}\n`)]);
      const done = finished(child);
      await waitForOutput(child, 'starting');
      child.kill(signal);
      const run = await done;
      expect(run.code, `${run.signal} ${run.stderr} ${run.stdout}`).to.equal(0);
      const lines = run.stdout.trim().split('\n');
      for (const line of lines) expect(line).to.match(LOG_LINE);
      expect(run.stdout).to.include(`received ${signal}, shutting down`);
      expect(lines.at(-1)).to.match(/\[INFO\] supervisor: stopped$/);
    });
  }

  it('honours --log-level and LOG_LEVEL', async () => {
    const child = startCli(['--config', dir.write('c.yaml', `${loopbackConfig}state_dir: ${dir.path}\n`), '--log-level', 'error'], { LOG_LEVEL: 'debug' });
    const done = finished(child);
    // The refused connect is logged at ERROR once the service runs (a fixed delay raced a slow start under load).
    await waitForOutput(child, '[ERROR]');
    child.kill('SIGTERM');
    const run = await done;
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.not.match(/\[INFO\]/);
  });
});
