import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import { load } from 'js-yaml';
import { formatIssue } from '../../src/config/config-issue.js';
import { decodeConfig } from '../../src/config/decode-config.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const yaml = (silences: string) => load(`exchanges:\n  binance:\n    symbols: [BTC/USDT]\nalerts:\n  silences:\n${silences}`);
const issues = (value: unknown) => {
  const result = decodeConfig(value, { env: {} });
  return E.isLeft(result) ? result.left.map(formatIssue) : [];
};

describe('decodeConfig: alerts.silences', () => {
  it('decodes match, an unquoted YAML until and a comment, with ids config-1, config-2 in order', () => {
    const result = decodeConfig(yaml(`    - match: { symbol: doge/usdt }
      until: 2026-12-31T00:00:00Z
      comment: known volatility
    - match: { exchange: kraken, rule: feed_down }
`), { env: {} });
    if (E.isLeft(result)) throw new Error(result.left.map(formatIssue).join('; '));
    expect(result.right.alerts.silences).to.deep.equal([
      { id: 'config-1', match: { symbol: 'DOGE/USDT' }, until: Date.UTC(2026, 11, 31), comment: 'known volatility', source: 'config' },
      { id: 'config-2', match: { exchange: 'kraken', rule: 'feed_down' }, source: 'config' },
    ]);
  });

  it('accepts the price-level rules as a match', () => {
    const result = decodeConfig(yaml('    - match: { symbol: BTC/USDT, rule: level_above }\n'), { env: {} });
    if (E.isLeft(result)) throw new Error(result.left.map(formatIssue).join('; '));
    expect(result.right.alerts.silences[0]!.match).to.deep.equal({ symbol: 'BTC/USDT', rule: 'level_above' });
  });

  it('is empty when absent', () => {
    const result = decodeConfig({ exchanges: { binance: { symbols: ['BTC/USDT'] } } }, { env: {} });
    expect(E.isRight(result) && result.right.alerts.silences).to.deep.equal([]);
  });

  it('names the key path of each mistake', () => {
    expect(issues(yaml('    - match: {}\n'))).to.deep.equal(['alerts.silences[0].match: expected at least one of exchange, symbol, rule']);
    expect(issues(yaml('    - match: { rule: pct_1h }\n'))[0]).to.match(/^alerts\.silences\[0\]\.match\.rule: .*one of pct_24h, pct_short, level_above, level_below, divergence, feed_down, feed_recovered/);
    expect(issues(yaml('    - match: { exchange: nasdaq }\n'))[0]).to.match(/^alerts\.silences\[0\]\.match\.exchange: .*one of binance/);
    expect(issues(yaml('    - match: { symbol: BTC }\n      until: "next week"\n'))[0]).to.match(/^alerts\.silences\[0\]\.(match\.symbol|until): /);
    expect(issues(yaml('    - match: { symbol: BTC/USDT }\n      until: "2026-12-31 00:00"\n'))[0]).to.match(/^alerts\.silences\[0\]\.until: .*a time with its zone/);
    expect(issues(yaml('    - match: { symbol: BTC/USDT }\n      untill: 2026-12-31T00:00:00Z\n'))[0]).to.match(/^alerts\.silences\[0\]\.untill: unknown key \(did you mean "until"\?\)/);
  });

  it('--check catches a bad silence with one line naming the key', async () => {
    const dir = tempDir();
    try {
      const file = dir.write('c.yaml', 'exchanges:\n  binance:\n    symbols: [BTC/USDT]\nalerts:\n  silences:\n    - match: { rule: nope }\n');
      const run = await runCli(['--check', '--config', file]);
      expect(run.code).to.equal(2);
      expect(run.stderr).to.match(/alerts\.silences\[0\]\.match\.rule/);
    } finally {
      dir.remove();
    }
  });
});

describe('decodeConfig: alerts.quiet_hours', () => {
  const quiet = (body: string) => load(`exchanges:\n  binance:\n    symbols: [BTC/USDT]\nalerts:\n  quiet_hours:\n${body}`);

  it('decodes from/to as minutes, with time_zone UTC and deliver digest by default', () => {
    const result = decodeConfig(quiet('    from: "22:00"\n    to: "07:00"\n'), { env: {} });
    expect(E.isRight(result) && result.right.alerts.quiet_hours).to.deep.equal({ from: 1320, to: 420, time_zone: 'UTC', deliver: 'digest' });
    const berlin = decodeConfig(quiet('    from: "22:00"\n    to: "07:00"\n    time_zone: Europe/Berlin\n    deliver: drop\n'), { env: {} });
    expect(E.isRight(berlin) && berlin.right.alerts.quiet_hours).to.deep.equal({ from: 1320, to: 420, time_zone: 'Europe/Berlin', deliver: 'drop' });
  });

  it('names the key path of each mistake', () => {
    expect(issues(quiet('    from: "22:00"\n    to: "7"\n'))[0]).to.match(/^alerts\.quiet_hours\.to: .*HH:MM/);
    expect(issues(quiet('    from: "22:00"\n    to: "07:00"\n    time_zone: Europe/Atlantis\n'))[0]).to.match(/^alerts\.quiet_hours\.time_zone: .*IANA time zone/);
    expect(issues(quiet('    from: "22:00"\n    to: "07:00"\n    deliver: later\n'))[0]).to.match(/^alerts\.quiet_hours\.deliver: .*one of digest, drop/);
    expect(issues(quiet('    from: "22:00"\n    to: "22:00"\n'))).to.deep.equal(['alerts.quiet_hours.to: must differ from from (quiet hours of no length)']);
  });
});
