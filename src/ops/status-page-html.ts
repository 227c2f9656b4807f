/**
 * The status page (`GET /`): static HTML and CSS; `status.js`
 * ({@link STATUS_PAGE_SCRIPT}) fills it from `GET /events`. Kept as a string
 * because tsc does not copy `.html` files to `dist/`. URLs are relative, so
 * the page also works behind a reverse proxy under a path prefix.
 */
export const STATUS_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>crypto-supervisor</title>
<link rel="icon" href="data:,">
<style>
  :root {
    --bg: #0d1117; --panel: #161b22; --panel-2: #1c232c; --line: #2a3340; --text: #dde3ea; --muted: #8b97a6;
    --green: #2fd177; --red: #ff5d5d; --amber: #f4b740; --grey: #6e7a89;
  }
  * { box-sizing: border-box; }
  body { margin: 0; background: var(--bg); color: var(--text);
    font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
  header { display: flex; align-items: center; gap: 14px; padding: 14px 28px; border-bottom: 1px solid var(--line); background: #10151c; }
  header h1 { margin: 0; font-size: 17px; font-weight: 650; letter-spacing: .2px; }
  header .spacer { flex: 1; }
  .badge { padding: 3px 10px; border-radius: 999px; font-size: 12px; font-weight: 600; border: 1px solid var(--line); color: var(--muted); }
  .badge[data-color=green] { color: var(--green); border-color: rgba(47,209,119,.45); background: rgba(47,209,119,.08); }
  .badge[data-color=red] { color: var(--red); border-color: rgba(255,93,93,.5); background: rgba(255,93,93,.1); }
  .badge[data-color=amber] { color: var(--amber); border-color: rgba(244,183,64,.5); background: rgba(244,183,64,.08); }
  .connection { font-size: 12px; color: var(--muted); }
  .connection[data-state=open]::before { content: "\\25CF  "; color: var(--green); }
  .connection[data-state=reconnecting]::before, .connection[data-state=connecting]::before { content: "\\25CB  "; color: var(--amber); }
  main { padding: 22px 28px 40px; display: grid; gap: 26px; max-width: 1280px; }
  h2 { margin: 0 0 10px; font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: .09em; color: var(--muted); }
  .feeds { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 12px; }
  .feed { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; }
  .feed[data-color=red] { border-color: rgba(255,93,93,.55); }
  .feed .title { display: flex; align-items: center; gap: 9px; font-weight: 600; font-size: 15px; }
  .feed .state { margin-left: auto; font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); }
  .feed[data-color=green] .state { color: var(--green); }
  .feed[data-color=red] .state { color: var(--red); }
  .feed[data-color=amber] .state { color: var(--amber); }
  .feed .line { color: var(--muted); font-size: 12.5px; margin-top: 4px; }
  .feed .reason { color: var(--red); font-size: 12.5px; margin-top: 4px; word-break: break-word; }
  .light { width: 11px; height: 11px; border-radius: 50%; display: inline-block; background: var(--grey); flex: none; }
  .light[data-color=green] { background: var(--green); box-shadow: 0 0 8px rgba(47,209,119,.8); }
  .light[data-color=red] { background: var(--red); box-shadow: 0 0 8px rgba(255,93,93,.8); }
  .light[data-color=amber] { background: var(--amber); box-shadow: 0 0 8px rgba(244,183,64,.7); }
  table { width: 100%; border-collapse: separate; border-spacing: 0; background: var(--panel); border: 1px solid var(--line); border-radius: 10px; overflow: hidden; }
  th, td { padding: 9px 14px; text-align: right; border-bottom: 1px solid var(--line); white-space: nowrap; font-variant-numeric: tabular-nums; }
  tr:last-child td { border-bottom: 0; }
  th { background: var(--panel-2); color: var(--muted); font-size: 12px; font-weight: 600; }
  th.left, td.left { text-align: left; }
  td.symbol { font-weight: 600; }
  td.price { font-weight: 600; transition: background-color .8s; }
  td.price.flash-up { background: rgba(47,209,119,.22); transition: none; }
  td.price.flash-down { background: rgba(255,93,93,.22); transition: none; }
  .up { color: var(--green); }
  .down { color: var(--red); }
  .apart { color: var(--amber); }
  .muted { color: var(--muted); }
  tr.silent td { color: var(--muted); }
  .tag { display: inline-block; margin-left: 6px; padding: 0 7px; border-radius: 6px; font-size: 11px; font-weight: 600;
    color: var(--amber); border: 1px solid rgba(244,183,64,.5); }
  .alerts { list-style: none; margin: 0; padding: 0; background: var(--panel); border: 1px solid var(--line); border-radius: 10px; overflow: hidden; }
  .alerts li { display: grid; grid-template-columns: 82px 14px 1fr; gap: 10px; align-items: baseline; padding: 8px 14px; border-bottom: 1px solid var(--line); }
  .alerts li:last-child { border-bottom: 0; }
  .alerts li.new { animation: arrive 1.5s ease-out; }
  @keyframes arrive { from { background: rgba(88,166,255,.25); } to { background: transparent; } }
  .alerts time { color: var(--muted); font-variant-numeric: tabular-nums; }
  .alerts .what b { font-weight: 600; }
  .mail li { grid-template-columns: 82px 1fr; }
  .mail pre { grid-column: 1 / -1; margin: 4px 0 0; white-space: pre-wrap; color: var(--muted); font-size: 12px; }
  .empty { color: var(--muted); padding: 10px 2px; }
  footer { color: var(--muted); font-size: 12px; padding: 0 28px 24px; }
  footer a { color: var(--muted); }
</style>
</head>
<body>
<header>
  <h1>crypto-supervisor</h1>
  <span id="overall" class="badge">waiting for data</span>
  <span class="spacer"></span>
  <span id="connection" class="connection" data-state="connecting">connecting</span>
</header>
<main>
  <section>
    <h2>Feeds</h2>
    <div id="feeds" class="feeds"></div>
  </section>
  <section>
    <h2>Prices</h2>
    <table id="prices">
      <thead>
        <tr>
          <th class="left">Exchange</th><th class="left">Symbol</th><th>Last price</th><th>24 h</th><th>Short window</th>
          <th>Coverage 24 h / short</th><th>Last tick</th>
        </tr>
      </thead>
      <tbody></tbody>
    </table>
  </section>
  <section>
    <h2>Alert channels</h2>
    <ul id="channels" class="channels"></ul>
    <div id="no-channels" class="empty">No alert channel is configured: alerts go to the log and the journal.</div>
  </section>
  <section>
    <h2>Last alerts</h2>
    <ol id="alerts" class="alerts"></ol>
    <div id="no-alerts" class="empty">No alert since the service started.</div>
  </section>
  <section id="mail-panel" hidden>
    <h2>Caught mail</h2>
    <ol id="mail" class="alerts mail"></ol>
    <div id="no-mail" class="empty">No email yet: the demo's mail catcher shows here what the email channel sends.</div>
  </section>
</main>
<footer>Live over Server-Sent Events from this service. Also: <a href="livez">/livez</a> · <a href="readyz">/readyz</a> · <a href="metrics">/metrics</a></footer>
<noscript><p style="padding: 0 28px">Without JavaScript this page shows the state as it was when loaded: reload for news. /livez, /readyz and /metrics need no script.</p></noscript>
<script src="status.js" defer></script>
</body>
</html>
`;
