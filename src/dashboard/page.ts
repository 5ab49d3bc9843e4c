import { breakAfterSeparators, rateChart, shortNumber, timeTicks, valueTicks, workerName } from './view.ts';

/** The pure helpers the script calls, as source (view.ts says why they are shared this way). */
export const PAGE_HELPERS = [valueTicks, shortNumber, timeTicks, rateChart, workerName, breakAfterSeparators].map(String).join('\n');

/**
 * The dashboard page: one HTML document with its CSS and script inline (no
 * build step, nothing fetched from elsewhere). It subscribes to /events
 * (server-sent events) and updates the numbers, the throughput chart, the lag
 * table, the service list and the user cards in place.
 */
export function dashboardPage(title = 'userstream'): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — live</title>
<link rel="icon" href="data:,">
<style>
  :root { --fg: #1b1f24; --muted: #4a5361; --bg: #f6f7f9; --card: #ffffff; --line: #d5dae1; --accent: #0b5cad; --ok: #1d6b37; --bad: #a4161a; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
  a { color: var(--accent); }
  .skip { position: absolute; left: -999px; top: 0; background: var(--card); padding: .5rem 1rem; }
  .skip:focus { left: 1rem; }
  :focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
  header { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; justify-content: space-between; padding: 1rem; background: var(--card); border-bottom: 1px solid var(--line); }
  header h1 { font-size: 1.25rem; margin: 0; }
  header p { margin: 0; color: var(--muted); }
  button { font: inherit; padding: .4rem .9rem; border: 1px solid var(--accent); border-radius: .4rem; background: var(--card); color: var(--accent); cursor: pointer; min-height: 44px; }
  button[aria-pressed="true"] { background: var(--accent); color: #fff; }
  main { padding: 1rem; display: grid; gap: 1rem; max-width: 80rem; margin: 0 auto; }
  section { background: var(--card); border: 1px solid var(--line); border-radius: .6rem; padding: 1rem; min-width: 0; }
  h2 { font-size: 1.05rem; margin: 0 0 .75rem; }
  .stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: .75rem; margin: 0; }
  .stats div { padding: .5rem .75rem; border-left: 4px solid var(--accent); background: var(--bg); border-radius: .3rem; }
  .stats dt { color: var(--muted); font-size: .9rem; }
  .stats dd { margin: 0; font-size: 1.6rem; font-variant-numeric: tabular-nums; font-weight: 600; }
  .stats dd small { font-size: .85rem; font-weight: 400; color: var(--muted); }
  .chart { display: grid; grid-template-columns: 3rem 1fr; grid-template-rows: 1.6rem 7rem 1.5rem; column-gap: .5rem; margin-top: .75rem; font-size: .8rem; color: var(--muted); font-variant-numeric: tabular-nums; }
  .chart .y-axis { grid-column: 1; grid-row: 1 / 3; display: grid; grid-template-rows: subgrid; }
  .chart .y-axis .unit { white-space: nowrap; align-self: start; line-height: 1; }
  .chart .ticks { position: relative; }
  .chart .ticks span { position: absolute; right: 0; transform: translateY(-50%); white-space: nowrap; line-height: 1; }
  .chart svg { grid-column: 2; grid-row: 2; width: 100%; height: 100%; display: block; overflow: visible; border-left: 1px solid var(--muted); border-bottom: 1px solid var(--muted); }
  .chart .x-axis { grid-column: 2; grid-row: 3; position: relative; }
  .chart .x-axis span { position: absolute; top: .3rem; transform: translateX(-50%); white-space: nowrap; line-height: 1; }
  .chart .x-axis span.first { transform: none; }
  .chart .x-axis span.last { transform: translateX(-100%); }
  .two { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); }
  table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
  caption { text-align: left; color: var(--muted); font-size: .9rem; padding-bottom: .4rem; overflow-wrap: anywhere; }
  th, td { text-align: right; padding: .35rem .5rem; border-bottom: 1px solid var(--line); }
  .table-box { overflow-x: auto; }
  table.lag { font-size: .875rem; }
  table.lag th, table.lag td { padding: .35rem .4rem; }
  table.lag td { white-space: nowrap; }
  th:first-child, td:first-child { text-align: left; }
  ul.services { list-style: none; margin: 0; padding: 0; display: grid; gap: .4rem; }
  ul.services li { display: flex; justify-content: space-between; gap: .5rem; flex-wrap: wrap; }
  .state { font-weight: 600; }
  .state.ok { color: var(--ok); }
  .state.down { color: var(--bad); }
  ul.users { list-style: none; margin: 0; padding: 0; display: grid; gap: .75rem; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); }
  ul.users li { display: flex; gap: .75rem; align-items: center; padding: .6rem; border: 1px solid var(--line); border-radius: .5rem; background: var(--bg); min-width: 0; }
  ul.users img { width: 64px; height: 64px; border-radius: 50%; flex: none; background: var(--line); }
  ul.users h3 { font-size: 1rem; margin: 0; }
  ul.users p { margin: 0; color: var(--muted); font-size: .85rem; overflow-wrap: anywhere; }
  @media (max-width: 30rem) {
    section { padding: .75rem; }
    table.lag { font-size: .8rem; }
    table.lag th, table.lag td { padding: .3rem .25rem; }
  }
  .errors { color: var(--bad); margin: 0; padding-left: 1.2rem; }
  .errors:empty { display: none; }
  .note { color: var(--muted); font-size: .9rem; margin: .5rem 0 0; }
</style>
</head>
<body>
<a class="skip" href="#main">Skip to the numbers</a>
<header>
  <div>
    <h1>${escapeHtml(title)}: users flowing live</h1>
    <p><span id="status" role="status">Connecting…</span> <span id="updated"></span></p>
  </div>
  <button type="button" id="pause" aria-pressed="false">Pause updates</button>
</header>
<main id="main" tabindex="-1">
  <ul class="errors" id="errors" aria-live="polite"></ul>
  <section aria-labelledby="flow-h">
    <h2 id="flow-h">Data flow <small id="route"></small></h2>
    <dl class="stats">
      <div><dt>Ingest rate</dt><dd><span id="rate" data-testid="rate">0</span> <small>records/s</small></dd></div>
      <div><dt>Records in Kafka</dt><dd id="produced" data-testid="produced">0</dd></div>
      <div><dt>Rows in Cassandra</dt><dd id="rows" data-testid="rows">—</dd></div>
      <div><dt>Engine lag</dt><dd><span id="lag" data-testid="lag">—</span> <small>messages</small></dd></div>
      <div><dt>Dead-lettered</dt><dd id="dlq" data-testid="dlq">0</dd></div>
    </dl>
    <div class="chart" data-testid="chart">
      <div class="y-axis" data-testid="chart-y-axis" aria-hidden="true"><span class="unit">records/s</span><div class="ticks" id="y-ticks"></div></div>
      <svg id="spark" viewBox="0 0 1000 100" preserveAspectRatio="none" role="img" aria-labelledby="spark-t"><title id="spark-t">Ingest rate over the last minute</title><g id="grid" stroke="#d5dae1" stroke-width="1"></g><polyline id="spark-line" fill="none" stroke="#0b5cad" stroke-width="2" vector-effect="non-scaling-stroke" stroke-linejoin="round" points=""/></svg>
      <div class="x-axis" data-testid="chart-x-axis" id="x-ticks" aria-hidden="true"></div>
    </div>
  </section>
  <div class="two">
    <section aria-labelledby="lag-h">
      <h2 id="lag-h">Consumer lag per partition</h2>
      <div class="table-box">
      <table class="lag" data-testid="lag-table">
        <caption id="lag-source">Engine progress</caption>
        <thead><tr><th scope="col">Partition</th><th scope="col">End offset</th><th scope="col">Done</th><th scope="col">Lag</th></tr></thead>
        <tbody id="partitions"></tbody>
      </table>
      </div>
    </section>
    <section aria-labelledby="dlq-h">
      <h2 id="dlq-h">Dead letters by reason</h2>
      <table>
        <caption>What the engine refused, from <span id="dlq-topic"></span> (userstream dlq list, dlq replay)</caption>
        <thead><tr><th scope="col">Reason</th><th scope="col">Count</th></tr></thead>
        <tbody id="reasons" data-testid="reasons"></tbody>
      </table>
    </section>
    <section aria-labelledby="svc-h">
      <h2 id="svc-h">Services</h2>
      <ul class="services" id="services"></ul>
      <p class="note">Checked every 5 seconds. Engine: <span id="engine"></span>.</p>
    </section>
  </div>
  <section aria-labelledby="cluster-h">
    <h2 id="cluster-h">Cluster</h2>
    <div class="two">
      <div><h3>Kafka brokers</h3><ul class="services" id="brokers" data-testid="brokers"></ul><p class="note" id="urp" data-testid="urp"></p></div>
      <div><h3>Cassandra nodes</h3><ul class="services" id="nodes" data-testid="nodes"></ul></div>
      <div><h3>Spark workers</h3><ul class="services" id="workers" data-testid="workers"></ul></div>
    </div>
  </section>
  <section aria-labelledby="users-h">
    <h2 id="users-h">Latest users</h2>
    <ul class="users" id="users" data-testid="users"></ul>
  </section>
</main>
<script>
(() => {
${PAGE_HELPERS}
  const $ = (id) => document.getElementById(id);
  const SVG = 'http://www.w3.org/2000/svg';
  const fmt = new Intl.NumberFormat('en');
  let paused = false;
  let last = null;
  let shown = null;
  $('pause').addEventListener('click', () => {
    paused = !paused;
    $('pause').setAttribute('aria-pressed', String(paused));
    $('pause').textContent = paused ? 'Resume updates' : 'Pause updates';
    if (last) render(last);
  });
  const text = (el, value) => { if (el.textContent !== value) el.textContent = value; };
  const cell = (tag, value, attrs) => { const c = document.createElement(tag); c.textContent = value; if (attrs) for (const k in attrs) c.setAttribute(k, attrs[k]); return c; };
  function render(s) {
    text($('rate'), fmt.format(s.ingestRate));
    text($('produced'), fmt.format(s.produced));
    text($('rows'), s.rows === null ? '—' : fmt.format(s.rows));
    text($('lag'), s.lag === null ? '—' : fmt.format(s.lag));
    text($('dlq'), fmt.format(s.deadLettered));
    text($('route'), '(' + s.topic + ' → ' + s.engine + ' engine → Cassandra)');
    text($('engine'), s.engine);
    const source = 'From ' + (s.lagSource || 'the engine');
    if ($('lag-source').title !== source) {
      // A checkpoint path has no spaces: it may wrap after each / and _ (and anywhere, as a last resort).
      $('lag-source').title = source;
      $('lag-source').replaceChildren(...breakAfterSeparators(source).flatMap((piece) => [document.createTextNode(piece), document.createElement('wbr')]));
    }
    shown = s;
    renderChart(rateChart(s.rateHistory, timeIntervals()));
    const rows = s.partitions.map((p) => { const tr = document.createElement('tr'); tr.append(cell('th', String(p.partition), { scope: 'row' }), cell('td', fmt.format(p.end)), cell('td', p.done === null ? '—' : fmt.format(p.done)), cell('td', p.lag === null ? '—' : fmt.format(p.lag))); return tr; });
    $('partitions').replaceChildren(...rows);
    text($('dlq-topic'), s.dlqTopic);
    const reasons = s.deadLetterReasons.length === 0 ? [(() => { const tr = document.createElement('tr'); tr.append(cell('td', 'none', { colspan: '2' })); return tr; })()]
      : s.deadLetterReasons.map((r) => { const tr = document.createElement('tr'); tr.append(cell('th', r.reason, { scope: 'row' }), cell('td', fmt.format(r.count))); return tr; });
    $('reasons').replaceChildren(...reasons);
    $('services').replaceChildren(...s.services.map((v) => { const li = document.createElement('li'); const name = cell('span', v.name + ' '); name.append(cell('small', v.where)); li.append(name, cell('span', v.ok ? 'up — ' + v.detail : 'down', { class: 'state ' + (v.ok ? 'ok' : 'down') })); return li; }));
    $('errors').replaceChildren(...s.errors.map((e) => cell('li', e)));
    const member = (name, ok, detail) => { const li = document.createElement('li'); li.append(cell('span', name), cell('span', ok ? 'up' + (detail ? ' — ' + detail : '') : 'down', { class: 'state ' + (ok ? 'ok' : 'down') })); return li; };
    const cl = s.cluster;
    $('brokers').replaceChildren(...(cl ? cl.brokers.map((b) => member('broker ' + b.id + (b.address ? ' ' + b.address : ''), b.up)) : []));
    text($('urp'), !cl ? '' : cl.underReplicated.length === 0 ? 'No under-replicated partition.' : cl.underReplicated.length + ' under-replicated: ' + cl.underReplicated.map((p) => p.topic + '/' + p.partition + ' in sync ' + (p.isr.join(',') || 'none') + ' of ' + p.replicas.join(',')).join('; '));
    $('nodes').replaceChildren(...(cl ? cl.cassandra.map((n) => member(n.address, n.up)) : []));
    $('workers').replaceChildren(...(cl && cl.sparkWorkers ? cl.sparkWorkers.map((w) => member(workerName(w.id, w.address), w.state === 'ALIVE')) : [cell('li', s.engine === 'spark' ? 'the Spark master does not answer' : 'the node engine uses no Spark')]));
    const have = new Map([...$('users').children].map((li) => [li.dataset.id, li]));
    const cards = s.users.map((u) => {
      const old = have.get(u.id);
      if (old) return old;
      const li = document.createElement('li');
      li.dataset.id = u.id;
      const img = document.createElement('img');
      img.alt = 'Portrait of ' + u.name;
      img.width = 64; img.height = 64;
      // Portraits render offline: a randomuser-style picture falls back to the dashboard's own (the card's localPicture).
      const fallback = u.localPicture;
      img.addEventListener('error', () => { if (fallback && img.getAttribute('src') !== fallback) img.src = fallback; });
      img.src = u.picture || fallback || '';
      const body = document.createElement('div');
      body.style.minWidth = '0';
      body.append(cell('h3', u.name), cell('p', u.email), cell('p', u.place));
      li.append(img, body);
      return li;
    });
    $('users').replaceChildren(...cards);
    text($('status'), paused ? 'Paused.' : 'Live.');
    text($('updated'), 'Updated ' + new Date(s.at).toLocaleTimeString() + '.');
  }
  // One time label per 80 px or so: 4 intervals on a desktop, fewer on a phone; again when the window changes.
  const timeIntervals = () => Math.min(4, Math.floor($('spark').clientWidth / 80));
  window.addEventListener('resize', () => { if (shown) renderChart(rateChart(shown.rateHistory, timeIntervals())); });
  function renderChart(c) {
    $('spark-line').setAttribute('points', c.points);
    const minutes = c.span % 60 === 0 ? (c.span === 60 ? 'minute' : c.span / 60 + ' minutes') : c.span + ' seconds';
    text($('spark-t'), 'Ingest rate over the last ' + minutes + '; peak ' + fmt.format(c.peak) + ' records/s');
    const line = (x1, y1, x2, y2) => { const l = document.createElementNS(SVG, 'line'); for (const [k, v] of Object.entries({ x1, y1, x2, y2 })) l.setAttribute(k, String(v)); l.setAttribute('vector-effect', 'non-scaling-stroke'); return l; };
    $('grid').replaceChildren(...c.values.filter((t) => t.at > 0).map((t) => line(0, 100 - t.at * 100, 1000, 100 - t.at * 100)), ...c.times.filter((t) => t.at > 0 && t.at < 1).map((t) => line(t.at * 1000, 0, t.at * 1000, 100)));
    $('y-ticks').replaceChildren(...c.values.map((t) => { const e = cell('span', t.label); e.style.top = (100 - t.at * 100) + '%'; return e; }));
    $('x-ticks').replaceChildren(...c.times.map((t) => { const e = cell('span', t.label, { class: t.at < 0.05 ? 'first' : t.at > 0.95 ? 'last' : '' }); e.style.left = t.at * 100 + '%'; return e; }));
  }
  function connect() {
    const es = new EventSource('/events');
    es.addEventListener('snapshot', (e) => { last = JSON.parse(e.data); if (!paused) render(last); });
    es.onerror = () => { text($('status'), 'Disconnected; reconnecting…'); };
  }
  connect();
})();
</script>
</body>
</html>
`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
