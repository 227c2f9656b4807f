import type { Alert } from '../domain/alert.js';
import type { FeedEvent, FeedState } from '../domain/feed-status.js';
import type { ChannelEvent, MailView, OpsFeed, SilenceView, SymbolView } from './ops-sources.js';

/** How many alerts the status page keeps. */
export const STATUS_PAGE_ALERTS = 50;

/** How many caught emails the status page keeps. */
export const STATUS_PAGE_MAILS = 20;

/** The colour of a feed's status light. */
export type FeedLight = 'green' | 'amber' | 'red' | 'grey';

/** One feed as the status page shows it. */
export interface FeedView {
  readonly exchange: string;
  readonly symbols: readonly string[];
  /** Absent until the feed reported a status. */
  readonly state?: FeedState;
  readonly since?: number;
  /** While not live: when the feed was last live (or started), kept across retries. */
  readonly notLiveSince?: number;
  readonly reconnects: number;
  readonly reason?: string;
  /** Set while a `feed_down` alert is open: when the feed went blind (ms). */
  readonly blindSince?: number;
  readonly ticks: number;
  readonly rejected: number;
  /** green: live; amber: first connection; grey: stopped; red: anything else (`degraded` included). */
  readonly light: FeedLight;
}

/** One alert channel as the status page shows it (never a secret: the label is made safe by the channel). */
export interface ChannelView {
  readonly channel: string;
  readonly label: string;
  /** `ok` (nothing failing), `retrying` (since `since`, last `reason`), `failing` (the last batch was refused for good: `reason`). */
  readonly state: 'ok' | 'retrying' | 'failing';
  readonly since?: number;
  readonly reason?: string;
  /** Journaled alerts not delivered yet. */
  readonly backlog: number;
  readonly delivered: number;
}

/** One (exchange, symbol) row: the latest tick's view, if any, and its silence. */
export interface SymbolRow extends Partial<SymbolView> {
  readonly exchange: string;
  readonly symbol: string;
  /** Set while the symbol is silent on a live feed (ms). */
  readonly silentSince?: number;
}

/** Everything the page needs to draw itself from nothing (sent on every (re)connect). */
export interface StatusSnapshot {
  /** Server clock (ms), so the page can show ages without trusting the browser's clock. */
  readonly now: number;
  readonly startedAt: number;
  readonly feeds: readonly FeedView[];
  readonly symbols: readonly SymbolRow[];
  /** Newest first, at most {@link STATUS_PAGE_ALERTS}. */
  readonly alerts: readonly Alert[];
  /** The alert channels, in start order. */
  readonly channels: readonly ChannelView[];
  /** With a mail catcher only (the demo): caught emails, newest first, at most {@link STATUS_PAGE_MAILS}. */
  readonly mail?: readonly MailView[];
}

/** What changed since the previous update; only non-empty parts are present. */
export interface StatusUpdate {
  readonly now: number;
  readonly feeds?: readonly FeedView[];
  readonly symbols?: readonly SymbolRow[];
  /** Rows to take away (`exchange symbol`): symbols a config reload removed. */
  readonly removedSymbols?: readonly string[];
  /** New alerts, oldest first. */
  readonly alerts?: readonly Alert[];
  /** Every channel, when one changed. */
  readonly channels?: readonly ChannelView[];
  /** Every caught email, newest first, when one arrived. */
  readonly mail?: readonly MailView[];
}

/** The status page's state, updated in place per event. */
export interface StatusBoard {
  symbol(view: SymbolView): void;
  feedEvent(event: FeedEvent): void;
  alert(alert: Alert): void;
  silence(silence: SilenceView): void;
  channelEvent(event: ChannelEvent): void;
  /** An email the mail catcher received (only shown with `mailPanel`). */
  mail(mail: MailView): void;
  /** Current state of every enabled feed (and any other exchange seen). */
  feeds(): readonly FeedView[];
  /**
   * The enabled feeds after a config reload: a new symbol gets a row before its
   * first tick, a removed one's row is dropped (the next update says so), each
   * listed feed's symbols are these.
   */
  setFeeds(feeds: readonly OpsFeed[]): void;
  snapshot(): StatusSnapshot;
  /** What changed since the last call, or `undefined` when nothing did. */
  takeUpdate(): StatusUpdate | undefined;
}

interface MutableFeed {
  exchange: string;
  symbols: string[];
  state?: FeedState;
  since?: number;
  notLiveSince?: number;
  reconnects: number;
  reason?: string;
  blindSince?: number;
  ticks: number;
  rejected: number;
}

interface MutableRow {
  readonly exchange: string;
  readonly symbol: string;
  view?: SymbolView;
  silentSince?: number;
}

/**
 * Creates the status page's state: the latest view per symbol, each feed's
 * status and counters, the last {@link STATUS_PAGE_ALERTS} alerts. A tick
 * costs two map look-ups and no copy; changed keys are collected for the
 * next {@link StatusBoard.takeUpdate}.
 *
 * @param feeds the enabled feeds: their symbols get a row before their first tick.
 * @param now the server clock.
 * @param onChange called after every change (the server throttles pushes on it).
 * @param options `mailPanel`: keep caught emails and show them (the demo's mail catcher).
 *
 * @example
 * const board = createStatusBoard([{ exchange: 'binance', symbols: ['BTC/USDT'] }], Date.now, () => undefined);
 * board.symbol({ exchange: 'binance', symbol: 'BTC/USDT', price: 67000, ts: 0 });
 * board.snapshot().symbols[0]?.price;
 * // 67000
 */
export function createStatusBoard(
  feeds: readonly OpsFeed[],
  now: () => number,
  onChange: () => void,
  options: { readonly mailPanel?: boolean } = {},
): StatusBoard {
  const mails: MailView[] | undefined = options.mailPanel ? [] : undefined;
  let mailChanged = false;
  const startedAt = now();
  const feedsByExchange = new Map<string, MutableFeed>();
  const rows = new Map<string, MutableRow>();
  const alerts: Alert[] = [];
  const changedFeeds = new Set<MutableFeed>();
  const changedRows = new Set<MutableRow>();
  const newAlerts: Alert[] = [];
  const removedRows = new Set<string>();
  const channels = new Map<string, ChannelView>();
  let channelsChanged = false;

  const feedOf = (exchange: string): MutableFeed => {
    let feed = feedsByExchange.get(exchange);
    if (feed === undefined) {
      feed = { exchange, symbols: [], reconnects: 0, ticks: 0, rejected: 0 };
      feedsByExchange.set(exchange, feed);
    }
    return feed;
  };
  const rowOf = (exchange: string, symbol: string): MutableRow => {
    const key = `${exchange} ${symbol}`;
    let row = rows.get(key);
    if (row === undefined) {
      row = { exchange, symbol };
      rows.set(key, row);
    }
    return row;
  };
  for (const { exchange, symbols } of feeds) {
    const feed = feedOf(exchange);
    for (const symbol of symbols) {
      if (!feed.symbols.includes(symbol)) feed.symbols.push(symbol);
      rowOf(exchange, symbol);
    }
  }
  const feedChanged = (feed: MutableFeed) => {
    changedFeeds.add(feed);
    onChange();
  };

  return {
    symbol(view) {
      const row = rowOf(view.exchange, view.symbol);
      row.view = view;
      const feed = feedOf(view.exchange);
      feed.ticks += 1;
      changedRows.add(row);
      changedFeeds.add(feed);
      onChange();
    },
    feedEvent(event) {
      if (event.type === 'status') {
        const { exchange, state, since, reconnects, reason, notLiveSince } = event.status;
        const feed = feedOf(exchange);
        feed.state = state;
        feed.since = since;
        feed.notLiveSince = notLiveSince;
        feed.reconnects = reconnects;
        feed.reason = reason;
        feedChanged(feed);
      } else if (event.type === 'rejected') {
        const feed = feedOf(event.exchange);
        feed.rejected += 1;
        feedChanged(feed);
      }
    },
    alert(alert) {
      alerts.unshift(alert);
      if (alerts.length > STATUS_PAGE_ALERTS) alerts.pop();
      newAlerts.push(alert);
      if (newAlerts.length > STATUS_PAGE_ALERTS) newAlerts.shift();
      if (alert.kind === 'feed') {
        const feed = feedOf(alert.exchange);
        feed.blindSince = alert.rule === 'feed_down' ? alert.downSince : undefined;
        changedFeeds.add(feed);
      }
      onChange();
    },
    silence(silence) {
      const row = rowOf(silence.exchange, silence.symbol);
      row.silentSince = silence.type === 'silent' ? silence.silentSinceTs : undefined;
      changedRows.add(row);
      onChange();
    },
    channelEvent(event) {
      const before = channels.get(event.channel);
      const base = { channel: event.channel, label: event.label ?? before?.label ?? event.channel, backlog: event.backlog, delivered: before?.delivered ?? 0 };
      let view: ChannelView;
      if (event.type === 'retry') {
        view = { ...base, state: 'retrying', since: event.since ?? before?.since ?? now(), ...(event.reason ? { reason: event.reason } : {}) };
      } else if (event.type === 'quarantined') {
        view = { ...base, state: 'failing', since: now(), ...(event.reason ? { reason: event.reason } : {}) };
      } else if (event.type === 'delivered') {
        view = { ...base, state: 'ok', delivered: base.delivered + 1 };
      } else view = before ? { ...before, backlog: event.backlog } : { ...base, state: 'ok' };
      channels.set(event.channel, view);
      channelsChanged = true;
      onChange();
    },
    mail(mail) {
      if (mails === undefined) return;
      mails.unshift(mail);
      if (mails.length > STATUS_PAGE_MAILS) mails.pop();
      mailChanged = true;
      onChange();
    },
    feeds: () => [...feedsByExchange.values()].map(feedView),
    setFeeds(next) {
      const wanted = new Set(next.flatMap(({ exchange, symbols }) => symbols.map((symbol) => `${exchange} ${symbol}`)));
      for (const [key, row] of rows) {
        if (wanted.has(key)) continue;
        rows.delete(key);
        changedRows.delete(row);
        removedRows.add(key);
      }
      const listed = new Set(next.map((feed) => feed.exchange));
      for (const feed of feedsByExchange.values()) {
        if (listed.has(feed.exchange) || feed.symbols.length === 0) continue;
        feed.symbols = [];
        changedFeeds.add(feed);
      }
      for (const { exchange, symbols } of next) {
        const feed = feedOf(exchange);
        feed.symbols = [...symbols];
        changedFeeds.add(feed);
        for (const symbol of symbols) {
          const key = `${exchange} ${symbol}`;
          if (rows.has(key)) continue;
          removedRows.delete(key);
          changedRows.add(rowOf(exchange, symbol));
        }
      }
      onChange();
    },
    snapshot: () => ({
      now: now(),
      startedAt,
      feeds: [...feedsByExchange.values()].map(feedView),
      symbols: [...rows.values()].map(rowView),
      alerts: [...alerts],
      channels: [...channels.values()],
      ...(mails ? { mail: [...mails] } : {}),
    }),
    takeUpdate() {
      if (changedFeeds.size === 0 && changedRows.size === 0 && removedRows.size === 0 && newAlerts.length === 0 && !channelsChanged && !mailChanged) return undefined;
      const update: StatusUpdate = {
        now: now(),
        ...(changedFeeds.size > 0 ? { feeds: [...changedFeeds].map(feedView) } : {}),
        ...(changedRows.size > 0 ? { symbols: [...changedRows].map(rowView) } : {}),
        ...(removedRows.size > 0 ? { removedSymbols: [...removedRows] } : {}),
        ...(newAlerts.length > 0 ? { alerts: [...newAlerts] } : {}),
        ...(channelsChanged ? { channels: [...channels.values()] } : {}),
        ...(mailChanged && mails ? { mail: [...mails] } : {}),
      };
      channelsChanged = false;
      mailChanged = false;
      changedFeeds.clear();
      changedRows.clear();
      removedRows.clear();
      newAlerts.length = 0;
      return update;
    },
  };
}

function feedView(feed: MutableFeed): FeedView {
  return { ...feed, symbols: [...feed.symbols], light: lightOf(feed) };
}

function rowView(row: MutableRow): SymbolRow {
  return { ...row.view, exchange: row.exchange, symbol: row.symbol, ...(row.silentSince === undefined ? {} : { silentSince: row.silentSince }) };
}

function lightOf(feed: MutableFeed): FeedLight {
  if (feed.state === 'live') return 'green';
  if (feed.state === 'stopped') return 'grey';
  const firstAttempt = feed.state === undefined || (feed.state === 'connecting' && feed.reconnects === 0);
  return firstAttempt && feed.blindSince === undefined ? 'amber' : 'red';
}
