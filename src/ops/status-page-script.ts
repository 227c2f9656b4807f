/**
 * The status page's script (`GET /status.js`): vanilla JS, no build step.
 *
 * It opens an `EventSource` on `events`; the server answers every (re)connect
 * with a `snapshot` event (the whole state, which replaces the page's), then
 * `update` events with what changed, and a `silences` event (the whole list)
 * whenever the silences in force change. Ages ("3 s ago") are computed from the
 * server's clock, refreshed each second locally: no polling.
 * `window.statusPage.disconnect()` / `.connect()` exist for tests and debugging.
 *
 * Written without template literals, so it can live in this String.raw.
 */
export const STATUS_PAGE_SCRIPT = String.raw`(function () {
  'use strict';
  var MAX_ALERTS = 50;
  var state = { feeds: new Map(), rows: new Map(), alerts: [], offset: 0, connected: false };
  var source = null;
  var retryTimer = null;

  function $(id) { return document.getElementById(id); }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function serverNow() { return Date.now() + state.offset; }
  function isNum(x) { return typeof x === 'number' && isFinite(x); }

  function fmtPrice(p) {
    if (!isNum(p)) return '\u2014';
    var digits = p >= 100 ? 2 : p >= 1 ? 4 : 8;
    return p.toLocaleString('en-US', { minimumFractionDigits: Math.min(2, digits), maximumFractionDigits: digits });
  }
  function fmtThreshold(f) {
    return String(+(f * 100).toFixed(4)) + ' %';
  }
  function fmtPct(f) {
    if (!isNum(f)) return '\u2014';
    return (f > 0 ? '+' : f < 0 ? '\u2212' : '') + Math.abs(f * 100).toFixed(2) + ' %';
  }
  function fmtCoverage(c) { return isNum(c) ? Math.round(c * 100) + ' %' : '\u2014'; }
  function fmtDuration(ms) {
    var s = Math.max(0, ms) / 1000;
    if (s < 10) return s.toFixed(1) + ' s';
    if (s < 60) return Math.floor(s) + ' s';
    var m = Math.floor(s / 60);
    if (m < 60) return m + ' min' + (m < 10 && s % 60 >= 1 ? ' ' + Math.floor(s % 60) + ' s' : '');
    var h = Math.floor(m / 60);
    return h + ' h ' + (m % 60) + ' min';
  }
  function fmtTime(ts) {
    return new Date(ts).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
  }
  function signClass(f) { return !isNum(f) || f === 0 ? '' : f > 0 ? 'up' : 'down'; }
  function windowName(ms) {
    if (ms % 3600000 === 0) return (ms / 3600000) + ' h';
    if (ms % 60000 === 0) return (ms / 60000) + ' min';
    return fmtDuration(ms);
  }

  // ---- feeds
  var STATE_WORDS = { live: 'live', connecting: 'connecting', stale: 'stale', degraded: 'degraded', backoff: 'reconnecting', stopped: 'stopped' };
  function renderFeeds() {
    var box = $('feeds');
    box.textContent = '';
    state.feeds.forEach(function (feed) {
      var card = el('div', 'feed');
      card.dataset.feed = feed.exchange;
      card.dataset.color = feed.light;
      card.dataset.state = feed.state || 'unknown';
      var title = el('div', 'title');
      var light = el('span', 'light');
      light.dataset.color = feed.light;
      title.appendChild(light);
      title.appendChild(el('span', 'name', feed.exchange));
      title.appendChild(el('span', 'state', feed.state ? (STATE_WORDS[feed.state] || feed.state) : 'no status yet'));
      card.appendChild(title);
      var since = el('div', 'line since');
      // Not live: counted from the last moment the feed was live, not from the latest retry.
      var from = feed.state !== 'live' && isNum(feed.notLiveSince) ? feed.notLiveSince : feed.since;
      since.dataset.since = isNum(from) ? String(from) : '';
      card.appendChild(since);
      card.appendChild(el('div', 'line reconnects',
        feed.reconnects + (feed.reconnects === 1 ? ' reconnect' : ' reconnects') + ' \u00b7 ' +
        feed.ticks.toLocaleString('en-US') + ' ticks' + (feed.rejected ? ' \u00b7 ' + feed.rejected + ' malformed' : '')));
      if (isNum(feed.blindSince)) {
        var blind = el('div', 'reason blind');
        blind.dataset.since = String(feed.blindSince);
        card.appendChild(blind);
      }
      if (feed.state !== 'live' && feed.reason) card.appendChild(el('div', 'reason', feed.reason));
      box.appendChild(card);
    });
    renderOverall();
    refreshAges();
  }
  function renderOverall() {
    var down = 0, starting = 0, total = 0;
    state.feeds.forEach(function (feed) {
      total += 1;
      if (feed.light === 'red') down += 1;
      if (feed.light === 'amber') starting += 1;
    });
    var badge = $('overall');
    if (total === 0) { badge.textContent = 'no feed enabled'; badge.dataset.color = 'amber'; }
    else if (down > 0) { badge.textContent = down + (down === 1 ? ' feed down' : ' feeds down'); badge.dataset.color = 'red'; }
    else if (starting > 0) { badge.textContent = 'starting'; badge.dataset.color = 'amber'; }
    else { badge.textContent = 'all feeds live'; badge.dataset.color = 'green'; }
    document.title = (down > 0 ? '\u25cf ' + badge.textContent + ' \u2014 ' : '') + 'crypto-supervisor';
  }

  // ---- prices: one <tr> per (exchange, symbol), updated in place
  function rowKey(row) { return row.exchange + ' ' + row.symbol; }
  function ensureRow(key, row) {
    var tr = document.querySelector('tr[data-key="' + CSS.escape(key) + '"]');
    if (tr) return tr;
    tr = el('tr');
    tr.dataset.key = key;
    tr.dataset.exchange = row.exchange;
    tr.dataset.symbol = row.symbol;
    ['left exchange', 'left symbol', 'price', 'change24h', 'changeShort', 'coverage', 'age'].forEach(function (cls) {
      tr.appendChild(el('td', cls));
    });
    tr.children[0].textContent = row.exchange;
    tr.children[1].textContent = row.symbol;
    $('prices').tBodies[0].appendChild(tr);
    return tr;
  }
  function renderRow(row, previous) {
    var tr = ensureRow(rowKey(row), row);
    var cells = tr.children;
    var price = cells[2];
    price.textContent = fmtPrice(row.price);
    if (previous && isNum(previous.price) && isNum(row.price) && row.price !== previous.price) {
      price.classList.remove('flash-up', 'flash-down');
      void price.offsetWidth;
      price.classList.add(row.price > previous.price ? 'flash-up' : 'flash-down');
      setTimeout(function () { price.classList.remove('flash-up', 'flash-down'); }, 120);
    }
    cells[3].textContent = fmtPct(row.change24h);
    cells[3].className = 'change24h ' + signClass(row.change24h);
    cells[4].textContent = fmtPct(row.changeShort);
    cells[4].className = 'changeShort ' + signClass(row.changeShort);
    cells[5].textContent = fmtCoverage(row.coverage24h) + ' / ' + fmtCoverage(row.coverageShort);
    tr.classList.toggle('silent', isNum(row.silentSince));
  }
  function renderAllRows() {
    $('prices').tBodies[0].textContent = '';
    state.rows.forEach(function (row) { renderRow(row); });
  }

  // ---- alerts, newest first
  function divergenceSide(a, side) {
    return (a.high.symbol === a.low.symbol ? side.exchange : side.symbol + ' on ' + side.exchange) + ' ' + fmtPrice(side.price);
  }
  function describeAlert(a) {
    if (a.kind === 'divergence') {
      return [a.high.symbol === a.low.symbol ? a.high.symbol : a.group, ' ' + Math.abs(a.spread * 100).toFixed(2) + ' % apart: ' +
        divergenceSide(a, a.high) + ' vs ' + divergenceSide(a, a.low) + ' for ' + fmtDuration(a.ts - a.since) +
        ', threshold ' + fmtThreshold(a.threshold)];
    }
    if (a.kind === 'feed') {
      return a.rule === 'feed_down'
        ? [a.exchange, ' feed down: blind for ' + fmtDuration(a.blindMs) + (a.reason ? ' (' + a.reason + ')' : '')]
        : [a.exchange, ' feed recovered: was blind for ' + fmtDuration(a.blindMs)];
    }
    if (a.rule === 'level_above' || a.rule === 'level_below') {
      return [a.exchange + ' ' + a.symbol, (a.rule === 'level_above' ? ' rose through ' : ' fell through ') +
        fmtPrice(isNum(a.threshold) ? a.threshold : a.reference) + ' at ' + fmtPrice(a.price)];
    }
    return [a.exchange + ' ' + a.symbol, ' ' + fmtPct(a.change) + ' in ' + windowName(a.windowMs) +
      (a.fromLevel > 0 ? ' (level ' + a.level + ')' : '') + ' at ' + fmtPrice(a.price) + ', from ' + fmtPrice(a.reference) +
      (isNum(a.threshold) ? ', threshold ' + fmtThreshold(a.threshold) : '')];
  }
  function alertColor(a) {
    if (a.kind === 'divergence') return 'apart';
    if (a.kind === 'feed') return a.rule === 'feed_down' ? 'down' : 'up';
    return a.direction === 'up' ? 'up' : 'down';
  }
  function alertItem(a, fresh) {
    var li = el('li', fresh ? 'new' : '');
    li.dataset.rule = a.rule;
    if (a.kind === 'divergence') {
      li.dataset.exchange = [a.high.exchange, a.low.exchange].filter(function (e, i, all) { return all.indexOf(e) === i; }).sort().join(',');
      li.dataset.symbol = a.high.symbol;
    } else {
      li.dataset.exchange = a.exchange;
      if (a.symbol) li.dataset.symbol = a.symbol;
    }
    var time = el('time', '', fmtTime(a.ts));
    time.dateTime = new Date(a.ts).toISOString();
    li.appendChild(time);
    var color = alertColor(a);
    li.appendChild(el('span', color, color === 'apart' ? '\u2194' : color === 'up' ? '\u25b2' : '\u25bc'));
    var parts = describeAlert(a);
    var what = el('span', 'what');
    what.appendChild(el('b', '', parts[0]));
    what.appendChild(document.createTextNode(parts[1]));
    li.appendChild(what);
    return li;
  }
  function renderAlerts(freshCount) {
    var list = $('alerts');
    list.textContent = '';
    state.alerts.forEach(function (a, i) { list.appendChild(alertItem(a, i < freshCount)); });
    $('no-alerts').hidden = state.alerts.length > 0;
    list.hidden = state.alerts.length === 0;
  }

  // ---- alert channels: ok, retrying since T, failing: reason
  function renderChannels() {
    var list = $('channels');
    list.textContent = '';
    (state.channels || []).forEach(function (c) {
      var li = el('li', 'channel');
      li.dataset.channel = c.channel;
      li.dataset.state = c.state;
      li.appendChild(el('b', '', c.label));
      var words = c.state === 'ok' ? ' ok' : c.state === 'retrying'
        ? ' retrying since ' + fmtTime(c.since) + (c.reason ? ': ' + c.reason : '')
        : ' failing: ' + (c.reason || 'refused');
      if (c.backlog > 0) words += ' (' + c.backlog + ' waiting)';
      li.appendChild(document.createTextNode(words));
      list.appendChild(li);
    });
    $('no-channels').hidden = (state.channels || []).length > 0;
  }

  // ---- caught mail (the demo's mail catcher only), newest first
  function renderMail() {
    if (!state.mail) return;
    $('mail-panel').hidden = false;
    var list = $('mail');
    list.textContent = '';
    state.mail.forEach(function (m) {
      var li = el('li', 'caught');
      var time = el('time', '', fmtTime(m.ts));
      time.setAttribute('datetime', new Date(m.ts).toISOString());
      li.appendChild(time);
      li.appendChild(el('span', 'subject', m.subject));
      li.appendChild(el('pre', '', m.text));
      list.appendChild(li);
    });
    $('no-mail').hidden = state.mail.length > 0;
    list.hidden = state.mail.length === 0;
  }

  // ---- ages, once a second, from the server's clock
  function refreshAges() {
    var now = serverNow();
    document.querySelectorAll('#feeds .since').forEach(function (node) {
      var card = node.closest('.feed');
      var since = node.dataset.since;
      node.textContent = since ? (card.dataset.state === 'live' ? 'live for ' : 'not live for ') + fmtDuration(now - Number(since)) +
        ' (since ' + fmtTime(Number(since)) + ')' : 'waiting for the first status';
    });
    document.querySelectorAll('#feeds .blind').forEach(function (node) {
      node.textContent = 'blind for ' + fmtDuration(now - Number(node.dataset.since));
    });
    state.rows.forEach(function (row) {
      var tr = document.querySelector('tr[data-key="' + CSS.escape(rowKey(row)) + '"]');
      if (!tr) return;
      var cell = tr.children[6];
      var last = isNum(row.receivedAt) ? row.receivedAt : row.ts;
      cell.textContent = isNum(last) ? fmtDuration(now - last) + ' ago' : 'no tick yet';
      if (isNum(row.silentSince)) {
        cell.appendChild(el('span', 'tag', 'silent ' + fmtDuration(now - row.silentSince)));
      }
    });
  }

  // ---- the stream
  function onSnapshot(event) {
    var snapshot = JSON.parse(event.data);
    state.offset = snapshot.now - Date.now();
    state.feeds = new Map();
    snapshot.feeds.forEach(function (f) { state.feeds.set(f.exchange, f); });
    state.rows = new Map();
    snapshot.symbols.forEach(function (r) { state.rows.set(rowKey(r), r); });
    state.alerts = snapshot.alerts.slice(0, MAX_ALERTS);
    state.channels = snapshot.channels || [];
    state.mail = snapshot.mail;
    renderMail();
    renderChannels();
    renderFeeds();
    renderAllRows();
    renderAlerts(0);
    refreshAges();
  }
  function onUpdate(event) {
    var update = JSON.parse(event.data);
    state.offset = update.now - Date.now();
    if (update.feeds) {
      update.feeds.forEach(function (f) { state.feeds.set(f.exchange, f); });
      renderFeeds();
    }
    if (update.removedSymbols) {
      update.removedSymbols.forEach(function (key) {
        state.rows.delete(key);
        var tr = document.querySelector('tr[data-key="' + CSS.escape(key) + '"]');
        if (tr) tr.remove();
      });
    }
    if (update.symbols) {
      update.symbols.forEach(function (r) {
        var key = rowKey(r);
        var previous = state.rows.get(key);
        state.rows.set(key, r);
        renderRow(r, previous);
      });
    }
    if (update.mail) {
      state.mail = update.mail;
      renderMail();
    }
    if (update.channels) {
      state.channels = update.channels;
      renderChannels();
    }
    if (update.alerts) {
      state.alerts = update.alerts.slice().reverse().concat(state.alerts).slice(0, MAX_ALERTS);
      renderAlerts(update.alerts.length);
    }
    refreshAges();
  }
  // The silences in force, whole, each time they change (API, config reload): the section is drawn again.
  function onSilences(event) {
    var list = $('silences');
    var none = $('no-silences');
    if (!list || !none) return;
    var silences = JSON.parse(event.data);
    list.textContent = '';
    silences.forEach(function (silence) {
      var item = el('li', 'silence');
      item.dataset.silence = silence.id;
      item.appendChild(el('b', '', silence.id));
      item.appendChild(document.createTextNode(' (' + silence.who + '): ' + silence.what));
      list.appendChild(item);
    });
    list.hidden = silences.length === 0;
    none.hidden = silences.length > 0;
  }
  function setConnection(word) {
    var node = $('connection');
    node.dataset.state = word;
    node.textContent = word === 'open' ? 'live' : word;
  }
  function connect() {
    clearTimeout(retryTimer);
    if (source) source.close();
    setConnection('connecting');
    source = new EventSource('events');
    source.addEventListener('snapshot', onSnapshot);
    source.addEventListener('update', onUpdate);
    source.addEventListener('silences', onSilences);
    source.onopen = function () { setConnection('open'); };
    source.onerror = function () {
      setConnection('reconnecting');
      // The browser retries by itself after a network error, but gives up after an HTTP error.
      if (source.readyState === EventSource.CLOSED) retryTimer = setTimeout(connect, 5000);
    };
  }
  function disconnect() {
    clearTimeout(retryTimer);
    if (source) source.close();
    source = null;
    setConnection('disconnected');
  }

  window.statusPage = { connect: connect, disconnect: disconnect };
  // The page arrives with the server's state (rendered, and as JSON): draw it in local time at once.
  var initial = $('snapshot');
  if (initial) onSnapshot({ data: initial.textContent });
  setInterval(refreshAges, 1000);
  connect();
})();
`;
