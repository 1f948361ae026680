/*
 * The inspector page: plain HTML, CSS and one small script, served as they are (no build step). Every URL is
 * relative, so the page works under any mount path; data is written with textContent only, never as HTML.
 */

export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>countersign inspector</title>
<link rel="stylesheet" href="app.css">
<script src="app.js" defer></script>
</head>
<body>
<header>
  <h1>countersign <span>inspector</span></h1>
  <span id="live" class="live off" title="connection to the receiver">connecting</span>
  <label>Endpoint <select id="filter-endpoint"><option value="">all</option></select></label>
  <label>Outcome <select id="filter-outcome">
    <option value="">all</option>
    <option value="accepted">accepted</option>
    <option value="duplicate">duplicate</option>
    <option value="refused">refused</option>
    <option value="handled">handled</option>
    <option value="retrying">retrying</option>
    <option value="dead-letter">dead letter</option>
    <option value="no-handler">no handler</option>
  </select></label>
  <span id="count" class="count"></span>
</header>
<form id="token-form" hidden>
  <label>This inspector needs its token <input id="token" type="password" autocomplete="off" required></label>
  <button type="submit">Open</button>
</form>
<main>
  <section class="list">
    <table>
      <thead><tr><th>Time</th><th>Endpoint</th><th>Event</th><th>Verdict</th><th>Dedupe</th><th>Handler</th></tr></thead>
      <tbody id="rows"></tbody>
    </table>
    <p id="empty" class="empty">No delivery yet. Send one, e.g. <code>countersign send docstudio COMPLETED --to &lt;this server&gt;</code>.</p>
  </section>
  <section id="detail" class="detail" hidden>
    <h2 id="detail-title"></h2>
    <div id="detail-events"></div>
    <h3>Request headers <small>(secrets and signatures redacted)</small></h3>
    <table class="kv"><tbody id="detail-headers"></tbody></table>
    <h3>Body <small id="detail-body-size"></small></h3>
    <pre id="detail-body"></pre>
    <h3>Answer</h3>
    <pre id="detail-answer"></pre>
  </section>
</main>
</body>
</html>
`;

export const APP_CSS = `:root { --bg: #f7f7f5; --fg: #1d1d1b; --muted: #6b6b66; --line: #deded8; --ok: #1f7a3d; --warn: #a15c00; --bad: #b3261e; --sel: #e8eefc; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; gap: 16px; align-items: center; padding: 10px 16px; border-bottom: 1px solid var(--line); background: #fff; position: sticky; top: 0; }
h1 { font-size: 16px; margin: 0 8px 0 0; } h1 span { font-weight: 400; color: var(--muted); }
select, input, button { font: inherit; }
.live { font-size: 12px; padding: 2px 8px; border-radius: 10px; background: #e4f3e8; color: var(--ok); }
.live.off { background: #f6e7e6; color: var(--bad); }
.count { margin-left: auto; color: var(--muted); font-size: 12px; }
#token-form { padding: 16px; }
main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); min-height: calc(100vh - 50px); }
.list { overflow: auto; border-right: 1px solid var(--line); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; background: var(--bg); position: sticky; top: 0; }
tbody tr { cursor: pointer; background: #fff; }
tbody tr:hover { background: #f0f0ec; }
tbody tr.selected { background: var(--sel); }
td.time { color: var(--muted); white-space: nowrap; font-variant-numeric: tabular-nums; }
.status { font-weight: 600; font-variant-numeric: tabular-nums; }
.ok { color: var(--ok); } .warn { color: var(--warn); } .bad { color: var(--bad); } .muted { color: var(--muted); }
.code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; margin-left: 6px; }
.event { display: block; } .event + .event { margin-top: 2px; }
button.replay { margin-left: 6px; font-size: 12px; padding: 1px 8px; border: 1px solid var(--bad); color: var(--bad); background: #fff; border-radius: 4px; cursor: pointer; }
button.replay:hover { background: #fbeceb; }
.empty { color: var(--muted); padding: 24px 16px; }
.detail { padding: 12px 16px; overflow: auto; }
.detail h2 { font-size: 15px; margin: 4px 0 8px; word-break: break-all; }
.detail h3 { font-size: 13px; margin: 16px 0 6px; } .detail h3 small { font-weight: 400; color: var(--muted); }
.kv td { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; padding: 3px 8px; word-break: break-all; }
.kv td:first-child { color: var(--muted); white-space: nowrap; }
pre { background: #fff; border: 1px solid var(--line); padding: 10px; font-size: 12px; overflow: auto; max-height: 50vh; margin: 0; white-space: pre-wrap; word-break: break-all; }
.stage { margin-left: 6px; font-size: 11px; padding: 0 6px; border-radius: 8px; background: var(--sel); color: var(--fg); }
.ids { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; word-break: break-all; }
`;

/** The page's script. Written without template literals, so it can live in this file as is. */
export const APP_JS = `'use strict';
(function () {
  var MAX = 200;
  var deliveries = [];
  var selected = null;
  var token = sessionStorage.getItem('countersign-inspector-token') || '';
  var hash = /^#token=(.+)$/.exec(location.hash);
  if (hash) {
    token = decodeURIComponent(hash[1]);
    sessionStorage.setItem('countersign-inspector-token', token);
    history.replaceState(null, '', location.pathname + location.search);
  }
  var $ = function (id) { return document.getElementById(id); };

  function api(path, init) {
    init = init || {};
    var headers = Object.assign({}, init.headers || {});
    if (token) headers.authorization = 'Bearer ' + token;
    init.headers = headers;
    return fetch(path, init);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function handlerText(e) {
    if (e.handler === 'retrying') return 'retrying (attempt ' + e.attempt + ' of ' + e.maxAttempts + ' failed)';
    if (e.handler === 'dead-letter') return 'dead letter';
    if (e.handler === 'no-handler') return 'no handler';
    if (e.handler === 'not-queued') return 'not queued';
    if (e.handler === 'duplicate') return 'not run again';
    if (e.handler === 'handled') return e.attempt > 1 ? 'handled (attempt ' + e.attempt + ')' : 'handled';
    return 'pending';
  }
  function handlerClass(e) {
    return e.handler === 'handled' ? 'ok' : e.handler === 'dead-letter' ? 'bad' : e.handler === 'retrying' || e.handler === 'no-handler' ? 'warn' : 'muted';
  }

  function matches(d) {
    var endpoint = $('filter-endpoint').value;
    var outcome = $('filter-outcome').value;
    if (endpoint && (d.endpoint || '(none)') !== endpoint) return false;
    if (!outcome) return true;
    if (outcome === d.outcome) return true;
    return d.events.some(function (e) { return e.handler === outcome; });
  }

  function replayButton(e) {
    var button = el('button', 'replay', 'Replay');
    button.type = 'button';
    button.setAttribute('data-event-id', e.id);
    button.title = 'Put ' + e.id + ' back in the queue for a fresh round of attempts';
    button.addEventListener('click', function (event) {
      event.stopPropagation();
      button.disabled = true;
      button.textContent = 'Replaying';
      api('api/replay', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: e.id }) }).then(function (res) {
        if (!res.ok) return res.json().then(function (body) { throw new Error(body.error && body.error.message || res.status); });
      }).catch(function (error) {
        button.disabled = false;
        button.textContent = 'Replay';
        button.title = 'Replay failed: ' + error.message;
      });
    });
    return button;
  }

  function eventCell(d) {
    var td = el('td', 'events');
    if (d.events.length === 0) td.appendChild(el('span', 'muted', d.outcome === 'refused' ? '-' : d.outcome));
    d.events.forEach(function (e) {
      var line = el('span', 'event', e.name);
      if (e.stage) line.appendChild(el('span', 'stage', e.stage));
      td.appendChild(line);
    });
    return td;
  }

  function render() {
    var rows = $('rows');
    var endpoints = {};
    deliveries.forEach(function (d) { endpoints[d.endpoint || '(none)'] = true; });
    var select = $('filter-endpoint');
    Object.keys(endpoints).sort().forEach(function (name) {
      if (!Array.prototype.some.call(select.options, function (o) { return o.value === name; })) select.appendChild(new Option(name, name));
    });
    rows.textContent = '';
    var shown = 0;
    for (var i = deliveries.length - 1; i >= 0; i--) {
      var d = deliveries[i];
      if (!matches(d)) continue;
      shown++;
      var tr = el('tr');
      tr.setAttribute('data-seq', d.seq);
      tr.setAttribute('data-outcome', d.outcome);
      if (selected === d.seq) tr.className = 'selected';
      tr.appendChild(el('td', 'time', new Date(d.time).toLocaleTimeString()));
      tr.appendChild(el('td', 'endpoint', d.endpoint || d.path));
      tr.appendChild(eventCell(d));
      var verdict = el('td', 'verdict');
      verdict.appendChild(el('span', 'status ' + (d.status < 300 ? 'ok' : d.status < 500 ? 'bad' : 'warn'), d.status));
      if (d.code) verdict.appendChild(el('span', 'code', d.code));
      tr.appendChild(verdict);
      var dedupe = el('td', 'dedupe');
      if (d.events.length === 0) dedupe.appendChild(el('span', 'muted', '-'));
      d.events.forEach(function (e) { dedupe.appendChild(el('span', 'event ' + (e.dedupe === 'queued' ? 'ok' : 'muted'), e.dedupe)); });
      tr.appendChild(dedupe);
      var handler = el('td', 'handler');
      if (d.events.length === 0) handler.appendChild(el('span', 'muted', '-'));
      d.events.forEach(function (e) {
        var line = el('span', 'event ' + handlerClass(e), handlerText(e));
        line.setAttribute('data-event-id', e.id);
        if (e.handler === 'dead-letter') line.appendChild(replayButton(e));
        handler.appendChild(line);
      });
      tr.appendChild(handler);
      tr.addEventListener('click', select_.bind(null, d.seq));
      rows.appendChild(tr);
    }
    $('empty').hidden = deliveries.length > 0;
    $('count').textContent = shown + ' of ' + deliveries.length + ' deliveries (the last ' + MAX + ' are kept)';
    if (selected !== null) showDetail(selected, false);
  }

  function select_(seq) {
    selected = seq;
    render();
    showDetail(seq, true);
  }

  var detailSeq = null;
  function showDetail(seq, fetchIt) {
    var summary = deliveries.find(function (d) { return d.seq === seq; });
    var events = $('detail-events');
    if (summary) {
      events.textContent = '';
      summary.events.forEach(function (e) {
        var p = el('p', 'ids');
        p.appendChild(el('strong', '', e.name + ' '));
        if (e.stage) p.appendChild(el('span', 'stage', e.stage));
        p.appendChild(el('span', '', e.id + ' '));
        p.appendChild(el('span', handlerClass(e), handlerText(e)));
        if (e.error) p.appendChild(el('span', 'bad', ': ' + e.error));
        if (e.handler === 'dead-letter') p.appendChild(replayButton(e));
        events.appendChild(p);
      });
    }
    if (!fetchIt && detailSeq === seq) return;
    detailSeq = seq;
    api('api/deliveries/' + seq).then(function (res) { return res.ok ? res.json() : null; }).then(function (d) {
      if (!d || detailSeq !== seq) return;
      $('detail').hidden = false;
      $('detail-title').textContent = d.method + ' ' + (d.endpoint ? d.endpoint : d.path) + ' -> ' + d.status + (d.code ? ' ' + d.code : '') + ' (' + d.outcome + ', ' + d.durationMs + ' ms)';
      var headers = $('detail-headers');
      headers.textContent = '';
      d.headers.forEach(function (h) {
        var tr = el('tr');
        tr.appendChild(el('td', '', h[0]));
        tr.appendChild(el('td', '', h[1]));
        headers.appendChild(tr);
      });
      $('detail-body-size').textContent = '(' + d.bodyBytes + ' bytes' + (d.bodyClipped ? ', cut for display' : '') + ')';
      $('detail-body').textContent = d.body || '(empty)';
      var answer = 'HTTP ' + d.response.status + '\\n';
      Object.keys(d.response.headers).forEach(function (k) { answer += k + ': ' + d.response.headers[k] + '\\n'; });
      $('detail-answer').textContent = answer + '\\n' + d.response.body;
    });
  }

  function upsert(summary) {
    for (var i = 0; i < deliveries.length; i++) {
      if (deliveries[i].seq === summary.seq) { deliveries[i] = summary; return; }
    }
    deliveries.push(summary);
    while (deliveries.length > MAX) deliveries.shift();
  }

  function setLive(on, text) {
    var live = $('live');
    live.className = on ? 'live' : 'live off';
    live.textContent = text;
  }

  function onMessage(event, data) {
    var value = JSON.parse(data);
    if (event === 'snapshot') { MAX = value.maxDeliveries; deliveries = value.deliveries; }
    else upsert(value);
    render();
  }

  function connect() {
    api('api/stream').then(function (res) {
      if (res.status === 401) { setLive(false, 'token needed'); $('token-form').hidden = false; return; }
      if (!res.ok || !res.body) throw new Error('HTTP ' + res.status);
      setLive(true, 'live');
      var reader = res.body.getReader();
      var decoder = new TextDecoder();
      var buffer = '';
      function pump() {
        return reader.read().then(function (chunk) {
          if (chunk.done) throw new Error('stream ended');
          buffer += decoder.decode(chunk.value, { stream: true });
          var end;
          while ((end = buffer.indexOf('\\n\\n')) !== -1) {
            var block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            var event = 'message';
            var data = '';
            block.split('\\n').forEach(function (line) {
              if (line.indexOf('event: ') === 0) event = line.slice(7);
              else if (line.indexOf('data: ') === 0) data += line.slice(6);
            });
            if (data) onMessage(event, data);
          }
          return pump();
        });
      }
      return pump();
    }).catch(function () {
      setLive(false, 'reconnecting');
      setTimeout(connect, 2000);
    });
  }

  $('filter-endpoint').addEventListener('change', render);
  $('filter-outcome').addEventListener('change', render);
  $('token-form').addEventListener('submit', function (event) {
    event.preventDefault();
    token = $('token').value;
    sessionStorage.setItem('countersign-inspector-token', token);
    $('token-form').hidden = true;
    connect();
  });
  connect();
})();
`;
