import { alertExchanges, alertHeadline } from '../domain/alert-text.js';
import { formatPrice } from '../domain/format-price.js';
import type { Alert } from '../domain/alert.js';
import type { MailView } from './ops-sources.js';
import type { Silence } from '../domain/silence.js';
import { silenceView } from './silence-view.js';
import type { ChannelView, FeedView, StatusSnapshot, SymbolRow } from './status-board.js';
import { STATUS_PAGE_HTML } from './status-page-html.js';

/** HTML text and attribute escaping: everything shown comes from exchanges, configs and errors. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** As the page's script shows them (and the email): 2 decimals from 100 up, 4 from 1, 8 below. */
const fmtPrice = formatPrice;

function fmtPct(f: number | undefined): string {
  if (!isNum(f)) return '\u2014';
  return `${f > 0 ? '+' : f < 0 ? '\u2212' : ''}${Math.abs(f * 100).toFixed(2)} %`;
}

const fmtCoverage = (c: number | undefined) => (isNum(c) ? `${Math.round(c * 100)} %` : '\u2014');
const signClass = (f: number | undefined) => (!isNum(f) || f === 0 ? '' : f > 0 ? ' up' : ' down');
/** The server does not know the reader's time zone: UTC, said so; the script redraws in local time. */
const utcTime = (ts: number) => `${new Date(ts).toISOString().slice(11, 19)}Z`;

const STATE_WORDS: Readonly<Record<string, string>> = { backoff: 'reconnecting' };

function feedCard(feed: FeedView): string {
  const state = feed.state ?? 'unknown';
  const from = feed.state !== 'live' && isNum(feed.notLiveSince) ? feed.notLiveSince : feed.since;
  const since = isNum(from) ? `${feed.state === 'live' ? 'live' : 'not live'} since ${utcTime(from)}` : 'waiting for the first status';
  const reconnects = `${feed.reconnects} ${feed.reconnects === 1 ? 'reconnect' : 'reconnects'} \u00b7 ${feed.ticks.toLocaleString('en-US')} ticks${feed.rejected ? ` \u00b7 ${feed.rejected} malformed` : ''}`;
  return [
    `<div class="feed" data-feed="${escapeHtml(feed.exchange)}" data-color="${feed.light}" data-state="${escapeHtml(state)}">`,
    `<div class="title"><span class="light" data-color="${feed.light}"></span><span class="name">${escapeHtml(feed.exchange)}</span>`,
    `<span class="state">${escapeHtml(feed.state ? (STATE_WORDS[feed.state] ?? feed.state) : 'no status yet')}</span></div>`,
    `<div class="line since">${since}</div>`,
    `<div class="line reconnects">${reconnects}</div>`,
    feed.state !== 'live' && feed.reason ? `<div class="reason">${escapeHtml(feed.reason)}</div>` : '',
    '</div>',
  ].join('');
}

function overall(feeds: readonly FeedView[]): { text: string; color: string } {
  const down = feeds.filter((feed) => feed.light === 'red').length;
  if (feeds.length === 0) return { text: 'no feed enabled', color: 'amber' };
  if (down > 0) return { text: `${down} ${down === 1 ? 'feed down' : 'feeds down'}`, color: 'red' };
  if (feeds.some((feed) => feed.light === 'amber')) return { text: 'starting', color: 'amber' };
  return { text: 'all feeds live', color: 'green' };
}

function priceRow(row: SymbolRow, now: number): string {
  const key = `${row.exchange} ${row.symbol}`;
  const last = isNum(row.receivedAt) ? row.receivedAt : row.ts;
  const age = isNum(last) ? `${Math.max(0, Math.round((now - last) / 1000))} s ago` : 'no tick yet';
  return [
    `<tr data-key="${escapeHtml(key)}" data-exchange="${escapeHtml(row.exchange)}" data-symbol="${escapeHtml(row.symbol)}"${isNum(row.silentSince) ? ' class="silent"' : ''}>`,
    `<td class="left exchange">${escapeHtml(row.exchange)}</td><td class="left symbol">${escapeHtml(row.symbol)}</td>`,
    `<td class="price">${fmtPrice(row.price)}</td>`,
    `<td class="change24h${signClass(row.change24h)}">${fmtPct(row.change24h)}</td>`,
    `<td class="changeShort${signClass(row.changeShort)}">${fmtPct(row.changeShort)}</td>`,
    `<td class="coverage">${fmtCoverage(row.coverage24h)} / ${fmtCoverage(row.coverageShort)}</td>`,
    `<td class="age">${age}</td></tr>`,
  ].join('');
}

/** The marker before an alert: a rise or recovery, a fall or outage, or two prices apart (a divergence). */
function alertMark(alert: Alert): { readonly color: string; readonly mark: string } {
  if (alert.kind === 'divergence') return { color: 'apart', mark: '\u2194' };
  const up = alert.kind === 'feed' ? alert.rule !== 'feed_down' : alert.direction === 'up';
  return up ? { color: 'up', mark: '\u25b2' } : { color: 'down', mark: '\u25bc' };
}

function alertItem(alert: Alert): string {
  const symbol = alert.kind === 'price' ? ` data-symbol="${escapeHtml(alert.symbol)}"` : alert.kind === 'divergence' ? ` data-symbol="${escapeHtml(alert.high.symbol)}"` : '';
  const { color, mark } = alertMark(alert);
  return `<li data-rule="${alert.rule}" data-exchange="${escapeHtml(alertExchanges(alert))}"${symbol}>`
    + `<time datetime="${new Date(alert.ts).toISOString()}">${utcTime(alert.ts)}</time>`
    + `<span class="${color}">${mark}</span><span class="what">${escapeHtml(alertHeadline(alert))}</span></li>`;
}

/** As the script words it: `ok`, `retrying since T: reason`, `failing: reason`, and what waits. */
function channelItem(channel: ChannelView): string {
  const words = channel.state === 'ok'
    ? ' ok'
    : channel.state === 'retrying'
      ? ` retrying since ${isNum(channel.since) ? utcTime(channel.since) : '?'}${channel.reason ? `: ${channel.reason}` : ''}`
      : ` failing: ${channel.reason ?? 'refused'}`;
  const waiting = channel.backlog > 0 ? ` (${channel.backlog} waiting)` : '';
  return `<li class="channel" data-channel="${escapeHtml(channel.channel)}" data-state="${channel.state}"><b>${escapeHtml(channel.label)}</b>${escapeHtml(words + waiting)}</li>`;
}

function mailItem(mail: MailView): string {
  return `<li class="caught"><time datetime="${new Date(mail.ts).toISOString()}">${utcTime(mail.ts)}</time>`
    + `<span class="subject">${escapeHtml(mail.subject)}</span><pre>${escapeHtml(mail.text)}</pre></li>`;
}

/** Who (config or API), what (the match), until when: the silences in force when the page was asked for. */
function silenceSection(silences: readonly Silence[]): string {
  const items = silences.map((silence) => {
    const { id, who, what } = silenceView(silence);
    return `<li class="silence" data-silence="${escapeHtml(id)}"><b>${escapeHtml(id)}</b> (${escapeHtml(who)}): ${escapeHtml(what)}</li>`;
  });
  // Both are always there: the page's script fills the list and shows one of them when the silences change.
  const list = `<ul id="silences" class="silences"${items.length === 0 ? ' hidden' : ''}>${items.join('\n')}</ul>`;
  const none = `<div id="no-silences" class="empty"${items.length > 0 ? ' hidden' : ''}>No silence in force.</div>`;
  return `  <section>\n    <h2>Silences</h2>\n    ${list}\n    ${none}\n  </section>`;
}

/** Replaces `marker` in `html`; a marker that is gone means the page changed under this renderer: fail loudly. */
function fill(html: string, marker: string, content: string): string {
  if (!html.includes(marker)) throw new Error(`status page HTML has no ${JSON.stringify(marker)} to fill`);
  return html.replace(marker, () => content);
}

/**
 * The status page's first response, with the state it has now: feed cards,
 * price rows, the last alerts and the overall badge, rendered on the server so
 * that the page shows content before (or without) its script and event stream.
 * The snapshot also travels as JSON (`<script id="snapshot" type="application/json">`),
 * from which the script draws the page at once in the reader's local time,
 * before `/events` sends its own.
 *
 * @example
 * send(res, 200, 'text/html; charset=utf-8', renderStatusPage(board.snapshot()));
 */
export function renderStatusPage(snapshot: StatusSnapshot, silences?: readonly Silence[]): string {
  const badge = overall(snapshot.feeds);
  let html = STATUS_PAGE_HTML;
  html = fill(html, '<span id="overall" class="badge">waiting for data</span>', `<span id="overall" class="badge" data-color="${badge.color}">${badge.text}</span>`);
  html = fill(html, '<div id="feeds" class="feeds"></div>', `<div id="feeds" class="feeds">${snapshot.feeds.map(feedCard).join('\n')}</div>`);
  html = fill(html, '<tbody></tbody>', `<tbody>${snapshot.symbols.map((row) => priceRow(row, snapshot.now)).join('\n')}</tbody>`);
  const alerts = snapshot.alerts.slice(0, 50);
  html = fill(html, '<ol id="alerts" class="alerts"></ol>', `<ol id="alerts" class="alerts"${alerts.length === 0 ? ' hidden' : ''}>${alerts.map(alertItem).join('\n')}</ol>`);
  if (alerts.length > 0) html = fill(html, '<div id="no-alerts" class="empty">', '<div id="no-alerts" class="empty" hidden>');
  const channels = snapshot.channels ?? [];
  html = fill(html, '<ul id="channels" class="channels"></ul>', `<ul id="channels" class="channels">${channels.map(channelItem).join('\n')}</ul>`);
  if (channels.length > 0) html = fill(html, '<div id="no-channels" class="empty">', '<div id="no-channels" class="empty" hidden>');
  if (snapshot.mail) {
    html = fill(html, '<section id="mail-panel" hidden>', '<section id="mail-panel">');
    html = fill(html, '<ol id="mail" class="alerts mail"></ol>', `<ol id="mail" class="alerts mail"${snapshot.mail.length === 0 ? ' hidden' : ''}>${snapshot.mail.map(mailItem).join('\n')}</ol>`);
    if (snapshot.mail.length > 0) html = fill(html, '<div id="no-mail" class="empty">', '<div id="no-mail" class="empty" hidden>');
  }
  if (silences !== undefined) html = fill(html, '</main>', `${silenceSection(silences)}\n</main>`);
  // `<` escaped so that no string in the state can close the script element.
  const json = JSON.stringify(snapshot).replace(/</g, '\\u003c');
  return fill(html, '<script src="status.js" defer></script>', `<script id="snapshot" type="application/json">${json}</script>\n<script src="status.js" defer></script>`);
}
