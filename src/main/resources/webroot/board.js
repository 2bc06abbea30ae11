'use strict';
// The status board: plain JS against the contract's board, stats, workflow, move and stream endpoints.

const TOKEN_KEY = 'moveapi.token';
const REQUEST_TIMEOUT_MS = 10000;
const SLOW_MOVE_MS = 2000;
const KEPT_TIMINGS = 50;
const STATUS_NAMES = { scheduled: 'Scheduled', in_progress: 'In Progress', ready: 'Ready', completed: 'Completed', no_show: 'No Show' };
const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

const state = { date: null, cards: new Map(), transitions: {}, pending: new Set(), dragging: null };
// Recent move durations, read by the browser tests and handy in the console.
window.moveTimings = [];

const board = document.getElementById('board');
const dateInput = document.getElementById('date');

function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

function toast(text, isError) {
  const el = document.createElement('div');
  el.className = isError ? 'toast error' : 'toast';
  el.textContent = text;
  document.getElementById('toasts').append(el);
  setTimeout(() => el.remove(), 6000);
}

function showAuthProblem(status) {
  const el = document.getElementById('auth-message');
  el.hidden = false;
  el.textContent = status === 401
    ? 'Not authorised (401): paste a valid bearer token under "Access token".'
    : 'Forbidden (403): this token does not grant the admin or advisor role.';
}

/** fetch with the bearer token and a timeout; answers {status, body} or throws on network failure/timeout. */
async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers);
  if (token()) headers.Authorization = 'Bearer ' + token();
  const response = await fetch(path, Object.assign({}, options, { headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }));
  if (response.status === 401 || response.status === 403) showAuthProblem(response.status);
  const body = await response.json().catch(() => null);
  return { status: response.status, body };
}

function allowedTargets(card) {
  return state.transitions[card.status] || [];
}

function dueOf(card) {
  return Math.max(0, card.total_amount - card.paid_amount);
}

function byBoardOrder(a, b) {
  return a.position - b.position || a.appt_start.localeCompare(b.appt_start) || Number(a.id) - Number(b.id);
}

function cardElement(card) {
  const li = document.createElement('li');
  li.className = state.pending.has(card.id) ? 'card pending' : 'card';
  li.dataset.id = card.id;
  li.dataset.version = card.version;
  li.tabIndex = 0;
  li.setAttribute('aria-busy', String(state.pending.has(card.id)));
  const targets = allowedTargets(card);
  li.draggable = targets.length > 0;
  const time = new Date(card.appt_start).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const vehicle = [card.year, card.make, card.model].filter(Boolean).join(' ');
  const fields = [
    ['when', time + ' · ' + card.customer_name],
    ['meta', vehicle],
    ['meta', 'Technician: ' + (card.tech_id || 'unassigned')],
    ['meta', 'Due ' + money.format(dueOf(card)) + ' of ' + money.format(card.total_amount)],
  ];
  for (const [cls, text] of fields) {
    const div = document.createElement('div');
    div.className = cls;
    div.textContent = text;
    li.append(div);
  }
  if (targets.length > 0) li.append(moveControl(card, targets));
  li.addEventListener('dragstart', (event) => startDrag(event, card));
  li.addEventListener('dragend', endDrag);
  return li;
}

/** The keyboard- and touch-friendly way to move: a select of the workflow's allowed targets. */
function moveControl(card, targets) {
  const label = document.createElement('label');
  label.textContent = 'Move to… ';
  const select = document.createElement('select');
  select.className = 'move-to';
  select.disabled = state.pending.has(card.id);
  select.append(new Option('choose', ''));
  for (const status of targets) select.append(new Option(STATUS_NAMES[status], status));
  select.addEventListener('change', () => { if (select.value) move(card.id, select.value); });
  label.append(select);
  return label;
}

function render() {
  const all = [...state.cards.values()];
  for (const column of board.querySelectorAll('.column')) {
    const cards = all.filter((c) => c.status === column.dataset.status).sort(byBoardOrder);
    column.querySelector('.count').textContent = cards.length;
    column.querySelector('.cards').replaceChildren(...cards.map(cardElement));
  }
}

function renderStats(stats) {
  document.getElementById('stat-jobs').textContent = stats.jobsToday;
  document.getElementById('stat-onprem').textContent = stats.onPrem;
  document.getElementById('stat-unpaid').textContent = money.format(stats.unpaidTotal);
}

async function refreshStats() {
  const reply = await api('/api/admin/dashboard/stats?date=' + state.date).catch(() => null);
  if (reply && reply.status === 200) renderStats(reply.body.data);
}

/** Replaces the local cards with the server's board: the one way the page reconciles. */
async function loadBoard() {
  // A failed load keeps what the page shows and says so, rather than blanking the board.
  const reply = await api('/api/admin/appointments/board?date=' + state.date).catch(() => null);
  if (!reply || reply.status !== 200) {
    if (!reply || (reply.status !== 401 && reply.status !== 403)) toast('Could not load the board (' + (reply ? 'HTTP ' + reply.status : 'no answer') + ').', true);
    return;
  }
  document.getElementById('auth-message').hidden = true;
  // A move answered while this load was in flight may have made the page newer than the reply.
  const fresh = new Map();
  for (const column of Object.values(reply.body.data.columns)) {
    for (const card of column.items) {
      const known = state.cards.get(card.id);
      fresh.set(card.id, known && known.version > card.version ? known : card);
    }
  }
  state.cards = fresh;
  render();
  await refreshStats();
}

function startDrag(event, card) {
  if (state.pending.has(card.id)) {
    event.preventDefault();
    return;
  }
  state.dragging = card;
  event.dataTransfer.setData('text/plain', card.id);
  event.dataTransfer.effectAllowed = 'move';
  const targets = allowedTargets(card);
  board.classList.add('dragging');
  for (const column of board.querySelectorAll('.column')) {
    column.classList.toggle('drop-allowed', targets.includes(column.dataset.status));
  }
}

function endDrag() {
  state.dragging = null;
  board.classList.remove('dragging');
  for (const column of board.querySelectorAll('.column')) column.classList.remove('drop-allowed');
}

for (const column of board.querySelectorAll('.column')) {
  // Cancelling dragover is what makes a column accept the drop, so only allowed columns do it.
  column.addEventListener('dragover', (event) => {
    if (state.dragging && allowedTargets(state.dragging).includes(column.dataset.status)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'move';
    }
  });
  column.addEventListener('drop', (event) => {
    event.preventDefault();
    const card = state.dragging;
    endDrag();
    if (card) move(card.id, column.dataset.status);
  });
}

function recordTiming(id, to, outcome, started) {
  window.moveTimings.push({ id, to, outcome, move_ms: Math.round(performance.now() - started) });
  if (window.moveTimings.length > KEPT_TIMINGS) window.moveTimings.shift();
}

/** Optimistic move with the card's last known version; see docs/board.md for the outcomes. */
async function move(id, to) {
  const card = state.cards.get(id);
  if (!card || state.pending.has(id) || !allowedTargets(card).includes(to)) return;
  const before = { status: card.status, position: card.position };
  state.pending.add(id);
  card.status = to;
  card.position = 0;
  render();
  const started = performance.now();
  const slow = setTimeout(() => toast('Slow operation: the move is taking more than 2 s.'), SLOW_MOVE_MS);
  let outcome;
  try {
    const reply = await api('/api/admin/appointments/' + id + '/move', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ new_status: to, expected_version: card.version }),
    });
    outcome = reply.status;
    // A board reload during the move replaces the card object: update the one the page now shows.
    const current = state.cards.get(id) || card;
    if (reply.status === 200) {
      const moved = reply.body.data;
      Object.assign(current, { status: moved.status, position: moved.position, version: moved.version,
        updated_at: moved.updated_at, check_in_at: moved.check_in_at, check_out_at: moved.check_out_at });
    } else if (reply.status === 409 && reply.body && reply.body.error.code === 'version_conflict') {
      // Someone else moved it first: the server's state wins, nothing is rolled back.
      await loadBoard();
      toast('Board updated; try again');
    } else {
      Object.assign(current, before);
      const reason = reply.body && reply.body.error ? reply.body.error.message : 'HTTP ' + reply.status;
      toast('Move failed (' + reply.status + '): ' + reason, true);
    }
  } catch (err) {
    outcome = 'network';
    Object.assign(state.cards.get(id) || card, before);
    toast('Move failed: the server did not answer (network error or timeout).', true);
  } finally {
    clearTimeout(slow);
    recordTiming(id, to, outcome, started);
    state.pending.delete(id);
    render();
  }
  refreshStats();
}

/** A card from the stream: newer versions replace what the page has; older ones are echoes. */
function applyLiveCard(card) {
  const known = state.cards.get(card.id);
  if (known && (known.version >= card.version || state.pending.has(card.id))) return;
  state.cards.set(card.id, card);
  render();
  refreshStats();
}

function dispatchEvent(block) {
  let event = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  if ((event === 'appointment.created' || event === 'appointment.moved') && data.length > 0) {
    applyLiveCard(JSON.parse(data.join('\n')));
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let stream = { generation: 0, controller: null };

/** Reads the SSE stream with fetch (tokens go in headers, never in URLs); reconnects with backoff and refetches to catch up. */
async function follow(generation) {
  let delay = 1000;
  while (generation === stream.generation) {
    stream.controller = new AbortController();
    let connected = false;
    try {
      const headers = token() ? { Authorization: 'Bearer ' + token() } : {};
      const response = await fetch('/api/admin/appointments/stream?date=' + state.date, { headers, signal: stream.controller.signal });
      if (response.ok && response.body) {
        connected = true;
        delay = 1000;
        await loadBoard();
        // Marks the board as live; browser tests wait for it before dragging.
        document.body.dataset.live = 'true';
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value.replace(/\r\n?/g, '\n');
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            dispatchEvent(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }
      } else if (response.status === 404) {
        // A server without the stream yet: try again much later, quietly.
        delay = 30000;
      }
    } catch (err) {
      // Dropped, aborted or unreachable: handled by the retry below.
    }
    document.body.dataset.live = 'false';
    if (generation !== stream.generation) return;
    await sleep(delay);
    if (!connected) delay = Math.min(delay * 2, 30000);
  }
}

function restartStream() {
  stream.generation += 1;
  if (stream.controller) stream.controller.abort();
  follow(stream.generation);
}

function today() {
  const now = new Date();
  return new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
}

async function showDate(date) {
  state.date = date;
  dateInput.value = date;
  const url = new URL(location.href);
  url.searchParams.set('date', date);
  history.replaceState(null, '', url);
  await loadBoard();
  restartStream();
}

async function start() {
  const reply = await api('/api/admin/workflow').catch(() => null);
  if (reply && reply.status === 200) state.transitions = reply.body.data.transitions;
  const requested = new URLSearchParams(location.search).get('date');
  await showDate(/^\d{4}-\d{2}-\d{2}$/.test(requested || '') ? requested : today());
}

dateInput.addEventListener('change', () => { if (dateInput.value) showDate(dateInput.value); });
document.getElementById('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, document.getElementById('token').value.trim());
  start();
});
start();
