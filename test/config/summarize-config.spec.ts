import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import { decodeConfig } from '../../src/config/decode-config.js';
import { summarizeConfig } from '../../src/config/summarize-config.js';
import { windowLabel } from '../../src/domain/alert-text.js';

describe('summarizeConfig', () => {
  it('names exchanges, symbols, thresholds and email on one line', () => {
    const config = decodeConfig({
      exchanges: { binance: { symbols: ['BTC/USDT'] }, kraken: { symbols: ['BTC/USD'], enabled: false } },
      alerts: { thresholds: { pct_short: 0.015, window_short_ms: 900000 } },
    }, { env: {} });
    if (E.isLeft(config)) throw new Error('config should decode');
    expect(summarizeConfig(config.right)).to.equal(
      'config ok: 1 exchange(s): binance (BTC/USDT); thresholds 5%/24h, 1.5%/15m; 0 symbol(s) with their own rules; email off',
    );
  });

  it('says how many symbols have their own rules, and which exchanges their own thresholds', () => {
    const config = decodeConfig({
      exchanges: {
        binance: { thresholds: { pct_short: 0.03 }, symbols: ['BTC/USDT', { symbol: 'DOGE/USDT', pct_24h: 0.15 }, { symbol: 'ETH/USDT', above: [5000] }] },
        coinbase: { symbols: [{ symbol: 'BTC/USD', below: [50000] }] },
      },
    }, { env: {} });
    if (E.isLeft(config)) throw new Error('config should decode');
    expect(summarizeConfig(config.right)).to.contain('; 3 symbol(s) with their own rules, 1 exchange(s) with their own thresholds;');
  });

  it('names the divergence rule when it is on, with its pairs', () => {
    const config = decodeConfig({
      exchanges: { binance: { symbols: ['BTC/USDT'] }, coinbase: { symbols: ['BTC/USD', 'BTC/USDT'] } },
      alerts: { divergence: { pct: 0.01, pairs: [['binance:BTC/USDT', 'coinbase:BTC/USD']] } },
    }, { env: {} });
    if (E.isLeft(config)) throw new Error('config should decode');
    expect(summarizeConfig(config.right)).to.contain('; email off; divergence 1% for 30s (prices fresh 10s), 1 pair(s)');
  });

  it('renders durations briefly', () => {
    expect([86400000, 3600000, 900000, 90000, 1500].map(windowLabel)).to.deep.equal(['24h', '1h', '15m', '90s', '1500ms']);
  });
});
