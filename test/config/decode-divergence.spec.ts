import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import { load } from 'js-yaml';
import { formatIssue, type ConfigIssue } from '../../src/config/config-issue.js';
import { decodeConfig } from '../../src/config/decode-config.js';
import { DEFAULT_DIVERGENCE } from '../../src/domain/config-types.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const EXCHANGES = `exchanges:
  binance:
    symbols: [BTC/USDT, ETH/USDT]
  coinbase:
    symbols: [BTC/USD, BTC/USDT]
  kraken:
    enabled: false
    symbols: [XBT/USD]
`;
const yaml = (divergence: string) => load(`${EXCHANGES}alerts:\n  divergence:\n${divergence}`);
const issues = (value: unknown) => {
  const result = decodeConfig(value, { env: {} });
  return E.isLeft(result) ? result.left.map(formatIssue) : [];
};

describe('decodeConfig: alerts.divergence', () => {
  it('decodes pct, the defaults from the one defaults place, and pairs as exchange and canonical symbol', () => {
    const result = decodeConfig(yaml('    pct: 0.01\n    pairs:\n      - [binance:btcusdt, coinbase:BTC-USD]\n'), { env: {} });
    if (E.isLeft(result)) throw new Error(result.left.map(formatIssue).join('; '));
    expect(result.right.alerts.divergence).to.deep.equal({
      pct: 0.01,
      min_duration_ms: DEFAULT_DIVERGENCE.min_duration_ms,
      max_age_ms: DEFAULT_DIVERGENCE.max_age_ms,
      pairs: [[{ exchange: 'binance', symbol: 'BTC/USDT' }, { exchange: 'coinbase', symbol: 'BTC/USD' }]],
    });
    expect(DEFAULT_DIVERGENCE).to.deep.equal({ min_duration_ms: 30_000, max_age_ms: 10_000 });
    const own = decodeConfig(yaml('    pct: 0.02\n    min_duration_ms: 5000\n    max_age_ms: 2000\n'), { env: {} });
    expect(E.isRight(own) && own.right.alerts.divergence).to.deep.equal({ pct: 0.02, min_duration_ms: 5000, max_age_ms: 2000, pairs: [] });
  });

  it('is off when absent', () => {
    const result = decodeConfig(load(EXCHANGES), { env: {} });
    expect(E.isRight(result) && result.right.alerts.divergence).to.equal(undefined);
  });

  it('names the key path of each mistake', () => {
    expect(issues(yaml('    min_duration_ms: 5000\n'))).to.deep.equal(['alerts.divergence.pct: is required']);
    expect(issues(yaml('    pct: 0\n'))[0]).to.match(/^alerts\.divergence\.pct: expected a fraction in \(0, 1\]/);
    expect(issues(yaml('    pct: 0.01\n    min_duration_ms: 1.5\n'))[0]).to.match(/^alerts\.divergence\.min_duration_ms: expected a whole number of milliseconds > 0/);
    expect(issues(yaml('    pct: 0.01\n    max_age_ms: -1\n'))[0]).to.match(/^alerts\.divergence\.max_age_ms: expected a whole number of milliseconds > 0/);
    expect(issues(yaml('    pct: 0.01\n    max_ag_ms: 1000\n'))[0]).to.match(/^alerts\.divergence\.max_ag_ms: unknown key \(did you mean "max_age_ms"\?\)/);
    expect(issues(yaml('    pct: 0.01\n    pairs: [[binance:BTC/USDT]]\n'))[0]).to.match(/^alerts\.divergence\.pairs\[0\]: expected a pair \[exchange:SYMBOL, exchange:SYMBOL\]/);
    expect(issues(yaml('    pct: 0.01\n    pairs: [[binance:BTC/USDT, BTC/USD]]\n'))[0]).to.match(/^alerts\.divergence\.pairs\[0\]\[1\]: expected exchange:SYMBOL/);
    expect(issues(yaml('    pct: 0.01\n    pairs: [[binance:BTC/USDT, nasdaq:BTC/USD]]\n'))[0]).to.match(/^alerts\.divergence\.pairs\[0\]\[1\]: unknown exchange "nasdaq"/);
    expect(issues(yaml('    pct: 0.01\n    pairs: [[binance:BTC/USDT, coinbase:BTC]]\n'))[0]).to.match(/^alerts\.divergence\.pairs\[0\]\[1\]: .*BTC/);
  });

  it('refuses a pair side on an exchange that is absent, disabled or does not watch the symbol, and pairs of identical sides or symbols', () => {
    const check = (pair: string): string[] => issues(yaml(`    pct: 0.01\n    pairs:\n      - ${pair}\n`));
    expect(check('[binance:BTC/USDT, okx:BTC/USDT]')).to.deep.equal(['alerts.divergence.pairs[0][1]: okx is not configured (add it under exchanges)', 'alerts.divergence.pairs[0]: binance:BTC/USDT and okx:BTC/USDT are the same symbol: identical symbols are compared by default, list only pairs across different symbols']);
    expect(check('[binance:BTC/USDT, kraken:XBT/USD]')).to.deep.equal(['alerts.divergence.pairs[0][1]: kraken is not enabled (exchanges.kraken.enabled is false)']);
    expect(check('[binance:BTC/USDT, coinbase:ETH/USD]')).to.deep.equal(['alerts.divergence.pairs[0][1]: coinbase does not watch ETH/USD (add it to exchanges.coinbase.symbols)']);
    expect(check('[binance:BTC/USDT, binance:BTC/USDT]')).to.deep.equal(['alerts.divergence.pairs[0]: compares binance:BTC/USDT with itself']);
    expect(issues(yaml('    pct: 0.01\n    pairs:\n      - [binance:BTC/USDT, coinbase:BTC/USD]\n      - [coinbase:BTC/USD, binance:BTC/USDT]\n'))).to.deep.equal([
      'alerts.divergence.pairs[1]: coinbase:BTC/USD and binance:BTC/USDT are already paired above',
    ]);
  });

  it('notes a rule with nothing to compare', () => {
    const notes: ConfigIssue[] = [];
    decodeConfig(load('exchanges:\n  binance:\n    symbols: [BTC/USDT]\nalerts:\n  divergence:\n    pct: 0.01\n'), { env: {}, onNote: (n) => notes.push(n) });
    expect(notes.map(formatIssue)).to.deep.equal(['alerts.divergence: no symbol is watched by two enabled exchanges and no pair is configured: nothing to compare']);
  });

  it('--check catches a bad pair with one line naming the key', async () => {
    const dir = tempDir();
    try {
      const file = dir.write('c.yaml', `${EXCHANGES}alerts:\n  divergence:\n    pct: 0.01\n    pairs:\n      - [binance:BTC/USDT, coinbase:ETH/USD]\n`);
      const run = await runCli(['--check', '--config', file]);
      expect(run.code).to.equal(2);
      expect(run.stderr).to.match(/alerts\.divergence\.pairs\[0\]\[1\]: coinbase does not watch ETH\/USD/);
    } finally {
      dir.remove();
    }
  });
});
