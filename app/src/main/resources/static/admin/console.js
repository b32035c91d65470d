// The classbase database console (docs/CONSOLE.md): one page per topic, each showing what its
// admin endpoint answers. Rendering is generic on purpose: arrays of objects become tables, scalars
// a summary, nested objects sub-sections, so a field the server adds shows up without a change
// here, and an endpoint this server does not have yet (404) shows as "not available yet".
// Plain ES module, no build step, nothing loaded from elsewhere.

const API = new URL('../api/v1/', location.href); // the page is served at /admin/
const ADMIN = 'admin/database/';
const TOKEN = 'classbase.console.token';
const WHO = 'classbase.console.user';

const PAGES = [
  { id: 'overview', title: 'Overview',
    intro: 'Each check compares one measurement of the primary with a threshold (and names where the threshold comes from): green is fine, amber deserves a look, red needs action.',
    sections: [{ title: 'Checks', path: 'checks' }] },
  { id: 'queries', title: 'Queries',
    intro: 'The statements that cost the database most, from pg_stat_statements of the primary and every replica (never reset), top-level ones: top by total time, mean time or calls over the last hour and since each server\'s reset, with each server\'s commits and WAL flushes (COMMIT is not in pg_stat_statements); the slow ones; snapshots over the last day; and the API endpoints that ran them.',
    sections: [
      { title: 'Top statements, last hour', path: 'queries?hours=1', choice: { param: 'order', values: ['total', 'mean', 'calls'] } },
      { title: 'Top statements since each server\'s reset', path: 'queries', choice: { param: 'order', values: ['total', 'mean', 'calls'] } },
      { title: 'Slow statements', path: 'queries/slow' },
      { title: 'History, last 24 hours', path: 'queries/history?hours=24', chart: true },
      { title: 'By API endpoint', path: 'queries/endpoints' }] },
  { id: 'indexes', title: 'Indexes',
    intro: 'Indexes that cost writes and space without helping reads (unused, duplicate, invalid, bloated), tables read mostly by sequential scans, and suggested new indexes with a ready migration.',
    sections: [
      { title: 'Audit', path: 'indexes' },
      { title: 'Suggestions', path: 'indexes/suggestions',
        text: { label: 'Show the migration', path: 'indexes/suggestions/migration' } }] },
  { id: 'space', title: 'Space',
    intro: 'Where the disk goes: tables (partitions rolled up), indexes and materialized views, dead tuples and the last vacuum and analyze; growth from daily snapshots.',
    sections: [
      { title: 'Sizes', path: 'space' },
      { title: 'Growth, last 30 days', path: 'space/history?days=30', chart: true }] },
  { id: 'connections', title: 'Connections',
    intro: 'Who is connected and what they run now, by state, user, application and client. Cancel stops a running query; Terminate closes its connection.',
    sections: [{ title: 'Connections and live queries', path: 'connections', rowActions: connectionActions }] },
  { id: 'replication', title: 'Replication',
    intro: 'Each replica\'s lag in bytes and seconds, the replication slots and the WAL they keep on the primary.',
    sections: [{ title: 'Replicas and slots', path: 'replication' }] },
  { id: 'pools', title: 'Pools',
    intro: 'The application\'s connection pools (active, idle, waiting, timeouts) and, when configured, PgBouncer\'s pools and stats.',
    sections: [{ title: 'Pools', path: 'pools' }] },
  { id: 'cache', title: 'Cache',
    intro: 'This instance\'s two-level cache: each region of cached answers (lifetime, size, hits, misses, reads through, loads, evictions, hit rate), the session cache, and whether Redis (L2 and the invalidation bus) answers.',
    sections: [{ title: 'Cache', path: 'cache' }] },
  { id: 'partitions', title: 'Partitions',
    intro: 'Partitioned tables: their partitions, ranges and sizes, and rows that fell into a default partition.',
    sections: [{ title: 'Partitions', path: 'partitions' }] },
  { id: 'views', title: 'Views',
    intro: 'The materialized views: populated or not, size, last refresh and how stale they are.',
    sections: [{ title: 'Materialized views', path: 'views' }] },
  { id: 'alerts', title: 'Alerts',
    intro: 'Alerts raised from the checks, firing or resolved, with their cooldown and delivery to the webhook.',
    sections: [{ title: 'Alerts', path: 'alerts' }] },
  { id: 'maintenance', title: 'Maintenance',
    intro: 'Vacuum, analyze, reindex and backup: the schedule and each task\'s last run. "Run now" starts a task at once.',
    sections: [{ title: 'Tasks', path: 'maintenance', toolbar: maintenanceButtons }] },
  { id: 'explain', title: 'EXPLAIN',
    intro: 'Paste one SELECT to see how PostgreSQL would run it, as the role classbase_explain under row-level security. Analyze also runs it (read-only, rolled back) and adds real times and rows; a tenant id shows that tenant\'s rows, none without it.',
    render: explainBox },
];

// ---------- the shell: sign-in, navigation, routing ----------

const $ = id => document.getElementById(id);
const token = () => sessionStorage.getItem(TOKEN);

function route() {
  const signedIn = token() !== null;
  $('sign-in').hidden = signedIn;
  $('nav').hidden = $('page').hidden = $('sign-out').hidden = !signedIn;
  $('who').textContent = signedIn ? sessionStorage.getItem(WHO) : '';
  if (!signedIn) {
    document.body.dataset.page = 'sign-in';
    $('email').focus();
    return;
  }
  const id = location.hash.replace(/^#\/?/, '');
  const page = PAGES.find(p => p.id === id) ?? PAGES[0];
  for (const link of $('nav').children) link.classList.toggle('active', link.dataset.page === page.id);
  showPage(page);
}

function showPage(page) {
  const main = $('page');
  document.title = `${page.title} · classbase console`;
  main.replaceChildren(
    el('h1', {}, page.title, ' ', page.sections ? el('button', { type: 'button', class: 'small', onclick: route }, 'Reload') : null),
    el('p', { class: 'intro' }, page.intro));
  if (page.render) main.append(page.render());
  for (const spec of page.sections ?? []) main.append(section(spec));
  document.body.dataset.page = page.id;
}

async function signIn(event) {
  event.preventDefault();
  const message = $('sign-in-message');
  message.textContent = 'Signing in…';
  delete message.dataset.kind;
  const email = $('email').value.trim();
  const res = await call('POST', 'sessions', { email, password: $('password').value }, null);
  if (!res.ok) {
    message.textContent = res.data?.detail ?? `Sign-in failed (HTTP ${res.status}).`;
    return;
  }
  $('password').value = '';
  if (res.data.user?.role !== 'operator') {
    // the session is of no use here: end it at once rather than keep a token around
    await call('DELETE', 'sessions/current', undefined, res.data.token);
    message.textContent = `${email} is signed in as ${res.data.user?.role ?? 'a tenant user'}, `
      + 'but the database console is for operators only (platform staff; a school\'s admin has no access). '
      + 'Sign in with an operator account.';
    message.dataset.kind = 'not-operator';
    return;
  }
  message.textContent = '';
  sessionStorage.setItem(TOKEN, res.data.token);
  sessionStorage.setItem(WHO, res.data.user.email);
  route();
}

async function signOut() {
  await call('DELETE', 'sessions/current');
  forget('Signed out.');
}

function forget(why) {
  sessionStorage.removeItem(TOKEN);
  sessionStorage.removeItem(WHO);
  $('sign-in-message').textContent = why;
  route();
}

/**
 * One API call; never throws: {ok, status, data} with data parsed as JSON when it is JSON. A GET
 * answered 503 with Retry-After (the console's two connections busy) is tried again, a few times.
 */
async function call(method, path, body, bearer = token()) {
  const headers = {};
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  for (let attempt = 0; ; attempt++) {
    try {
      response = await fetch(new URL(path, API), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      return { ok: false, status: 0, data: { title: 'No answer', detail: `The server did not answer (${e.message}).` } };
    }
    const header = response.headers.get('Retry-After');
    const retryAfter = header === null ? NaN : Number(header);
    if (method !== 'GET' || response.status !== 503 || !(retryAfter >= 0) || attempt >= 3) break;
    await new Promise(resolve => setTimeout(resolve, Math.min(retryAfter, 5) * 1000));
  }
  const type = response.headers.get('Content-Type') ?? '';
  const data = type.includes('json') ? await response.json().catch(() => null) : await response.text();
  if (response.status === 401 && bearer && bearer === token()) forget('Your session has ended: sign in again.');
  return { ok: response.ok, status: response.status, data };
}

// ---------- sections: fetch an endpoint, render whatever it answers ----------

function section(spec) {
  const body = el('div', { class: 'body' });
  const message = el('div', { class: 'message', role: 'status' });
  const box = el('section', { class: 'card', 'data-path': spec.path }, el('h2', {}, spec.title), message, body);
  let path = spec.path;
  const load = async () => {
    box.dataset.state = 'loading';
    body.replaceChildren(el('p', { class: 'muted' }, 'Loading…'));
    const res = await call('GET', ADMIN + path);
    box.dataset.state = res.ok ? 'ok' : res.status === 404 ? 'missing' : 'error';
    if (res.status === 404) body.replaceChildren(notAvailable(path));
    else if (!res.ok) body.replaceChildren(problem(res));
    else {
      const ctx = { data: res.data, actions: spec.rowActions, message, load };
      body.replaceChildren(...(spec.toolbar ? [el('div', { class: 'toolbar' }, spec.toolbar(res.data, ctx))] : []),
        ...(spec.chart ? [charts(res.data)] : []), render(res.data, '', ctx));
    }
  };
  if (spec.choice) {
    const { param, values } = spec.choice;
    const select = el('select', { 'aria-label': param }, ...values.map(v => el('option', { value: v }, `by ${v}`)));
    const sep = spec.path.includes('?') ? '&' : '?';
    select.addEventListener('change', () => { path = `${spec.path}${sep}${param}=${select.value}`; load(); });
    path = `${spec.path}${sep}${param}=${values[0]}`;
    box.querySelector('h2').append(' ', select);
  }
  if (spec.text) box.append(textButton(spec.text));
  load();
  return box;
}

/** A button that fetches a text answer (a generated migration) and shows it in a <pre>. */
function textButton({ label, path }) {
  const out = el('div', { class: 'text-result' });
  const button = el('button', { type: 'button', class: 'small', onclick: async () => {
    out.dataset.state = 'loading';
    const res = await call('GET', ADMIN + path);
    out.dataset.state = res.ok ? 'ok' : res.status === 404 ? 'missing' : 'error';
    out.replaceChildren(res.ok ? el('pre', { class: 'code' }, typeof res.data === 'string' ? res.data : JSON.stringify(res.data, null, 2))
      : res.status === 404 ? notAvailable(path) : problem(res));
  } }, label);
  return el('div', { class: 'footer' }, button, out);
}

function notAvailable(path) {
  return el('p', { class: 'missing' }, 'Not available yet: this server has no ',
    el('code', {}, `GET /api/v1/${ADMIN}${path}`), '. It comes with a later version of classbase.');
}

/** An RFC 9457 problem (or any failed answer) as a readable box. */
function problem(res) {
  const p = res.data && typeof res.data === 'object' ? res.data : {};
  const detail = p.detail ?? (typeof res.data === 'string' ? res.data.slice(0, 500) : '');
  return el('div', { class: 'problem', role: 'alert' },
    el('strong', {}, `${res.status || ''} ${p.title ?? 'Request failed'}`.trim()), detail ? el('p', {}, detail) : null);
}

function connectionActions(row, ctx) {
  // none for the console's own backend ("own"), which the server refuses anyway
  if (row.pid == null || row.own === true || ctx.data?.actionsEnabled === false) return [];
  return [
    action('Cancel', `Cancel the running query of backend ${row.pid}?`, `connections/${row.pid}/cancel`, ctx),
    action('Terminate', `Terminate backend ${row.pid} (closes its connection)?`, `connections/${row.pid}/terminate`, ctx, 'danger'),
  ];
}

/** "Run now" for each task the server lists ({"tasks": ["vacuum", ...]}). */
function maintenanceButtons(data, ctx) {
  const tasks = Array.isArray(data?.tasks) ? data.tasks.filter(t => typeof t === 'string') : [];
  return tasks.map(task => action(`Run ${task} now`, `Run ${task} now?`, `maintenance/${encodeURIComponent(task)}`, ctx));
}

/** A row button: confirm, POST, say what happened above the section, then reload the section. */
function action(label, question, path, ctx, kind = '') {
  return el('button', { type: 'button', class: `small ${kind}`, onclick: async () => {
    if (!confirm(question)) return;
    const res = await call('POST', ADMIN + path);
    ctx.message.replaceChildren(res.ok
      ? el('p', { class: 'done' }, `${label}: ${res.status === 202 ? 'started' : 'done'}. `, typeof res.data === 'object' && res.data ? summary(res.data) : '')
      : problem(res));
    ctx.load();
  } }, label);
}

// ---------- generic rendering ----------

const isComposite = v => v !== null && typeof v === 'object';

function render(value, key, ctx) {
  if (Array.isArray(value)) return list(value, key, ctx);
  if (isComposite(value)) return object(value, ctx);
  return el('p', {}, cell(key, value));
}

function object(obj, ctx) {
  const out = el('div', { class: 'object' });
  if (obj.available === false) {
    out.append(el('p', { class: 'missing' }, `Not available: ${obj.note ?? 'the server lacks this feature.'}`));
  }
  const scalars = Object.entries(obj).filter(([k, v]) => !isComposite(v) && k !== 'available' && k !== 'note');
  const short = scalars.filter(([, v]) => String(v).length <= 80);
  if (short.length) out.append(el('dl', { class: 'summary' }, short.map(([k, v]) => el('div', {}, el('dt', {}, label(k)), el('dd', {}, cell(k, v))))));
  for (const [k, v] of scalars.filter(([, v]) => String(v).length > 80)) out.append(el('p', { class: 'long' }, el('span', { class: 'muted' }, `${label(k)}: `), cell(k, v)));
  if (obj.note && obj.available !== false) out.append(el('p', { class: 'note' }, obj.note));
  for (const [k, v] of Object.entries(obj).filter(([, v]) => isComposite(v))) {
    const count = Array.isArray(v) ? el('span', { class: 'count' }, String(v.length)) : null;
    out.append(el('div', { class: 'part', 'data-key': k }, el('h3', {}, label(k), ' ', count), render(v, k, ctx)));
  }
  return out;
}

function list(rows, key, ctx) {
  if (rows.length === 0) return el('p', { class: 'muted' }, 'None.');
  if (rows.every(r => isComposite(r) && !Array.isArray(r))) return table(rows, ctx);
  return el('ul', { class: 'list' }, rows.map(r => el('li', {}, isComposite(r) ? render(r, key, ctx) : cell(key, r))));
}

const FIRST_ROWS = 25;

/** Rows as a table, columns from their keys; a long table shows its first rows until asked for all. */
function table(all, ctx = {}, limit = FIRST_ROWS) {
  const rows = all.length > limit ? all.slice(0, limit) : all;
  const columns = [...new Set(rows.flatMap(Object.keys))];
  const actions = rows.map(r => (ctx.actions ? ctx.actions(r, ctx) : []));
  const withActions = actions.some(a => a.length > 0);
  const numeric = c => rows.every(r => r[c] == null || typeof r[c] === 'number');
  return el('div', { class: 'scroll' }, el('table', {},
    // the actions come first: a wide table scrolls, and its buttons stay in sight
    el('thead', {}, el('tr', {}, withActions ? el('th', {}, '') : null, columns.map(c => el('th', { class: numeric(c) ? 'num' : null }, label(c))))),
    el('tbody', {}, rows.map((r, i) => el('tr', {},
      withActions ? el('td', { class: 'actions' }, actions[i]) : null,
      columns.map(c => el('td', { class: numeric(c) ? 'num' : null }, isComposite(r[c]) ? nested(c, r[c]) : cell(c, r[c]))))))),
    rows.length < all.length ? el('button', { type: 'button', class: 'small more', onclick: e => e.target.parentNode.replaceWith(table(all, ctx, Infinity)) },
      `Show all ${all.length} rows`) : null);
}

/** A list or object inside a table cell, folded: a check's rows, an index's columns. */
function nested(key, value) {
  if (Array.isArray(value) && value.length === 0) return el('span', { class: 'muted' }, '—');
  if (Array.isArray(value) && value.every(v => !isComposite(v))) return value.map(v => String(v)).join(', ');
  const entries = Array.isArray(value) ? [] : Object.entries(value);
  if (entries.length > 0 && entries.length <= 6 && entries.every(([, v]) => !isComposite(v))) {
    return el('span', { class: 'pairs' }, entries.map(([k, v]) => el('span', {}, el('span', { class: 'muted' }, `${label(k)} `), cell(k, v))));
  }
  const what = Array.isArray(value) ? `${value.length} ${value.length === 1 ? 'row' : 'rows'}` : 'details';
  return el('details', {}, el('summary', {}, what), render(value, key, {}));
}

function summary(obj) {
  return Object.entries(obj).filter(([, v]) => !isComposite(v)).map(([k, v]) => `${label(k)}: ${v}`).join(', ');
}

const STATUS_KEY = /^(status|state|severity|level|health|worst)$/i;
const TONES = {
  green: 'green', ok: 'green', up: 'green', healthy: 'green', resolved: 'green', streaming: 'green', success: 'green', succeeded: 'green',
  amber: 'amber', warning: 'amber', warn: 'amber', degraded: 'amber', pending: 'amber', running: 'amber',
  red: 'red', critical: 'red', firing: 'red', error: 'red', failed: 'red', down: 'red',
  unavailable: 'grey', unknown: 'grey', skipped: 'grey',
};
const CODE_KEY = /(query|sql|definition|statement|command)$/i;
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d/;

function cell(key, v) {
  if (v === null || v === undefined) return el('span', { class: 'muted' }, '—');
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'number') return formatNumber(key, v);
  const s = String(v);
  const tone = STATUS_KEY.test(key) ? TONES[s.toLowerCase()] : undefined;
  if (tone) return el('span', { class: `badge ${tone}` }, s);
  if (ISO_TIME.test(s)) return el('time', { datetime: s, title: s }, formatTime(s));
  if (CODE_KEY.test(key)) return sql(s);
  return s;
}

/** SQL on one line, a long statement folded: its start, the whole text when opened. */
function sql(s) {
  const flat = s.replace(/\s+/g, ' ').trim();
  if (flat.length <= 160) return el('code', { class: 'sql' }, flat);
  return el('details', { class: 'sql' }, el('summary', {}, el('code', {}, `${flat.slice(0, 140)}…`)), el('code', { class: 'sql full' }, s));
}

function formatNumber(key, n) {
  if (/(^|_)(p?id|oid|queryid)$|Id$/i.test(key)) return String(n);
  if (/bytes$/i.test(key)) return bytes(n);
  const plain = n.toLocaleString(undefined, { maximumFractionDigits: Math.abs(n) < 10 ? 2 : 1 });
  if (/(^|_)ms$|Ms$|millis$/i.test(key)) return `${plain} ms`;
  if (/(seconds|_s|Secs)$/i.test(key)) return `${plain} s`;
  if (/(percent|pct)$/i.test(key)) return `${plain} %`;
  return plain;
}

function bytes(n) {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  for (; Math.abs(n) >= 1024 && i < units.length - 1; i++) n /= 1024;
  return `${n.toLocaleString(undefined, { maximumFractionDigits: i === 0 ? 0 : 1 })} ${units[i]}`;
}

/** Local time; today's without the date. */
function formatTime(s) {
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return s;
  const today = d.toDateString() === new Date().toDateString();
  return today ? d.toLocaleTimeString() : d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

/** camelCase and snake_case keys as words: lastAutovacuum -> Last autovacuum. */
function label(key) {
  const words = String(key).replace(/_/g, ' ').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// ---------- charts: inline SVG lines from whatever numeric series a history answer has ----------

const TIME_KEY = /(^|_)(at|time|day|date|hour|ts)$|(At|Time|Day|Date|Hour)$/;
const AVERAGE_KEY = /(mean|avg|average|percent|ratio|rate)/i;

function charts(data) {
  const rows = seriesRows(data);
  if (!rows) return el('p', { class: 'muted' }, 'No snapshots to chart yet.');
  const timeKey = Object.keys(rows[0]).find(k => TIME_KEY.test(k) && typeof rows[0][k] === 'string');
  // several rows per point (per table, per statement) are summed into one total per point
  const points = new Map();
  for (const [i, r] of rows.entries()) {
    const x = timeKey ? r[timeKey] : String(i + 1);
    const p = points.get(x) ?? { n: 0, sums: {} };
    p.n++;
    for (const [k, v] of Object.entries(r)) if (typeof v === 'number' && !/id$/i.test(k)) p.sums[k] = (p.sums[k] ?? 0) + v;
    points.set(x, p);
  }
  const xs = [...points.keys()];
  if (timeKey) xs.sort();
  const summed = [...points.values()].some(p => p.n > 1);
  const keys = [...new Set([...points.values()].flatMap(p => Object.keys(p.sums)))]
    .filter(k => !(summed && AVERAGE_KEY.test(k))); // a sum of means means nothing
  const preferred = k => (/calls|total|bytes|size/i.test(k) ? 0 : 1);
  keys.sort((a, b) => preferred(a) - preferred(b));
  if (xs.length === 0 || keys.length === 0) return el('p', { class: 'muted' }, 'No snapshots to chart yet.');
  return el('div', { class: 'charts' }, keys.slice(0, 3).map(k =>
    line(`${label(k)}${summed ? ' (sum)' : ''}`, k, xs, xs.map(x => points.get(x).sums[k] ?? 0))));
}

/** The first array of objects, depth first, that has a number in it: the snapshots. */
function seriesRows(data) {
  if (Array.isArray(data)) {
    if (data.length > 0 && data.every(r => isComposite(r) && !Array.isArray(r)) && data.some(r => Object.values(r).some(v => typeof v === 'number'))) return data;
    return null;
  }
  if (!isComposite(data)) return null;
  for (const v of Object.values(data)) {
    const found = seriesRows(v);
    if (found) return found;
  }
  return null;
}

function line(title, key, xs, ys) {
  const W = 360, H = 130, L = 6, R = 6, T = 10, B = 22;
  const max = Math.max(...ys), min = Math.min(0, ...ys);
  const x = i => L + (xs.length === 1 ? (W - L - R) / 2 : (i * (W - L - R)) / (xs.length - 1));
  const y = v => T + (H - T - B) * (1 - (v - min) / (max - min || 1));
  const points = ys.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const short = s => (ISO_TIME.test(s) ? formatTime(s) : s);
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': title },
    svgEl('line', { x1: L, x2: W - R, y1: y(min), y2: y(min), class: 'axis' }),
    svgEl('polyline', { points, class: 'series' }),
    ...(ys.length <= 60 ? ys.map((v, i) => svgEl('circle', { cx: x(i), cy: y(v), r: 2, class: 'dot' })) : []),
    svgEl('text', { x: L, y: H - 6 }, short(xs[0])),
    svgEl('text', { x: W - R, y: H - 6, 'text-anchor': 'end' }, xs.length > 1 ? short(xs.at(-1)) : ''));
  return el('figure', { class: 'chart-box' },
    el('figcaption', {}, el('strong', {}, title), ` · last ${formatNumber(key, ys.at(-1))}, max ${formatNumber(key, max)}, ${xs.length} points`), svg);
}

// ---------- EXPLAIN ----------

function explainBox() {
  const sql = el('textarea', { id: 'explain-sql', rows: 6, spellcheck: 'false', placeholder: 'SELECT * FROM courses WHERE id = 1' });
  const analyze = el('input', { id: 'explain-analyze', type: 'checkbox' });
  const tenant = el('input', { id: 'explain-tenant', type: 'number', min: '1', step: '1', placeholder: 'none' });
  const out = el('div', { id: 'explain-result', class: 'card' });
  const form = el('form', { class: 'explain card' }, sql,
    el('div', { class: 'row' },
      el('label', {}, analyze, ' Analyze: run the statement (read-only, rolled back) for real times'),
      el('label', {}, 'Tenant id ', tenant),
      el('button', { type: 'submit' }, 'Explain')));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    out.dataset.state = 'loading';
    out.replaceChildren(el('p', { class: 'muted' }, 'Explaining…'));
    const body = { sql: sql.value, analyze: analyze.checked };
    if (tenant.value) body.tenantId = Number(tenant.value);
    const res = await call('POST', `${ADMIN}explain`, body);
    out.dataset.state = res.ok ? 'ok' : 'error';
    out.replaceChildren(res.ok ? plan(res.data) : problem(res));
  });
  return el('div', {}, form, out);
}

const PLAN_DETAILS = ['Index Cond', 'Recheck Cond', 'Hash Cond', 'Merge Cond', 'Join Filter', 'Filter', 'Sort Key', 'Group Key', 'Rows Removed by Filter'];

/** EXPLAIN (FORMAT JSON) as the indented text psql would show, the JSON folded below it. */
function plan(data) {
  const root = Array.isArray(data.plan) ? data.plan[0] : data.plan;
  const lines = [];
  if (root?.Plan) {
    walk(root.Plan, 0, lines);
    if (root['Planning Time'] != null) lines.push(`Planning Time: ${root['Planning Time']} ms`);
    if (root['Execution Time'] != null) lines.push(`Execution Time: ${root['Execution Time']} ms`);
  }
  const flags = [data.analyze ? 'analyzed (run for real, rolled back)' : 'estimated, not run',
    data.genericPlan ? 'generic plan for $n placeholders' : null, data.timeoutMs ? `limit ${data.timeoutMs} ms` : null,
    data.role ? `as ${data.role}` : null, data.tenantId ? `tenant ${data.tenantId}` : 'no tenant bound (row-level security shows no rows)'].filter(Boolean);
  return el('div', {},
    el('p', { class: 'muted' }, flags.join(' · ')),
    lines.length ? el('pre', { class: 'plan' }, lines.join('\n')) : null,
    el('details', { open: lines.length ? null : true }, el('summary', {}, 'Plan as JSON'), el('pre', { class: 'code' }, JSON.stringify(data.plan, null, 2))));
}

function walk(node, depth, lines) {
  const pad = depth === 0 ? '' : `${'      '.repeat(depth - 1)}  ->  `;
  const indent = depth === 0 ? '  ' : `${'      '.repeat(depth)}  `;
  let head = node['Node Type'];
  if (node['Index Name']) head += ` using ${node['Index Name']}`;
  if (node['Relation Name']) head += ` on ${node['Relation Name']}${node.Alias && node.Alias !== node['Relation Name'] ? ` ${node.Alias}` : ''}`;
  head += `  (cost=${node['Startup Cost']}..${node['Total Cost']} rows=${node['Plan Rows']} width=${node['Plan Width']})`;
  if (node['Actual Total Time'] != null) {
    head += ` (actual time=${node['Actual Startup Time']}..${node['Actual Total Time']} rows=${node['Actual Rows']} loops=${node['Actual Loops']})`;
  }
  lines.push(pad + head);
  for (const k of PLAN_DETAILS) {
    if (node[k] != null) lines.push(`${indent}${k}: ${Array.isArray(node[k]) ? node[k].join(', ') : node[k]}`);
  }
  for (const child of node.Plans ?? []) walk(child, depth + 1, lines);
}

// ---------- DOM helpers ----------

function el(tag, attrs = {}, ...children) {
  return fill(document.createElement(tag), attrs, children);
}

function svgEl(tag, attrs = {}, ...children) {
  return fill(document.createElementNS('http://www.w3.org/2000/svg', tag), attrs, children);
}

function fill(node, attrs, children) {
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (typeof v === 'function') node.addEventListener(k.replace(/^on/, ''), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  node.append(...children.flat(Infinity).filter(c => c != null && c !== false).map(c => (c instanceof Node ? c : String(c))));
  return node;
}

// ---------- start ----------

$('nav').append(...PAGES.map(p => el('a', { href: `#/${p.id}`, 'data-page': p.id }, p.title)));
$('sign-in').addEventListener('submit', signIn);
$('sign-out').addEventListener('click', signOut);
window.addEventListener('hashchange', route);
route();
