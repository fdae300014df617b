// The camel-mailer dashboard: every number and every action goes through the service's HTTP API (/admin/*,
// /messages, /message/{id}), as a script would. Every value is put in the page as text (textContent, createElement),
// never as HTML. The API key, when MAILER_API_KEY is set, lives in this closure only: sent in the Authorization
// header, never in a URL, never stored, never logged.
'use strict';

(function () {
  const REFRESH_MS = 5000;
  let apiKey = null;
  let timer = null;
  let openTask = null;

  const $ = (id) => document.getElementById(id);

  /** An element with properties (className, type, dataset...) and children (nodes, or strings put in as text). */
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props || {})) {
      if (name === 'dataset') {
        Object.assign(node.dataset, value);
      } else {
        node[name] = value;
      }
    }
    for (const child of children) {
      node.append(child instanceof Node ? child : text(child));
    }
    return node;
  }

  function text(value) {
    return document.createTextNode(value === null || value === undefined ? '' : String(value));
  }

  function notice(message, isError) {
    $('notice').textContent = message;
    $('notice').className = isError ? 'error' : '';
  }

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  /** One request to the API; the JSON answer, or an ApiError with the answer's message. */
  async function api(method, path) {
    const headers = { Accept: 'application/json' };
    if (apiKey) {
      headers.Authorization = 'Bearer ' + apiKey;
    }
    const response = await fetch(path, { method: method, headers: headers, cache: 'no-store' });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new ApiError(response.status, body.message || ('HTTP ' + response.status));
    }
    return body;
  }

  function button(label, action, id, onClick) {
    const b = el('button', { type: 'button', dataset: { action: action, id: id } }, label);
    b.addEventListener('click', onClick);
    return b;
  }

  /** A user's action: the request, a line saying what it did, and a refresh. */
  async function act(method, path, done) {
    try {
      await api(method, path);
      notice(done, false);
    } catch (e) {
      failed(e);
    }
    refresh();
  }

  function failed(e) {
    if (e instanceof ApiError && e.status === 401 && apiKey !== null) {
      stop();
      apiKey = null;
      $('key-form').hidden = false;
      notice('The API key was refused: ' + e.message, true);
    } else {
      notice(e.message, true);
    }
  }

  // --- overview: queue tiles, the chart, outcome counts

  function tiles(container, counts) {
    container.replaceChildren(...Object.entries(counts).map(([name, value]) =>
      el('div', { dataset: { name: name } }, el('dt', {}, name.replace('_', ' ')), el('dd', {}, value))));
  }

  const SVG = 'http://www.w3.org/2000/svg';

  function svg(tag, attributes, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes)) {
      node.setAttribute(name, value);
    }
    node.append(...children);
    return node;
  }

  /** Two bars a minute (sent, failed), the newest on the right, scaled to the busiest minute. */
  function chart(perMinute) {
    const width = 600, height = 120, top = 12, bottom = 14, slot = width / perMinute.sent.length;
    const max = Math.max(1, ...perMinute.sent, ...perMinute.failed);
    const scale = (n) => (height - top - bottom) * n / max;
    const from = new Date(perMinute.from);
    const bars = [];
    perMinute.sent.forEach((sent, i) => {
      const failed = perMinute.failed[i];
      const minute = new Date(from.getTime() + i * 60000).toISOString().slice(11, 16);
      const label = svg('title', {}, text(minute + ' UTC: ' + sent + ' sent, ' + failed + ' failed'));
      bars.push(svg('rect', { class: 'sent', x: i * slot + 1, y: height - bottom - scale(sent),
        width: slot / 2 - 1, height: scale(sent) }, label));
      bars.push(svg('rect', { class: 'failed', x: i * slot + slot / 2, y: height - bottom - scale(failed),
        width: slot / 2 - 1, height: scale(failed) }, label.cloneNode(true)));
    });
    const axis = svg('line', { class: 'axis', x1: 0, x2: width, y1: height - bottom, y2: height - bottom });
    const labels = [svg('text', { x: 0, y: 9 }, text('max ' + max + '/min')),
      svg('text', { x: 0, y: height - 2 }, text(from.toISOString().slice(11, 16))),
      svg('text', { x: width, y: height - 2, 'text-anchor': 'end' }, text('now'))];
    $('chart').replaceChildren(svg('svg', { viewBox: '0 0 ' + width + ' ' + height, role: 'img',
      'aria-label': 'sent and failed per minute' }, axis, ...bars, ...labels));
  }

  async function overview() {
    const o = await api('GET', '/admin/overview');
    tiles($('queues'), o.queues);
    tiles($('gemini'), o.gemini);
    tiles($('webhooks'), o.webhooks);
    chart(o.per_minute);
    $('updated').textContent = 'at ' + o.at;
  }

  // --- tasks: the search, one task's detail and events, cancel

  function taskLink(id) {
    const b = button(id, 'open-task', id, () => showTask(id));
    b.className = 'link';
    return b;
  }

  function statusCell(status) {
    return el('td', { className: 'nowrap status-' + status }, status);
  }

  async function tasks() {
    const query = new URLSearchParams({ limit: '50' });
    for (const name of ['status', 'tag', 'recipient']) {
      const value = $('filter-' + name).value.trim();
      if (value) {
        query.set(name, value);
      }
    }
    const page = await api('GET', '/messages?' + query);
    $('task-rows').replaceChildren(...page.messages.map((t) => el('tr', { dataset: { task: t.task_id } },
      el('td', { className: 'nowrap' }, taskLink(t.task_id)), statusCell(t.status), el('td', { className: 'subject' }, t.subject), el('td', {}, t.created_at), el('td', {}, t.attempts),
      el('td', {}, t.recipients), el('td', {}, (t.tags || []).join(', ')), el('td', {}, t.error))));
  }

  async function showTask(id) {
    openTask = id;
    try {
      await taskDetail();
    } catch (e) {
      failed(e);
    }
  }

  async function taskDetail() {
    if (!openTask) {
      return;
    }
    const id = openTask;
    const [task, history] = await Promise.all([api('GET', '/message/' + encodeURIComponent(id)),
      api('GET', '/message/' + encodeURIComponent(id) + '/events')]);
    const fields = el('dl', {});
    for (const [name, value] of Object.entries(task)) {
      const shown = value !== null && typeof value === 'object' ? JSON.stringify(value) : value;
      fields.append(el('dt', {}, name), el('dd', { className: name === 'status' ? 'status-' + value : '' }, shown));
    }
    const actions = el('p', {});
    if (['scheduled', 'queued', 'retrying'].includes(task.status)) {
      actions.append(button('Cancel', 'cancel', id,
        () => act('DELETE', '/message/' + encodeURIComponent(id), 'Cancelled ' + id)));
    }
    const close = button('Close', 'close-task', id, () => {
      openTask = null;
      $('task-detail').hidden = true;
    });
    actions.append(close);
    const events = el('tbody', {}, ...history.events.map((e) => {
      const details = Object.fromEntries(Object.entries(e)
        .filter(([k]) => !['event', 'at', 'attempt', 'sequence'].includes(k)));
      return el('tr', { dataset: { event: e.event } }, el('td', {}, e.sequence), el('td', {}, e.event),
        el('td', {}, e.at), el('td', {}, e.attempt),
        el('td', {}, Object.keys(details).length ? JSON.stringify(details) : ''));
    }));
    $('task-detail').replaceChildren(el('h3', {}, 'Task ' + id), fields, actions,
      el('table', {}, el('thead', {}, el('tr', {}, ...['#', 'Event', 'At', 'Attempt', 'Details']
        .map((h) => el('th', {}, h)))), events));
    $('task-detail').hidden = false;
  }

  // --- dead letters, suppressions, routes

  async function deadLetters() {
    const dead = await api('GET', '/admin/dead-letters');
    $('dead-rows').replaceChildren(...dead.dead_letters.map((d) => el('tr', {},
      el('td', {}, taskLink(d.task_id)), el('td', {}, d.failed_at), el('td', {}, d.queue), el('td', {}, d.error),
      el('td', {}, button('Re-drive', 'redrive', d.task_id, () => act('POST',
        '/admin/dead-letters/' + encodeURIComponent(d.task_id) + '/redrive', 'Re-driven ' + d.task_id))))));
  }

  async function suppressions() {
    const list = await api('GET', '/admin/suppressions');
    $('suppression-rows').replaceChildren(...list.suppressions.map((s) => el('tr', {},
      el('td', {}, s.email), el('td', {}, s.reason), el('td', {}, s.task_id), el('td', {}, s.at),
      el('td', {}, button('Remove', 'unsuppress', s.email, () => act('DELETE',
        '/admin/suppressions/' + encodeURIComponent(s.email), 'Removed ' + s.email + ' from the suppression list'))))));
  }

  async function routes() {
    const list = await api('GET', '/admin/routes');
    $('route-rows').replaceChildren(...list.routes.map((r) => {
      const cell = el('td', {});
      if (r.suspendable) {
        const verb = r.state === 'Suspended' ? 'resume' : 'suspend';
        cell.append(button(verb === 'resume' ? 'Resume' : 'Suspend', verb, r.route_id, () => act('POST',
          '/admin/routes/' + encodeURIComponent(r.route_id) + '/' + verb, r.route_id + ': ' + verb + ' done')));
      }
      return el('tr', { dataset: { route: r.route_id } }, el('td', { className: 'nowrap' }, r.route_id),
        el('td', { className: 'nowrap state-' + r.state }, r.state), el('td', {}, r.from), el('td', {}, r.exchanges_total),
        el('td', {}, r.exchanges_failed), el('td', {}, r.exchanges_inflight), cell);
    }));
  }

  // --- refresh, and the key

  let refreshing = null;
  let again = false;
  let refreshFailed = false;

  /**
   * Everything again, one refresh at a time (one asked for meanwhile runs next), while connected. A failure is shown
   * until a refresh succeeds (an action's failure stays until the next action).
   */
  function refresh() {
    if (!timer) {
      return;
    }
    if (refreshing) {
      again = true;
      return;
    }
    refreshing = Promise.all([overview(), tasks(), taskDetail(), deadLetters(), suppressions(), routes()])
      .then(() => {
        if (refreshFailed) {
          refreshFailed = false;
          notice('', false);
        }
      }, (e) => {
        refreshFailed = true;
        failed(e);
      })
      .finally(() => {
        refreshing = null;
        if (again) {
          again = false;
          refresh();
        }
      });
  }

  function start() {
    $('panels').hidden = false;
    timer = setInterval(refresh, REFRESH_MS);
    refresh();
  }

  function stop() {
    clearInterval(timer);
    timer = null;
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('filters').addEventListener('submit', (e) => {
      e.preventDefault();
      refresh();
    });
    $('redrive-all').addEventListener('click', () => act('POST', '/admin/dead-letters/redrive', 'Re-driven all'));
    $('key-form').addEventListener('submit', (e) => {
      e.preventDefault();
      apiKey = $('key').value.trim();
      $('key').value = '';
      $('key-form').hidden = true;
      notice('', false);
      if (!timer) {
        start();
      }
    });
    if (document.documentElement.dataset.apiKey === 'required') {
      $('key-form').hidden = false;
      notice('This service needs its API key.', false);
      $('key').focus();
    } else {
      start();
    }
  });
})();
