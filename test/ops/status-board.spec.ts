import { expect } from 'chai';
import type { FeedAlert, PriceAlert } from '../../src/domain/alert.js';
import { STATUS_PAGE_ALERTS, STATUS_PAGE_MAILS, createStatusBoard } from '../../src/ops/status-board.js';

describe('createStatusBoard', () => {
  const feeds = [{ exchange: 'binance', symbols: ['BTC/USDT', 'ETH/USDT'] }];
  const alert = (level: number): PriceAlert => ({
    kind: 'price', ts: level, exchange: 'binance', symbol: 'BTC/USDT', rule: 'pct_short', direction: 'down',
    change: -0.02 * level, price: 98, reference: 100, windowMs: 3_600_000, level, coverage: 1,
  });

  it('has a row for every configured symbol before any tick, and keeps the latest tick per symbol', () => {
    let changes = 0;
    const board = createStatusBoard(feeds, () => 42, () => (changes += 1));
    expect(board.snapshot().symbols).to.deep.equal([
      { exchange: 'binance', symbol: 'BTC/USDT' },
      { exchange: 'binance', symbol: 'ETH/USDT' },
    ]);
    board.symbol({ exchange: 'binance', symbol: 'BTC/USDT', price: 1, ts: 10 });
    board.symbol({ exchange: 'binance', symbol: 'BTC/USDT', price: 2, ts: 11, change24h: 0.01 });
    expect(board.snapshot().symbols[0]).to.deep.equal({ exchange: 'binance', symbol: 'BTC/USDT', price: 2, ts: 11, change24h: 0.01 });
    expect(board.feeds()[0]?.ticks).to.equal(2);
    expect(changes).to.equal(2);
  });

  it('gives each update only what changed since the last one', () => {
    const board = createStatusBoard(feeds, () => 42, () => undefined);
    expect(board.takeUpdate()).to.equal(undefined);
    board.symbol({ exchange: 'binance', symbol: 'ETH/USDT', price: 3, ts: 10 });
    board.feedEvent({ type: 'rejected', exchange: 'binance', rejection: { reason: 'not_json', excerpt: '' } });
    const update = board.takeUpdate();
    expect(update?.symbols).to.deep.equal([{ exchange: 'binance', symbol: 'ETH/USDT', price: 3, ts: 10 }]);
    expect(update?.feeds?.map((f) => [f.ticks, f.rejected])).to.deep.equal([[1, 1]]);
    expect(update?.alerts).to.equal(undefined);
    expect(board.takeUpdate()).to.equal(undefined);
  });

  it('keeps the last alerts, newest first', () => {
    const board = createStatusBoard(feeds, () => 42, () => undefined);
    for (let level = 1; level <= STATUS_PAGE_ALERTS + 5; level++) board.alert(alert(level));
    const { alerts } = board.snapshot();
    expect(alerts).to.have.length(STATUS_PAGE_ALERTS);
    expect(alerts[0]?.ts).to.equal(STATUS_PAGE_ALERTS + 5);
    expect(alerts[STATUS_PAGE_ALERTS - 1]?.ts).to.equal(6);
  });

  it('turns the light amber on the first connection, green when live, red when down, grey when stopped', () => {
    const board = createStatusBoard(feeds, () => 42, () => undefined);
    const light = () => board.feeds()[0]?.light;
    expect(light()).to.equal('amber');
    const status = (state: 'connecting' | 'live' | 'backoff' | 'stopped', reconnects: number) =>
      board.feedEvent({ type: 'status', status: { exchange: 'binance', state, since: 0, reconnects } });
    status('connecting', 0);
    expect(light()).to.equal('amber');
    status('live', 0);
    expect(light()).to.equal('green');
    status('backoff', 1);
    expect(light()).to.equal('red');
    status('connecting', 1);
    expect(light()).to.equal('red');
    status('stopped', 1);
    expect(light()).to.equal('grey');
  });

  it('marks a feed blind while its feed_down is open, and a symbol while it is silent', () => {
    const board = createStatusBoard(feeds, () => 42, () => undefined);
    const down: FeedAlert = { kind: 'feed', rule: 'feed_down', exchange: 'binance', ts: 200, downSince: 80, blindMs: 120 };
    board.alert(down);
    expect(board.feeds()[0]).to.include({ blindSince: 80, light: 'red' });
    board.alert({ ...down, rule: 'feed_recovered', ts: 300, blindMs: 220 });
    expect(board.feeds()[0]?.blindSince).to.equal(undefined);
    board.silence({ type: 'silent', exchange: 'binance', symbol: 'ETH/USDT', silentSinceTs: 5, ts: 10 });
    expect(board.snapshot().symbols[1]).to.deep.equal({ exchange: 'binance', symbol: 'ETH/USDT', silentSince: 5 });
    board.silence({ type: 'resumed', exchange: 'binance', symbol: 'ETH/USDT', silentSinceTs: 5, ts: 20 });
    expect(board.snapshot().symbols[1]).to.deep.equal({ exchange: 'binance', symbol: 'ETH/USDT' });
  });

  it('shows each channel as ok, retrying since the first failure, or failing with its reason, and sends the change', () => {
    let clock = 100;
    const board = createStatusBoard(feeds, () => clock, () => undefined);
    board.takeUpdate();
    board.channelEvent({ type: 'started', channel: 'email', label: 'email (smtp.example.com)', backlog: 0 });
    board.channelEvent({ type: 'started', channel: 'webhook-1', label: 'webhook 1 (hooks.slack.com)', backlog: 0 });
    board.channelEvent({ type: 'retry', channel: 'email', reason: 'connect ECONNREFUSED', since: 50, backlog: 3 });
    board.channelEvent({ type: 'retry', channel: 'email', reason: 'timeout', since: 50, backlog: 3 });
    clock = 200;
    board.channelEvent({ type: 'quarantined', channel: 'webhook-1', entries: 1, reason: 'HTTP 404', backlog: 0 });
    expect(board.snapshot().channels).to.deep.equal([
      { channel: 'email', label: 'email (smtp.example.com)', backlog: 3, delivered: 0, state: 'retrying', since: 50, reason: 'timeout' },
      { channel: 'webhook-1', label: 'webhook 1 (hooks.slack.com)', backlog: 0, delivered: 0, state: 'failing', since: 200, reason: 'HTTP 404' },
    ]);
    expect(board.takeUpdate()?.channels).to.have.length(2);
    board.channelEvent({ type: 'delivered', channel: 'email', entries: 3, backlog: 0 });
    expect(board.snapshot().channels[0]).to.deep.equal({ channel: 'email', label: 'email (smtp.example.com)', backlog: 0, delivered: 1, state: 'ok' });
  });

  it('keeps caught mail, newest first and at most STATUS_PAGE_MAILS, only with mailPanel (the demo)', () => {
    const mail = (n: number) => ({ ts: n, to: ['you@demo.invalid'], subject: `mail ${n}`, text: 'body' });
    const plain = createStatusBoard(feeds, () => 42, () => undefined);
    plain.mail(mail(1));
    expect(plain.snapshot()).to.not.have.property('mail');
    expect(plain.takeUpdate()).to.equal(undefined);

    const demo = createStatusBoard(feeds, () => 42, () => undefined, { mailPanel: true });
    expect(demo.snapshot().mail).to.deep.equal([]);
    for (let n = 1; n <= STATUS_PAGE_MAILS + 1; n++) demo.mail(mail(n));
    const shown = demo.snapshot().mail!;
    expect(shown).to.have.length(STATUS_PAGE_MAILS);
    expect(shown[0]?.subject).to.equal(`mail ${STATUS_PAGE_MAILS + 1}`);
    expect(demo.takeUpdate()?.mail).to.deep.equal(shown);
    expect(demo.takeUpdate()).to.equal(undefined);
  });
});

