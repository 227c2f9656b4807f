import { expect } from 'chai';
import { assessHealth } from '../../src/ops/assess-health.js';

describe('assessHealth', () => {
  const T0 = Date.UTC(2025, 0, 1, 10, 0, 0);
  const GRACE = 10_000;

  it('is ok when every feed is live', () => {
    const report = assessHealth([
      { exchange: 'binance', state: 'live', since: T0, reconnects: 0 },
      { exchange: 'kraken', state: 'live', since: T0, reconnects: 4 },
    ], T0 + 60_000, T0, GRACE);
    expect(report).to.deep.equal({
      status: 'ok',
      httpStatus: 200,
      feeds: [
        { exchange: 'binance', state: 'live', since: T0, reconnects: 0 },
        { exchange: 'kraken', state: 'live', since: T0, reconnects: 4 },
      ],
      reasons: [],
    });
  });

  it('is starting while a feed is on its first connection within the grace, down after it', () => {
    const feeds = [
      { exchange: 'binance', state: 'live' as const, since: T0, reconnects: 0 },
      { exchange: 'kraken', state: 'connecting' as const, since: T0, reconnects: 0 },
      { exchange: 'coinbase', reconnects: 0 },
    ];
    const early = assessHealth(feeds, T0 + 9_999, T0, GRACE);
    expect([early.status, early.httpStatus]).to.deep.equal(['starting', 200]);
    const late = assessHealth(feeds, T0 + 12_400, T0, GRACE);
    expect([late.status, late.httpStatus]).to.deep.equal(['down', 503]);
    expect(late.reasons).to.deep.equal([
      'kraken: not live 12 s after start (connecting)',
      'coinbase: not live 12 s after start (no status yet)',
    ]);
    expect(late.feeds[2]).to.deep.equal({ exchange: 'coinbase', state: 'unknown', reconnects: 0 });
  });

  it('is down at once, even within the grace, for a feed that already failed', () => {
    const report = assessHealth([
      { exchange: 'binance', state: 'backoff', since: T0 + 1000, reconnects: 1, reason: 'connect ECONNREFUSED 127.0.0.1:9' },
      { exchange: 'kraken', state: 'connecting', since: T0 + 2000, reconnects: 1 },
      { exchange: 'coinbase', state: 'stale', since: T0 + 3000, reconnects: 0 },
    ], T0 + 5000, T0, GRACE);
    expect(report.status).to.equal('down');
    expect(report.reasons).to.deep.equal([
      'binance: backoff, not live since 2025-01-01T10:00:01.000Z (connect ECONNREFUSED 127.0.0.1:9)',
      'kraken: connecting, not live since 2025-01-01T10:00:02.000Z',
      'coinbase: stale, not live since 2025-01-01T10:00:03.000Z',
    ]);
  });

  it('counts an outage from the last moment the feed was live, not from the latest retry, and reports degraded feeds', () => {
    const report = assessHealth([
      { exchange: 'binance', state: 'connecting', since: T0 + 40_000, notLiveSince: T0 + 1000, reconnects: 7 },
      { exchange: 'kraken', state: 'degraded', since: T0 + 3000, notLiveSince: T0, reconnects: 1, reason: 'all 9 frames of the last 30000 ms rejected (last: wrong_shape)' },
    ], T0 + 50_000, T0, GRACE);
    expect(report.status).to.equal('down');
    expect(report.reasons).to.deep.equal([
      'binance: connecting, not live since 2025-01-01T10:00:01.000Z',
      'kraken: degraded, not live since 2025-01-01T10:00:00.000Z (all 9 frames of the last 30000 ms rejected (last: wrong_shape))',
    ]);
    expect(report.feeds[0]).to.deep.equal({ exchange: 'binance', state: 'connecting', since: T0 + 40_000, notLiveSince: T0 + 1000, reconnects: 7 });
  });

  it('is ok with no feed enabled', () => {
    expect(assessHealth([], T0, T0, GRACE).status).to.equal('ok');
  });
});
