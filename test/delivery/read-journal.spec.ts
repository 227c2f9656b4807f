import { expect } from 'chai';
import { parseJournalLine } from '../../src/delivery/read-journal.js';

describe('parseJournalLine', () => {
  const side = (exchange: string) => ({ exchange, symbol: 'BTC/USDT', price: 100, ts: 1 });
  const apart = { kind: 'divergence', rule: 'divergence', ts: 5, group: 'BTC/USDT', high: side('coinbase'), low: side('binance'), spread: 0.02, threshold: 0.01, since: 1 };
  const ended = { kind: 'rearm', rule: 'divergence', ts: 9, group: 'BTC/USDT', high: side('coinbase'), low: side('binance'), reason: 'converged', spread: 0.001 };

  it('reads a divergence and its re-arm (named by their group, not an exchange)', () => {
    expect(parseJournalLine(JSON.stringify(apart), 0)).to.deep.equal({ offset: 0, entry: apart });
    expect(parseJournalLine(JSON.stringify({ ...ended, test: true }), 7)).to.deep.equal({ offset: 7, entry: ended, test: true });
  });

  it('refuses a divergence line without its group, and a price line without its exchange', () => {
    const { group: _group, ...noGroup } = apart;
    expect(parseJournalLine(JSON.stringify(noGroup), 0)).to.equal(undefined);
    expect(parseJournalLine(JSON.stringify({ kind: 'price', ts: 1, group: 'BTC/USDT' }), 0)).to.equal(undefined);
    expect(parseJournalLine('{"kind":"divergence"', 0)).to.equal(undefined);
  });
});
