import { expect } from 'chai';
import type { FeedAlert, PriceAlert } from '../../../src/domain/alert.js';
import { formatEmail } from '../../../src/delivery/channels/email-format.js';
import { btcUp, crash, ethDown, krakenDown, T0 } from './email/alert-fixtures.js';
import { btcApart, pairApart } from './channel-fixtures.js';

/** DOGE/USDT up through its level of 0.5, and down through 0.1. */
const dogeAbove: PriceAlert = {
  kind: 'price', ts: T0, exchange: 'binance', symbol: 'DOGE/USDT', rule: 'level_above', direction: 'up',
  change: 0.512 / 0.5 - 1, price: 0.512, reference: 0.5, windowMs: 0, level: 1, coverage: 1, threshold: 0.5,
};
const dogeBelow: PriceAlert = { ...dogeAbove, rule: 'level_below', direction: 'down', change: 0.099 / 0.1 - 1, price: 0.099, reference: 0.1, threshold: 0.1 };

describe('formatEmail', () => {
  describe('subject', () => {
    it('names symbol, signed change, window, exchange and the threshold that fired for one price alert', () => {
      expect(formatEmail([btcUp]).subject).to.equal('BTC/USDT +5.23% in 24h on binance, threshold 5%');
      expect(formatEmail([{ ...btcUp, change: -0.0523, direction: 'down' }]).subject).to.equal('BTC/USDT -5.23% in 24h on binance, threshold 5%');
      // A journal line from before alerts carried their threshold.
      const { threshold: _old, ...withoutThreshold } = btcUp;
      expect(formatEmail([withoutThreshold]).subject).to.equal('BTC/USDT +5.23% in 24h on binance');
    });

    it('says the level of an escalation', () => {
      expect(formatEmail([ethDown]).subject).to.equal('ETH/USDT -4.07% in 1h on coinbase (level 2), threshold 2%');
    });

    it('names the price level a level alert crossed', () => {
      expect(formatEmail([dogeAbove]).subject).to.equal('DOGE/USDT rose through 0.5 on binance');
      expect(formatEmail([dogeBelow]).subject).to.equal('DOGE/USDT fell through 0.1 on binance');
      expect(formatEmail([dogeAbove, btcUp]).subject).to.equal('2 alerts: BTC/USDT +5.2% (24h, binance), DOGE/USDT up through 0.5 (binance)');
    });

    it("never labels a move's first alert an escalation, even one that starts past 2 x the threshold", () => {
      const { fromLevel: _first, ...jumped } = ethDown;
      const email = formatEmail([jumped]);
      expect(email.subject).to.equal('ETH/USDT -4.07% in 1h on coinbase, threshold 2%');
      expect(email.text).to.contain('  Level:        2 (first alert of this move: it crossed 2 x the threshold at once)\n');
      expect(email.text).to.not.contain('escalation');
    });

    it('names the exchange and how long it was blind for a feed alert', () => {
      expect(formatEmail([krakenDown]).subject).to.equal('kraken feed down for 2m 5s');
      const recovered: FeedAlert = { ...krakenDown, rule: 'feed_recovered', blindMs: 3_725_000 };
      expect(formatEmail([recovered]).subject).to.equal('kraken feed recovered after 1h 2m 5s');
    });

    it('counts a digest and names its three largest moves, the largest first, then feed alerts', () => {
      expect(formatEmail([btcUp, ethDown]).subject).to.equal(
        '2 alerts: BTC/USDT +5.2% (24h, binance), ETH/USDT -4.1% (1h, coinbase)',
      );
      expect(formatEmail([ethDown, btcUp]).subject).to.equal(
        '2 alerts: BTC/USDT +5.2% (24h, binance), ETH/USDT -4.1% (1h, coinbase)',
      );
      expect(formatEmail(crash(30)).subject).to.equal(
        '30 alerts: C29/USDT -7.9% (24h, binance), C28/USDT -7.8% (24h, binance), C27/USDT -7.7% (24h, binance), …',
      );
      expect(formatEmail([krakenDown, btcUp]).subject).to.equal('2 alerts: BTC/USDT +5.2% (24h, binance), kraken feed down');
    });

    it('names a divergence by its symbol, spread, both exchanges and threshold; in a digest by its spread', () => {
      expect(formatEmail([btcApart]).subject).to.equal('BTC/USDT 1.20% apart on coinbase and binance, threshold 1%');
      expect(formatEmail([pairApart]).subject).to.equal('BTC/USDT on binance and BTC/USD on coinbase 2.00% apart, threshold 1.5%');
      expect(formatEmail([krakenDown, btcApart, ethDown]).subject).to.equal(
        '3 alerts: ETH/USDT -4.1% (1h, coinbase), BTC/USDT 1.20% apart (coinbase/binance), kraken feed down',
      );
    });

    it('links to the status page when http.public_url is set, and not otherwise', () => {
      const email = formatEmail([btcUp], { statusPageUrl: 'https://watch.example.com/' });
      expect(email.text).to.contain('\n\nStatus page: https://watch.example.com/\n\n-- \n');
      expect(email.html).to.contain('<p><a href="https://watch.example.com/">Status page</a></p>');
      expect(formatEmail([btcUp]).text).to.not.contain('Status page');
      expect(formatEmail([btcUp]).html).to.not.contain('Status page');
    });

    it('keeps the body in arrival order', () => {
      const { text } = formatEmail([ethDown, btcUp]);
      expect(text.indexOf('ETH/USDT on coinbase')).to.be.lessThan(text.indexOf('BTC/USDT on binance'));
    });
  });

  describe('text body', () => {
    it('lists every field of a price alert, times in UTC ISO 8601', () => {
      const { text } = formatEmail([btcUp]);
      expect(text).to.equal(
        [
          'crypto-supervisor raised 1 alert.',
          '',
          'BTC/USDT on binance: up +5.23% in 24h',
          '  Rule:         pct_24h (24h window)',
          '  Change:       +5.23% (up)',
          '  Price:        36,812.50 at 2023-11-14T22:13:20.000Z',
          '  Reference:    34,983.10 at 2023-11-13T22:13:20.000Z',
          '  Level:        1 (first crossing)',
          '  Threshold:    5% (pct_24h for BTC/USDT on binance)',
          '  Coverage:     100% of the 24h window had data',
          '',
          '-- ',
          'Times are UTC (ISO 8601). Sent by crypto-supervisor.',
          '',
        ].join('\n'),
      );
    });

    it('lists both prices, both exchanges, the spread, the threshold and since when for a divergence', () => {
      const { text, html } = formatEmail([btcApart]);
      expect(text).to.contain(
        [
          'BTC/USDT 1.20% apart on coinbase and binance, threshold 1%',
          '  Rule:         divergence (BTC/USDT on every exchange watching it)',
          '  Higher:       36,441.60 (BTC/USDT on coinbase, at 2023-11-14T22:13:49.500Z)',
          '  Lower:        36,009.50 (BTC/USDT on binance, at 2023-11-14T22:13:49.800Z)',
          '  Spread:       1.20% (higher / lower - 1)',
          '  Threshold:    1%',
          '  Since:        2023-11-14T22:13:20.000Z (30s above the threshold)',
          '  Raised at:    2023-11-14T22:13:50.000Z',
        ].join('\n'),
      );
      expect(html).to.contain('<tr><th align="left">Higher</th><td>36,441.60 (BTC/USDT on coinbase, at 2023-11-14T22:13:49.500Z)</td></tr>');
      expect(formatEmail([pairApart]).text).to.contain('  Rule:         divergence (the pair binance:BTC/USDT~coinbase:BTC/USD)\n');
    });

    it('says an escalation is one, and shows partial coverage', () => {
      const { text } = formatEmail([ethDown]);
      expect(text).to.contain('  Level:        2 (escalation: the move crossed 2 x the threshold)\n');
      expect(text).to.contain('  Coverage:     75% of the 1h window had data\n');
      expect(text).to.contain('  Change:       -4.07% (down)\n');
    });

    it('describes a price level crossing by its level', () => {
      expect(formatEmail([dogeAbove]).text).to.contain(
        [
          'DOGE/USDT on binance: rose through 0.5',
          '  Rule:         level_above (price level)',
          '  Price:        0.512 at 2023-11-14T22:13:20.000Z',
          '  Threshold:    0.5 (+2.40% past it)',
        ].join('\n'),
      );
    });

    it("names the exchange's own 24 h open as the reference when there is no reference time", () => {
      const { referenceTs: _dropped, ...fromOpen } = btcUp;
      expect(formatEmail([fromOpen]).text).to.contain("  Reference:    34,983.10 (the exchange's 24 h open)\n");
      expect(formatEmail([fromOpen]).text).to.not.contain('unknown');
    });

    it('formats prices as the status page does (separators; 2, 4 or 8 decimals by size)', () => {
      expect(formatEmail([{ ...btcUp, price: 0.5234567891, reference: 0.5 }]).text).to.contain('  Price:        0.52345679 at ');
      expect(formatEmail([{ ...btcUp, price: 2.5, reference: 2 }]).text).to.contain('  Reference:    2.00 at ');
      expect(formatEmail([{ ...btcUp, price: 67200, reference: 64000 }]).text).to.contain('  Price:        67,200.00 at ');
    });

    it('describes a feed alert with its reason and times', () => {
      const { text } = formatEmail([krakenDown]);
      expect(text).to.contain(
        [
          'kraken feed down for 2m 5s',
          '  Rule:         feed_down',
          '  Last live:    2023-11-14T22:11:17.000Z',
          '  Blind for:    2m 5s',
          '  Reason:       socket closed <1006>',
          `  Raised at:    ${new Date(T0 + 2000).toISOString()}`,
        ].join('\n'),
      );
    });

    it('has one section per alert of a digest, in arrival order', () => {
      const { text } = formatEmail([btcUp, krakenDown, ethDown]);
      expect(text.startsWith('crypto-supervisor raised 3 alerts.\n')).to.equal(true);
      const headings = ['\nBTC/USDT on binance: up', '\nkraken feed down', '\nETH/USDT on coinbase: down'];
      const positions = headings.map((heading) => text.indexOf(heading));
      expect(positions.every((p) => p > 0)).to.equal(true);
      expect(positions).to.deep.equal([...positions].sort((a, b) => a - b));
    });
  });

  describe('html body', () => {
    it('has the same rows as the text, escaped', () => {
      const { html } = formatEmail([btcUp, krakenDown]);
      expect(html).to.contain('<h3>BTC/USDT on binance: up +5.23% in 24h</h3>');
      expect(html).to.contain('<tr><th align="left">Price</th><td>36,812.50 at 2023-11-14T22:13:20.000Z</td></tr>');
      expect(html).to.contain('<tr><th align="left">Reason</th><td>socket closed &lt;1006&gt;</td></tr>');
      expect(html).not.to.contain('<1006>');
    });
  });

  it('is pure: the same alerts give the same email', () => {
    expect(formatEmail([btcUp, ethDown])).to.deep.equal(formatEmail([{ ...btcUp }, { ...ethDown }]));
  });
});
