import { expect } from 'chai';
import { configDiff, describeConfigDiff } from '../../src/config/config-diff.js';
import { decodeConfig } from '../../src/config/decode-config.js';
import type { Config } from '../../src/domain/config-types.js';

/** A decoded config from its YAML shape (throws on a bad one: a test bug). */
function decoded(value: unknown): Config {
  const result = decodeConfig(value, { env: {} });
  if (result._tag === 'Left') throw new Error(JSON.stringify(result.left));
  return result.right;
}

const base = {
  exchanges: {
    binance: { symbols: ['BTC/USDT', 'DOGE/USDT'] },
    coinbase: { symbols: ['BTC/USD'], enabled: false },
  },
  state_dir: 'var',
};

describe('configDiff', () => {
  it('finds nothing between a config and itself', () => {
    const diff = configDiff(decoded(base), decoded(base));
    expect(diff).to.deep.equal({ exchanges: [], thresholds: false, silences: false, quietHours: false, channels: false, needsRestart: [] });
    expect(describeConfigDiff(diff)).to.equal('no change');
  });

  it('lists added and removed symbols of a feed that keeps its connections', () => {
    const after = decoded({ ...base, exchanges: { ...base.exchanges, binance: { symbols: ['BTC/USDT', 'ETH/USDT'] } } });
    const diff = configDiff(decoded(base), after);
    expect(diff.exchanges).to.deep.equal([{ exchange: 'binance', feed: 'symbols', added: ['ETH/USDT'], removed: ['DOGE/USDT'], rules: false }]);
    expect(describeConfigDiff(diff)).to.equal('binance: +ETH/USDT, -DOGE/USDT');
  });

  it('tells an exchange enabled, disabled or reconnecting from one whose symbols changed', () => {
    const after = decoded({
      ...base,
      exchanges: { binance: { symbols: ['BTC/USDT', 'DOGE/USDT'], url: 'ws://127.0.0.1:1' }, coinbase: { symbols: ['BTC/USD'] }, kraken: { symbols: ['BTC/USD'], enabled: false } },
    });
    const diff = configDiff(decoded(base), after);
    expect(diff.exchanges.map(({ exchange, feed, added }) => [exchange, feed, added])).to.deep.equal([
      ['binance', 'reconnect', []],
      ['coinbase', 'enabled', ['BTC/USD']],
    ]);
    expect(describeConfigDiff(diff)).to.equal('binance: reconnecting (connection settings changed); coinbase: enabled');
    const off = configDiff(after, decoded(base));
    expect(off.exchanges.find((e) => e.exchange === 'coinbase')).to.deep.include({ feed: 'disabled', removed: ['BTC/USD'] });
  });

  it('notes rules, thresholds, silences and channels, and names the keys that need a restart', () => {
    const after = decoded({
      ...base,
      exchanges: { ...base.exchanges, binance: { symbols: ['BTC/USDT', { symbol: 'DOGE/USDT', above: [0.5] }] } },
      alerts: {
        thresholds: { pct_24h: 0.1 },
        silences: [{ match: { symbol: 'DOGE/USDT' } }],
        webhooks: [{ url: 'https://hooks.example/x' }],
        feed_down_after_ms: 60_000,
        quiet_hours: { from: '22:00', to: '07:00' },
      },
      state_dir: 'elsewhere',
      http: { listen: '127.0.0.1:9999' },
    });
    const diff = configDiff(decoded(base), after);
    expect(diff.exchanges).to.deep.equal([{ exchange: 'binance', feed: 'none', added: [], removed: [], rules: true }]);
    expect(diff).to.deep.include({ thresholds: true, silences: true, quietHours: true, channels: true });
    expect(diff.needsRestart).to.deep.equal(['state_dir', 'http.listen', 'alerts.feed_down_after_ms']);
    expect(describeConfigDiff(diff)).to.equal('binance: rules changed; thresholds changed; configured silences replaced; quiet hours changed; channels rebuilt');
  });
});
