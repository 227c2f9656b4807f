import { expect } from 'chai';
import { alertLine, batchTitle, fitLines, messageText } from '../../../src/delivery/channels/alert-lines.js';
import { batchOf, btcApart, btcConverged, btcRearmed, btcUp, crash, krakenDown, krakenRecovered, pairApart } from './channel-fixtures.js';

describe('alert lines (the chat formats\' text)', () => {
  it('says one alert in one line, [TEST] first for a test', () => {
    expect(alertLine(btcUp, false)).to.equal('BTC/USDT +5.23% in 24h on binance, threshold 5%: now 36,812.50, was 34,983.10');
    expect(alertLine(btcUp, true)).to.equal('[TEST] BTC/USDT +5.23% in 24h on binance, threshold 5%: now 36,812.50, was 34,983.10');
    expect(alertLine(krakenDown, false)).to.equal('kraken feed down for 2m 5s (socket closed <1006>)');
    expect(alertLine(krakenRecovered, false)).to.equal('kraken feed recovered after 3m 3s');
  });

  it('says a divergence with both exchanges, both prices, the spread, the threshold and how long it held', () => {
    expect(alertLine(btcApart, false)).to.equal('BTC/USDT 1.20% apart on coinbase and binance, threshold 1%: coinbase 36,441.60 vs binance 36,009.50 for 30s');
    expect(alertLine(pairApart, false)).to.equal(
      'BTC/USDT on binance and BTC/USD on coinbase 2.00% apart, threshold 1.5%: BTC/USDT on binance 36,720.00 vs BTC/USD on coinbase 36,000.00 for 45s',
    );
    expect(batchTitle(batchOf([btcApart, btcConverged]).entries)).to.equal('BTC/USDT 1.20% apart on coinbase and binance, threshold 1%');
  });

  it('titles a batch by its alert, or by the count of a digest; re-arms are not counted', () => {
    expect(batchTitle(batchOf([btcUp]).entries)).to.equal('BTC/USDT +5.23% in 24h on binance, threshold 5%');
    expect(batchTitle(batchOf(crash(30)).entries)).to.equal('crypto-supervisor: 30 alerts');
    expect(batchTitle(batchOf([btcUp, btcRearmed, krakenDown]).entries)).to.equal('crypto-supervisor: 2 alerts');
    expect(batchTitle(batchOf(crash(2), { test: true }).entries)).to.equal('[TEST] crypto-supervisor: 2 alerts');
  });

  it('keeps as many lines as fit and says how many more there were', () => {
    expect(fitLines('2 alerts', ['a', 'b'], 20)).to.equal('2 alerts\na\nb');
    const lines = ['a'.repeat(12), 'b'.repeat(12), 'c'.repeat(12)];
    expect(fitLines('3 alerts', lines, 35)).to.equal(`3 alerts\n${'a'.repeat(12)}\nand 2 more`);
    expect(fitLines('3 alerts', lines, 20)).to.equal('3 alerts\nand 3 more');
    expect(fitLines('3 alerts', lines, 12)).to.have.length(12);
  });

  it('writes one alert as its line, a digest as a title and bullets', () => {
    expect(messageText(batchOf([btcUp]).entries, { bullet: '- ', maxChars: 4096 })).to.equal(
      'BTC/USDT +5.23% in 24h on binance, threshold 5%: now 36,812.50, was 34,983.10',
    );
    expect(messageText(batchOf(crash(2)).entries, { bullet: '- ', bold: (t) => `*${t}*`, maxChars: 4096 })).to.equal(
      '*crypto-supervisor: 2 alerts*\n- C0/USDT -5.00% in 24h on binance, threshold 5%: now 95.00, was 100.00\n- C1/USDT -5.10% in 24h on binance, threshold 5%: now 94.00, was 100.00',
    );
  });
});
