'use strict';
// The status board: plain JS against the contract's board, stats, workflow, move, history and stream
// endpoints, and the sign-in of /auth/*. docs/board.md is the user guide.

const TOKEN_KEY = 'moveapi.token';
const REQUEST_TIMEOUT_MS = 10000;
const SLOW_MOVE_MS = 2000;
const MOVE_ATTEMPTS = 3;
const KEPT_TIMINGS = 50;
const STATUS_NAMES = { scheduled: 'Scheduled', in_progress: 'In Progress', ready: 'Ready', completed: 'Completed', no_show: 'No Show' };
const STATUSES = Object.keys(STATUS_NAMES);
const TERMINAL = 'completed';
const SIGN_IN_PROBLEMS = {
  forbidden: 'Your account does not have the advisor or admin role for this board. Ask the shop manager, then sign in again.',
  expired: 'The sign-in took too long or was started in another tab. Please sign in again.',
  refused: 'The sign-in was cancelled or refused.',
  failed: 'The sign-in did not work. Please try again.',
};
const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const $ = (id) => document.getElementById(id);

const state = {
  authMode: 'none', signedOut: false, date: null, cards: new Map(), transitions: {}, technicians: new Map(),
  pending: new Set(), dragging: null, picked: null, detailId: null, elements: new Map(), filter: { text: '', tech: '' },
  liveSince: null, loaded: false,
};
// Read by the browser tests and handy in the console: recent move durations and board render times.
window.moveTimings = [];
window.boardTimings = [];

const board = $('board');
const dateInput = $('date');

// ---------------------------------------------------------------- messages

function announce(text) {
  // Cleared first so that the same sentence twice is announced twice.
  const el = $('announcer');
  el.textContent = '';
  setTimeout(() => { el.textContent = text; }, 50);
}

/** A visual toast; {action: {label, run}} adds a button. Screen readers hear the same text through announce(). */
function toast(text, kind, action) {
  const el = document.createElement('div');
  el.className = 'toast' + (kind ? ' ' + kind : '');
  const span = document.createElement('span');
  span.textContent = text;
  el.append(span);
  if (action) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = action.label;
    button.addEventListener('click', () => { el.remove(); action.run(); });
    el.append(button);
  }
  $('toasts').append(el);
  setTimeout(() => el.remove(), action ? 15000 : 6000);
  announce(text);
  return el;
}

function cardTitle(card) {
  return card.customer_name + ' · ' + [card.year, card.model].filter(Boolean).join(' ');
}

function ago(iso) {
  const seconds = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return seconds + ' s ago';
  if (seconds < 3600) return Math.round(seconds / 60) + ' min ago';
  return Math.round(seconds / 3600) + ' h ago';
}

function techName(id) {
  return id ? state.technicians.get(id) || id : 'Unassigned';
}

// ---------------------------------------------------------------- auth and api

function token() {
  return state.authMode === 'jwt' ? sessionStorage.getItem(TOKEN_KEY) || '' : '';
}

function authHeaders() {
  return token() ? { Authorization: 'Bearer ' + token() } : {};
}

/** The signed-out state: the board is hidden and nothing is fetched until the user signs in again. */
function showSignedOut(text) {
  state.signedOut = true;
  stopStream();
  closeDetail();
  $('workspace').hidden = true;
  $('account').hidden = true;
  setLive('signed-out', 'Signed out');
  $('signed-out-text').textContent = text;
  $('sign-in').href = '/auth/login?return_to=' + encodeURIComponent(returnPath());
  $('signed-out').hidden = false;
  announce(text);
}

/** Where sign-in brings the user back to: this day, without the last sign-in's outcome. */
function returnPath() {
  const params = new URLSearchParams(location.search);
  params.delete('signed_out');
  params.delete('signin_error');
  if (state.date) params.set('date', state.date);
  const query = params.toString();
  return location.pathname + (query ? '?' + query : '');
}

function showAuthProblem(status) {
  if (state.authMode === 'oidc') {
    if (status === 401) showSignedOut('Your session has ended. Sign in again to carry on.');
    else toast('Your account may not do this (403).', 'error');
    return;
  }
  const el = $('auth-message');
  el.hidden = false;
  el.textContent = status === 401
    ? 'Not authorised (401): paste a valid bearer token under "Access token".'
    : 'Forbidden (403): this token does not grant the admin or advisor role.';
}

/** fetch with the session cookie or bearer token and a timeout; answers {status, body, headers} or throws on network failure/timeout. */
async function api(path, options = {}) {
  if (state.signedOut) return { status: 401, body: null, headers: new Headers() };
  const headers = Object.assign({}, options.headers, authHeaders());
  const response = await fetch(path, Object.assign({}, options, { headers, credentials: 'same-origin', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }));
  if (response.status === 401 || response.status === 403) showAuthProblem(response.status);
  const body = await response.json().catch(() => null);
  return { status: response.status, body, headers: response.headers };
}

/** Learns the auth mode; with sign-in, who is signed in and until when. Answers false when the page must stop here. */
async function startSession() {
  const reply = await fetch('/auth/session', { credentials: 'same-origin' }).then((r) => r.json()).catch(() => null);
  const session = reply && reply.ok ? reply.data : { auth_mode: 'none' };
  state.authMode = session.auth_mode;
  $('token-box').hidden = state.authMode !== 'jwt';
  if (state.authMode !== 'oidc') return true;
  const params = new URLSearchParams(location.search);
  if (!session.signed_in) {
    const problem = SIGN_IN_PROBLEMS[params.get('signin_error')];
    showSignedOut(problem || (params.has('signed_out') ? 'You have signed out.' : 'Sign in to see the board.'));
    return false;
  }
  $('who').textContent = 'Signed in as ' + session.name;
  $('account').hidden = false;
  // Tell the user when the session ends, rather than failing their next move.
  const remaining = new Date(session.expires_at).getTime() - Date.now();
  setTimeout(() => showSignedOut('Your session has ended. Sign in again to carry on.'), Math.min(Math.max(remaining, 0), 2 ** 31 - 1));
  return true;
}

// ---------------------------------------------------------------- rendering

function allowedTargets(card) {
  return state.transitions[card.status] || [];
}

function dueOf(card) {
  return Math.max(0, card.total_amount - card.paid_amount);
}

function byBoardOrder(a, b) {
  return a.position - b.position || a.appt_start.localeCompare(b.appt_start) || Number(a.id) - Number(b.id);
}

function timeOf(iso) {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function matchesFilter(card) {
  const { text, tech } = state.filter;
  if (tech && card.tech_id !== tech) return false;
  if (!text) return true;
  const haystack = [card.customer_name, card.customer_phone, card.make, card.model, card.year, card.tech_id, techName(card.tech_id)]
    .filter(Boolean).join(' ').toLowerCase();
  return text.split(/\s+/).every((word) => haystack.includes(word));
}

/** What a card shows; its element is rebuilt only when this changes. */
function signature(card) {
  return [card.version, card.status, state.pending.has(card.id), state.picked && state.picked.id === card.id, techName(card.tech_id),
    allowedTargets(card).join()].join('|');
}

function fillCard(li, card) {
  const pending = state.pending.has(card.id);
  const targets = allowedTargets(card);
  li.className = 'card' + (pending ? ' pending' : '') + (state.picked && state.picked.id === card.id ? ' picked' : '');
  li.dataset.version = card.version;
  li.draggable = targets.length > 0 && !pending;
  li.setAttribute('aria-busy', String(pending));
  li.setAttribute('aria-label', timeOf(card.appt_start) + ', ' + cardTitle(card) + ', ' + STATUS_NAMES[card.status]
    + (card.tech_id ? ', ' + techName(card.tech_id) : '') + (pending ? ', moving' : ''));
  const vehicle = [card.year, card.make, card.model].filter(Boolean).join(' ');
  const parts = [
    ['when', timeOf(card.appt_start) + ' · ' + card.customer_name],
    ['meta', vehicle],
    ['meta tech', techName(card.tech_id)],
    ['meta', 'Due ' + money.format(dueOf(card)) + ' of ' + money.format(card.total_amount)],
  ].map(([cls, text]) => {
    const div = document.createElement('div');
    div.className = cls;
    div.textContent = text;
    return div;
  });
  const actions = document.createElement('div');
  actions.className = 'card-actions';
  actions.append(button('Details', 'details-btn', () => openDetail(card.id)));
  if (targets.length > 0) {
    const move = button('Move…', 'move-btn', (event) => openMoveMenu(card.id, event.currentTarget));
    move.setAttribute('aria-haspopup', 'menu');
    move.disabled = pending;
    actions.append(move);
  }
  li.replaceChildren(...parts, actions);
}

function button(text, className, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = className;
  b.textContent = text;
  b.addEventListener('click', onClick);
  return b;
}

function cardElement(card) {
  let entry = state.elements.get(card.id);
  if (!entry) {
    const li = document.createElement('li');
    li.dataset.id = card.id;
    li.tabIndex = 0;
    li.setAttribute('aria-roledescription', 'card');
    li.setAttribute('aria-describedby', 'keyboard-help');
    li.addEventListener('dragstart', (event) => startDrag(event, card.id));
    li.addEventListener('dragend', endDrag);
    li.addEventListener('keydown', (event) => cardKey(event, card.id));
    li.addEventListener('dblclick', () => openDetail(card.id));
    entry = { li, sig: null };
    state.elements.set(card.id, entry);
  }
  const sig = signature(card);
  if (entry.sig !== sig) {
    fillCard(entry.li, card);
    entry.sig = sig;
  }
  entry.li.hidden = !matchesFilter(card);
  return entry.li;
}

function columnCards(status) {
  return [...state.cards.values()].filter((c) => c.status === status).sort(byBoardOrder);
}

/** Brings the DOM in line with state.cards, reusing card elements, and keeps keyboard focus where it was. */
function render() {
  const started = performance.now();
  const focused = document.activeElement && document.activeElement.closest ? document.activeElement.closest('.card') : null;
  const focusId = focused ? focused.dataset.id : null;
  const focusClass = focused && document.activeElement !== focused ? document.activeElement.className : null;
  for (const id of state.elements.keys()) if (!state.cards.has(id)) state.elements.delete(id);
  let shown = 0;
  for (const column of board.querySelectorAll('.column')) {
    const cards = columnCards(column.dataset.status);
    const elements = cards.map(cardElement);
    const list = column.querySelector('.cards');
    const current = [...list.children];
    if (current.length !== elements.length || current.some((el, i) => el !== elements[i])) list.replaceChildren(...elements);
    const visible = elements.filter((el) => !el.hidden).length;
    shown += visible;
    column.querySelector('.count').textContent = visible === cards.length ? cards.length : visible + ' of ' + cards.length;
  }
  const filtering = state.filter.text || state.filter.tech;
  $('filter-count').textContent = filtering ? shown + ' of ' + state.cards.size + ' cards match' : '';
  $('empty').hidden = state.cards.size > 0 || !state.loaded;
  $('empty').textContent = 'No jobs booked for ' + longDate(state.date) + '. Pick another day above.';
  if (focusId && !board.contains(document.activeElement)) {
    const entry = state.elements.get(focusId);
    const target = entry && focusClass ? entry.li.querySelector('.' + focusClass.split(' ')[0]) : null;
    if (entry) (target || entry.li).focus({ preventScroll: false });
  }
  if (state.detailId) renderDetailFields();
  return performance.now() - started;
}

function longDate(date) {
  if (!date) return '';
  return new Date(date + 'T12:00:00').toLocaleDateString('en-US', { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric' });
}

function renderStats(stats) {
  const isToday = state.date === today();
  $('jobs-label').textContent = (isToday ? 'Jobs today, ' : 'Jobs on ') + longDate(state.date);
  $('stat-jobs').textContent = stats.jobsToday;
  $('stat-onprem').textContent = stats.onPrem;
  if (stats.unpaidTotal !== undefined) $('stat-unpaid').textContent = money.format(stats.unpaidTotal);
}

async function refreshStats() {
  const reply = await api('/api/admin/dashboard/stats?date=' + state.date).catch(() => null);
  if (reply && reply.status === 200) renderStats(reply.body.data);
}

/** Replaces the local cards with the server's board: the page's way to catch up. */
async function loadBoard() {
  const date = state.date;
  // A failed load keeps what the page shows and says so, rather than blanking the board.
  const reply = await api('/api/admin/appointments/board?date=' + date).catch(() => null);
  if (date !== state.date || state.signedOut) return false;
  if (!reply || reply.status !== 200) {
    if (reply && reply.status === 400) showDateError('The server refused the date ' + date + '.');
    else if (!reply || (reply.status !== 401 && reply.status !== 403)) toast('Could not load the board (' + (reply ? 'HTTP ' + reply.status : 'no answer') + ').', 'error');
    return false;
  }
  $('auth-message').hidden = true;
  // A move answered while this load was in flight may have made the page newer than the reply.
  const fresh = new Map();
  for (const column of Object.values(reply.body.data.columns)) {
    for (const card of column.items) {
      const known = state.cards.get(card.id);
      fresh.set(card.id, known && (isNewer(known, card) || state.pending.has(card.id)) ? known : card);
    }
  }
  for (const id of state.pending) if (!fresh.has(id) && state.cards.has(id)) fresh.set(id, state.cards.get(id));
  state.cards = fresh;
  state.loaded = true;
  const renderMs = render();
  window.boardTimings.push({ cards: fresh.size, render_ms: Math.round(renderMs * 10) / 10 });
  renderStats(reply.body.data.stats);
  fillTechnicianFilter();
  refreshStats();
  return true;
}

// ---------------------------------------------------------------- drag and drop

function startDrag(event, id) {
  const card = state.cards.get(id);
  if (!card || state.pending.has(id)) {
    event.preventDefault();
    return;
  }
  closeMoveMenu();
  state.dragging = card;
  event.dataTransfer.setData('text/plain', id);
  event.dataTransfer.effectAllowed = 'move';
  board.classList.add('dragging');
  for (const column of board.querySelectorAll('.column')) {
    column.classList.toggle('drop-allowed', canDrop(card, column.dataset.status));
  }
}

/** A card may go to the workflow's targets, or stay in its column at another place (a reorder). */
function canDrop(card, status) {
  return status === card.status || allowedTargets(card).includes(status);
}

function endDrag() {
  state.dragging = null;
  board.classList.remove('dragging');
  for (const column of board.querySelectorAll('.column')) column.classList.remove('drop-allowed');
  removeDropMarker();
}

function removeDropMarker() {
  for (const marker of board.querySelectorAll('.drop-marker')) marker.remove();
}

/** Where in a column's visible cards a drop at clientY lands, counted without the dragged card. */
function dropIndex(column, clientY, draggedId) {
  const others = [...column.querySelectorAll('.card')].filter((el) => el.dataset.id !== draggedId && !el.hidden);
  const index = others.findIndex((el) => { const r = el.getBoundingClientRect(); return clientY < r.top + r.height / 2; });
  return index < 0 ? others.length : index;
}

for (const column of board.querySelectorAll('.column')) {
  // Cancelling dragover is what makes a column accept the drop, so only allowed columns do it.
  column.addEventListener('dragover', (event) => {
    if (state.dragging && canDrop(state.dragging, column.dataset.status)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'move';
    }
  });
  column.addEventListener('drop', (event) => {
    event.preventDefault();
    const card = state.dragging;
    const index = card ? dropIndex(column, event.clientY, card.id) : 0;
    endDrag();
    if (card) requestMove(card.id, column.dataset.status, index);
  });
}

// ---------------------------------------------------------------- keyboard

function focusCard(id) {
  const entry = state.elements.get(id);
  if (entry) entry.li.focus();
}

function visibleIds(status) {
  return columnCards(status).filter(matchesFilter).map((c) => c.id);
}

/** Arrow keys only move focus, or, with a card picked up, choose where it would go; a move needs Space or Enter. */
function cardKey(event, id) {
  if (event.target !== event.currentTarget) return; // keys on the card's own buttons are theirs
  const card = state.cards.get(id);
  if (!card) return;
  const picked = state.picked && state.picked.id === id ? state.picked : null;
  const key = event.key;
  if (picked) {
    if (key === 'Tab') return dropPicked(false);
    event.preventDefault();
    if (key === 'Escape') return dropPicked(false);
    if (key === ' ' || key === 'Enter') return dropPicked(true);
    const columns = [card.status, ...allowedTargets(card)].sort((a, b) => STATUSES.indexOf(a) - STATUSES.indexOf(b));
    if (key === 'ArrowLeft' || key === 'ArrowRight') {
      const i = columns.indexOf(picked.status) + (key === 'ArrowLeft' ? -1 : 1);
      if (i >= 0 && i < columns.length) {
        picked.status = columns[i];
        picked.index = picked.status === card.status ? visibleIds(card.status).indexOf(id) : 0;
      }
    } else if (key === 'ArrowUp' || key === 'ArrowDown') {
      const size = visibleIds(picked.status).filter((other) => other !== id).length;
      picked.index = Math.min(size, Math.max(0, picked.index + (key === 'ArrowUp' ? -1 : 1)));
    } else {
      return;
    }
    showPickedTarget();
    return;
  }
  if (key === ' ') {
    event.preventDefault();
    if (state.pending.has(id) || card.status === TERMINAL) {
      announce(cardTitle(card) + (card.status === TERMINAL ? ' is completed and cannot be moved.' : ' is still moving.'));
      return;
    }
    state.picked = { id, status: card.status, index: visibleIds(card.status).indexOf(id) };
    render();
    showPickedTarget();
    return;
  }
  if (key === 'Enter') {
    event.preventDefault();
    openDetail(id);
    return;
  }
  const ids = visibleIds(card.status);
  const at = ids.indexOf(id);
  let next = null;
  if (key === 'ArrowUp') next = ids[at - 1];
  else if (key === 'ArrowDown') next = ids[at + 1];
  else if (key === 'Home') next = ids[0];
  else if (key === 'End') next = ids[ids.length - 1];
  else if (key === 'ArrowLeft' || key === 'ArrowRight') {
    const step = key === 'ArrowLeft' ? -1 : 1;
    for (let s = STATUSES.indexOf(card.status) + step; s >= 0 && s < STATUSES.length && !next; s += step) {
      const other = visibleIds(STATUSES[s]);
      next = other[Math.min(at, other.length - 1)];
    }
  } else {
    return;
  }
  event.preventDefault();
  if (next) focusCard(next);
}

function showPickedTarget() {
  const picked = state.picked;
  const card = state.cards.get(picked.id);
  removeDropMarker();
  for (const column of board.querySelectorAll('.column')) column.classList.toggle('drop-target', column.dataset.status === picked.status);
  const column = board.querySelector(".column[data-status='" + picked.status + "']");
  const others = [...column.querySelectorAll('.card')].filter((el) => el.dataset.id !== picked.id && !el.hidden);
  const marker = document.createElement('li');
  marker.className = 'drop-marker';
  marker.setAttribute('aria-hidden', 'true');
  column.querySelector('.cards').insertBefore(marker, others[picked.index] || null);
  const where = STATUS_NAMES[picked.status] + ', place ' + (picked.index + 1) + ' of ' + (others.length + 1);
  announce(picked.status === card.status && picked.index === visibleIds(card.status).indexOf(card.id)
    ? 'Picked up ' + cardTitle(card) + '. Arrow keys choose where it goes; Space or Enter moves it; Escape puts it back. Now: ' + where + '.'
    : where + '. Space or Enter to move here, Escape to cancel.');
}

function dropPicked(confirmed) {
  const picked = state.picked;
  state.picked = null;
  removeDropMarker();
  for (const column of board.querySelectorAll('.column')) column.classList.remove('drop-target');
  const card = state.cards.get(picked.id);
  render();
  focusCard(picked.id);
  if (!confirmed || !card) {
    announce('Move cancelled; ' + (card ? cardTitle(card) : 'the card') + ' stays where it was.');
    return;
  }
  if (picked.status === card.status && picked.index === visibleIds(card.status).indexOf(card.id)) {
    announce(cardTitle(card) + ' stays where it was.');
    return;
  }
  requestMove(card.id, picked.status, picked.index);
}

// ---------------------------------------------------------------- the Move… menu

function openMoveMenu(id, anchor) {
  const card = state.cards.get(id);
  const menu = $('move-menu');
  if (!card || state.pending.has(id)) return;
  const items = allowedTargets(card).map((status) => {
    const item = button(STATUS_NAMES[status], 'menu-item', () => { closeMoveMenu(); focusCard(id); requestMove(id, status, columnCards(status).length); });
    item.setAttribute('role', 'menuitem');
    item.dataset.status = status;
    return item;
  });
  menu.replaceChildren(...items);
  menu.setAttribute('aria-label', 'Move ' + cardTitle(card) + ' to');
  const r = anchor.getBoundingClientRect();
  menu.style.left = Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - 180) + 'px';
  menu.style.top = window.scrollY + r.bottom + 4 + 'px';
  menu.hidden = false;
  menu.dataset.for = id;
  anchor.setAttribute('aria-expanded', 'true');
  items[0].focus();
}

function closeMoveMenu() {
  const menu = $('move-menu');
  if (menu.hidden) return;
  menu.hidden = true;
  const entry = state.elements.get(menu.dataset.for);
  const anchor = entry && entry.li.querySelector('.move-btn');
  if (anchor) anchor.setAttribute('aria-expanded', 'false');
}

$('move-menu').addEventListener('keydown', (event) => {
  const items = [...$('move-menu').querySelectorAll('button')];
  const at = items.indexOf(document.activeElement);
  if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
    event.preventDefault();
    items[(at + (event.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length].focus();
  } else if (event.key === 'Escape' || event.key === 'Tab') {
    event.preventDefault();
    const id = $('move-menu').dataset.for;
    closeMoveMenu();
    const entry = state.elements.get(id);
    if (entry) (entry.li.querySelector('.move-btn') || entry.li).focus();
  }
});
document.addEventListener('click', (event) => {
  if (!event.target.closest('#move-menu') && !event.target.closest('.move-btn')) closeMoveMenu();
});

// ---------------------------------------------------------------- moves

function recordTiming(id, to, outcome, started) {
  window.moveTimings.push({ id, to, outcome, move_ms: Math.round(performance.now() - started) });
  if (window.moveTimings.length > KEPT_TIMINGS) window.moveTimings.shift();
}

function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Completed is terminal: the workflow cannot undo it, so the user confirms first. */
function confirmTerminal(card) {
  const dialog = $('confirm');
  $('confirm-text').textContent = cardTitle(card) + ' will be marked Completed. Completed jobs cannot be moved back.';
  return new Promise((resolve) => {
    const done = (ok) => {
      $('confirm-ok').removeEventListener('click', yes);
      $('confirm-cancel').removeEventListener('click', no);
      dialog.removeEventListener('cancel', no);
      dialog.close();
      resolve(ok);
    };
    const yes = () => done(true);
    const no = (event) => { if (event) event.preventDefault(); done(false); };
    $('confirm-ok').addEventListener('click', yes);
    $('confirm-cancel').addEventListener('click', no);
    dialog.addEventListener('cancel', no);
    dialog.showModal();
    $('confirm-cancel').focus();
  });
}

/** Where a card put at `index` of a column's visible cards (counted without it) goes: right after the id answered, or first (null). */
function anchorFor(status, id, index) {
  const others = columnCards(status).filter((c) => c.id !== id);
  const visible = others.filter(matchesFilter);
  if (index < visible.length) {
    const at = others.indexOf(visible[index]);
    return at > 0 ? others[at - 1].id : null;
  }
  const last = visible.length ? visible[visible.length - 1] : others[others.length - 1];
  return last ? last.id : null;
}

/** The card a card follows in its column now (null: it is first). */
function predecessorOf(card) {
  const cards = columnCards(card.status);
  const at = cards.indexOf(card);
  return at > 0 ? cards[at - 1].id : null;
}

/**
 * A user's move or, within the card's column, reorder: the confirmation for Completed, then one
 * intent with its own Idempotency-Key. `position` is the place among the column's visible cards.
 */
async function requestMove(id, to, position) {
  const card = state.cards.get(id);
  if (!card || state.pending.has(id) || !canDrop(card, to)) return;
  if (to === card.status) {
    const afterId = anchorFor(to, id, position);
    if (afterId === predecessorOf(card)) {
      announce(cardTitle(card) + ' stays where it was.');
      return;
    }
    await move({ id, to, reorder: true, afterId, expectedVersion: card.version, key: newKey() });
    return;
  }
  if (to === TERMINAL && card.status !== TERMINAL && !(await confirmTerminal(card))) {
    announce('Not moved; ' + cardTitle(card) + ' stays ' + STATUS_NAMES[card.status] + '.');
    focusCard(id);
    return;
  }
  await move({ id, to, position, expectedVersion: card.version, key: newKey() });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function retryDelayMs(reply) {
  const seconds = reply ? Number(reply.headers.get('Retry-After')) : NaN;
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 5) * 1000 : 1000;
}

/** Shows an intent at once; answers what to put back should it fail: the status and position of every card it changed. */
function showOptimistically(card, intent) {
  const before = new Map([[card.id, { status: card.status, position: card.position }]]);
  if (!intent.reorder) {
    Object.assign(card, { status: intent.to, position: intent.position });
    return before;
  }
  // As the server does: the card right after its anchor, the column renumbered 0..n-1.
  const cards = columnCards(card.status).filter((c) => c !== card);
  cards.splice(intent.afterId === null ? 0 : cards.findIndex((c) => c.id === intent.afterId) + 1, 0, card);
  cards.forEach((c, position) => {
    if (!before.has(c.id)) before.set(c.id, { status: c.status, position: c.position });
    c.position = position;
  });
  return before;
}

function putBack(before) {
  for (const [id, values] of before) {
    const card = state.cards.get(id);
    if (card) Object.assign(card, values);
  }
}

/**
 * Sends one move or reorder intent, optimistically shown at once. A network failure, a timeout, a
 * 503 or 504 (outcome unknown) or 409 idempotency_key_in_use is retried with the same
 * Idempotency-Key, so a move that did commit is answered by its replay instead of being made twice.
 */
async function move(intent) {
  const { id, to } = intent;
  const card = state.cards.get(id);
  if (!card || state.pending.has(id)) return;
  const before = showOptimistically(card, intent);
  state.pending.add(id);
  render();
  const started = performance.now();
  const slow = setTimeout(() => toast('Slow operation: the move is taking more than 2 s.'), SLOW_MOVE_MS);
  let reply = null;
  let outcome = 'network';
  try {
    for (let attempt = 1; attempt <= MOVE_ATTEMPTS; attempt++) {
      reply = await api('/api/admin/appointments/' + id + (intent.reorder ? '/reorder' : '/move'), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': intent.key },
        body: JSON.stringify(intent.reorder
          ? { expected_version: intent.expectedVersion, after_id: intent.afterId }
          : { new_status: to, expected_version: intent.expectedVersion, position: intent.position }),
      }).catch(() => null);
      const code = reply && reply.body && reply.body.error ? reply.body.error.code : null;
      const retryable = !reply || reply.status === 503 || reply.status === 504 || code === 'idempotency_key_in_use';
      if (!retryable || attempt === MOVE_ATTEMPTS || state.signedOut) break;
      await sleep(retryDelayMs(reply));
    }
    outcome = reply ? reply.status : 'network';
  } finally {
    clearTimeout(slow);
    recordTiming(id, to, outcome, started);
    state.pending.delete(id);
  }
  // A board reload during the move may have replaced the card object: update the one the page now shows.
  const current = state.cards.get(id) || card;
  const code = reply && reply.body && reply.body.error ? reply.body.error.code : null;
  if (reply && reply.status === 200) {
    const moved = reply.body.data;
    Object.assign(current, { status: moved.status, position: moved.position, version: moved.version,
      updated_at: moved.updated_at, check_in_at: moved.check_in_at, check_out_at: moved.check_out_at });
    render();
    focusCard(id);
    if (state.detailId === id) loadHistory(id);
    announce(cardTitle(current) + (intent.reorder ? ' moved to place ' + (moved.position + 1) + ' in ' : ' moved to ')
      + STATUS_NAMES[moved.status] + '.');
  } else if (reply && reply.status === 409 && code === 'version_conflict') {
    putBack(before);
    await explainConflict(intent, reply.body.error);
  } else if (!reply || reply.status >= 500) {
    // The outcome is unknown: ask the server what the card is now rather than guessing.
    await settleUnknown(intent, before, reply);
  } else {
    putBack(before);
    render();
    focusCard(id);
    toast('Move failed (' + reply.status + '): ' + (reply.body && reply.body.error ? reply.body.error.message : 'HTTP ' + reply.status), 'error');
  }
  // A reorder that did not go through may have met another screen's: the server's order replaces the guess.
  if (intent.reorder && !(reply && reply.status === 200)) loadBoard();
  refreshStats();
}

async function settleUnknown(intent, before, reply) {
  const fresh = await api('/api/admin/appointments/' + intent.id).catch(() => null);
  if (fresh && fresh.status === 200 && fresh.body.data.version > intent.expectedVersion) {
    state.cards.set(intent.id, fresh.body.data);
    render();
    toast(cardTitle(fresh.body.data) + ' is ' + STATUS_NAMES[fresh.body.data.status] + ' (the server was slow to confirm).');
    return;
  }
  putBack(before);
  render();
  focusCard(intent.id);
  const why = reply ? 'the server answered ' + reply.status : 'the server did not answer (network error or timeout)';
  // The retry repeats the same intent with the same key: if the move did happen meanwhile, it is answered, not repeated.
  toast('Move failed: ' + why + '.', 'error', { label: 'Retry', run: () => move(intent) });
}

/** A 409: show the card where it really is, say who moved it and when, and offer the move again if still allowed. */
async function explainConflict(intent, error) {
  const [fresh, history] = await Promise.all([
    api('/api/admin/appointments/' + intent.id).catch(() => null),
    api('/api/admin/appointments/' + intent.id + '/history').catch(() => null),
  ]);
  let card = state.cards.get(intent.id);
  if (fresh && fresh.status === 200) {
    card = fresh.body.data;
    state.cards.set(intent.id, card);
  } else if (card) {
    Object.assign(card, { status: error.current_status, version: error.current_version });
  }
  render();
  focusCard(intent.id);
  if (!card) return;
  const last = history && history.status === 200 ? history.body.data.items[0] : null;
  const by = last ? ' (moved by ' + last.actor + ' ' + ago(last.at) + ')' : '';
  const text = cardTitle(card) + ' is now ' + STATUS_NAMES[card.status] + by;
  toast(text, 'conflict', intent.reorder ? placeAgain(intent, card) : moveAgain(intent, card));
}

function moveAgain(intent, card) {
  return card.status !== intent.to && allowedTargets(card).includes(intent.to)
    ? { label: 'Move to ' + STATUS_NAMES[intent.to], run: () => requestMove(intent.id, intent.to, columnCards(intent.to).length) }
    : null;
}

/** A reorder is offered again while the card and the one it was to follow are still in that column. */
function placeAgain(intent, card) {
  const anchor = intent.afterId === null ? null : state.cards.get(intent.afterId);
  if (card.status !== intent.to || (intent.afterId !== null && (!anchor || anchor.status !== intent.to))) return null;
  return {
    label: 'Place it again',
    run: () => {
      const now = state.cards.get(intent.id);
      if (now) move({ ...intent, expectedVersion: now.version, key: newKey() });
    },
  };
}

// ---------------------------------------------------------------- live updates

/** An ISO-8601 UTC timestamp as text that sorts by time to the microsecond (a Date keeps milliseconds only). */
function instantKey(iso) {
  const parts = /^(.*?)(?:\.(\d+))?Z$/.exec(iso || '');
  return parts ? parts[1] + '.' + (parts[2] || '').padEnd(9, '0') : '';
}

/**
 * Whether `card` is a later state than `known`: a higher version, or, for the same version, a
 * later updated_at (a reorder renumbers other cards without changing their versions).
 */
function isNewer(card, known) {
  return card.version > known.version || (card.version === known.version && instantKey(card.updated_at) > instantKey(known.updated_at));
}

/** A card from the stream: later states replace what the page has; others are echoes. */
function applyLiveCard(card, kind) {
  const known = state.cards.get(card.id);
  if (known && (!isNewer(card, known) || state.pending.has(card.id))) return;
  state.cards.set(card.id, card);
  if (kind === 'appointment.positioned') {
    // One per card a reorder renumbered, often many at once: one render for them all, nothing to announce.
    renderSoon();
    return;
  }
  if (state.picked && state.picked.id === card.id) state.picked = null;
  render();
  if (state.detailId === card.id) loadHistory(card.id);
  refreshStats();
  if (kind === 'appointment.created') announce('New card: ' + cardTitle(card) + ' in ' + STATUS_NAMES[card.status] + '.');
  else if (known && known.status === card.status) announce(cardTitle(card) + ' moved to place ' + (card.position + 1) + ' in ' + STATUS_NAMES[card.status] + '.');
  else announce(cardTitle(card) + ' is now ' + STATUS_NAMES[card.status] + '.');
}

let renderQueued = false;

function renderSoon() {
  if (renderQueued) return;
  renderQueued = true;
  queueMicrotask(() => {
    renderQueued = false;
    render();
  });
}

function removeCard(id) {
  const card = state.cards.get(id);
  if (!card) return;
  state.cards.delete(id);
  if (state.detailId === id) closeDetail();
  render();
  refreshStats();
  announce(cardTitle(card) + ' was removed from the board.');
}

/** One SSE event: applies it and answers the close reason, if the server announced the end of the stream. */
function dispatch(event, data) {
  let payload = null;
  try { payload = data ? JSON.parse(data) : null; } catch (err) { return null; }
  const live = event === 'appointment.created' || event === 'appointment.moved' || event === 'appointment.positioned';
  if (live && payload) applyLiveCard(payload, event);
  else if (event === 'appointment.deleted' && payload) removeCard(String(payload.id));
  else if (event === 'resync') loadBoard();
  else if (event === 'close') return (payload && payload.reason) || 'closed';
  return null;
}

const stream = { generation: 0, controller: null, lastEventId: null, wake: null };

function setLive(kind, text) {
  const el = $('live');
  const was = el.dataset.state;
  el.dataset.state = kind;
  $('live-text').textContent = text;
  document.body.dataset.live = String(kind === 'live');
  if (was === 'offline' && kind === 'live') announce('Live again; the board has caught up.');
  if (was === 'live' && kind === 'offline') announce('Offline: the board may be out of date.');
}

function showOffline() {
  const since = state.liveSince ? ' since ' + timeOf(state.liveSince) : '';
  setLive('offline', 'Offline' + since + ' — the board may be out of date. Reconnecting…');
}

/** Waits, unless the browser comes back online or the stream is restarted first. */
function pause(ms) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    stream.wake = () => { clearTimeout(timer); resolve(); };
  });
}

/**
 * Reads the SSE stream with fetch (tokens go in headers, never in URLs). Resumes after a drop with
 * Last-Event-ID when the server gave ids; otherwise, and after a resync, refetches the board.
 */
async function follow(generation) {
  let delay = 1000;
  while (generation === stream.generation && !state.signedOut) {
    stream.controller = new AbortController();
    let closeReason = null;
    let wait = delay;
    try {
      const headers = authHeaders();
      if (stream.lastEventId !== null) headers['Last-Event-ID'] = stream.lastEventId;
      const response = await fetch('/api/admin/appointments/stream?date=' + state.date,
        { headers, credentials: 'same-origin', signal: stream.controller.signal });
      if (response.ok && response.body) {
        delay = 1000;
        if (stream.lastEventId === null && !(await loadBoard())) throw new Error('board');
        if (generation !== stream.generation) return;
        state.liveSince = new Date().toISOString();
        setLive('live', 'Live');
        closeReason = await read(response.body, generation);
        // The server said why it ends the stream: reconnect at once (resuming with Last-Event-ID). A drop waits a little.
        if (closeReason !== null) wait = 0;
      } else if (response.status === 401 || response.status === 403) {
        showAuthProblem(response.status);
        if (state.authMode !== 'oidc') setLive('offline', 'Not live: sign-in needed');
        return;
      } else if (response.status === 429) {
        const seconds = Number(response.headers.get('Retry-After'));
        wait = (Number.isFinite(seconds) && seconds > 0 ? seconds : 5) * 1000;
      } else if (response.status === 404) {
        wait = 30000; // a server without the stream: try again much later
      }
    } catch (err) {
      // dropped, aborted or unreachable: handled by the retry below
    }
    if (generation !== stream.generation || state.signedOut) return;
    // Without a stream the page still shows the board, marked as possibly out of date.
    if (!state.loaded && !(await loadBoard()) && state.signedOut) return;
    if (closeReason === 'token_expired' && state.authMode === 'jwt') {
      showAuthProblem(401);
      setLive('offline', 'Not live: the token has expired');
      return;
    }
    if (wait > 0) {
      showOffline();
      await pause(navigator.onLine === false ? 2 ** 31 - 1 : wait);
      if (wait === delay) delay = Math.min(delay * 2, 30000);
    }
  }
}

/** Parses the event stream until it ends; answers the reason of a `close` event, if one came. */
async function read(body, generation) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let event = 'message';
  let data = [];
  let id = null;
  let closeReason = null;
  for (;;) {
    const { value, done } = await reader.read();
    if (done || generation !== stream.generation) return closeReason;
    buffer += value;
    let end;
    while ((end = buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + (buffer.startsWith('\r\n', end) ? 2 : 1));
      if (line === '') {
        if (id !== null) stream.lastEventId = id;
        if (data.length > 0 || event !== 'message') closeReason = dispatch(event, data.join('\n')) || closeReason;
        event = 'message';
        data = [];
        id = null;
      } else if (line.startsWith(':')) {
        // ": subscribed <date>" and ": ping"
      } else {
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = val;
        else if (field === 'data') data.push(val);
        else if (field === 'id' && !val.includes('\0')) id = val;
      }
    }
  }
}

function stopStream() {
  stream.generation += 1;
  if (stream.controller) stream.controller.abort();
  if (stream.wake) stream.wake();
}

function restartStream() {
  stopStream();
  stream.lastEventId = null;
  follow(stream.generation);
}

window.addEventListener('offline', () => {
  // Tablets lose wifi; say so at once instead of when the next heartbeat is missed.
  if (stream.controller) stream.controller.abort();
  if (!state.signedOut && state.date) showOffline();
});
window.addEventListener('online', () => { if (stream.wake) stream.wake(); });

// ---------------------------------------------------------------- detail panel

function openDetail(id) {
  closeMoveMenu();
  state.detailId = id;
  $('detail').hidden = false;
  renderDetailFields();
  $('detail-title').focus();
  loadHistory(id);
}

function closeDetail() {
  if (!state.detailId) return;
  const id = state.detailId;
  state.detailId = null;
  $('detail').hidden = true;
  focusCard(id);
}

function renderDetailFields() {
  const card = state.cards.get(state.detailId);
  if (!card) return;
  $('detail-title').textContent = cardTitle(card);
  const when = (iso) => (iso ? new Date(iso).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' }) : '—');
  const rows = [
    ['Status', STATUS_NAMES[card.status]],
    ['Customer', card.customer_name],
    ['Phone', card.customer_phone],
    ['Vehicle', [card.year, card.make, card.model].filter(Boolean).join(' ')],
    ['Booked', timeOf(card.appt_start) + ' – ' + timeOf(card.appt_end)],
    ['Technician', techName(card.tech_id)],
    ['Checked in', when(card.check_in_at)],
    ['Checked out', when(card.check_out_at)],
    ['Total', money.format(card.total_amount)],
    ['Paid', money.format(card.paid_amount)],
    ['Due', money.format(dueOf(card))],
    ['Notes', card.notes || '—'],
  ];
  const items = [];
  for (const [label, value] of rows) {
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    if (label === 'Phone' && value) {
      const link = document.createElement('a');
      link.href = 'tel:' + value.replace(/[^0-9+]/g, '');
      link.textContent = value;
      dd.append(link);
    } else {
      dd.textContent = value || '—';
    }
    items.push(dt, dd);
  }
  $('detail-fields').replaceChildren(...items);
}

async function loadHistory(id) {
  const list = $('detail-history');
  list.replaceChildren(Object.assign(document.createElement('li'), { textContent: 'Loading…' }));
  const reply = await api('/api/admin/appointments/' + id + '/history').catch(() => null);
  if (state.detailId !== id) return;
  if (!reply || reply.status !== 200) {
    list.replaceChildren(Object.assign(document.createElement('li'), { textContent: 'The history could not be loaded.' }));
    return;
  }
  const items = reply.body.data.items.map((move) => {
    const li = document.createElement('li');
    const what = document.createElement('div');
    what.textContent = (move.from_status === move.to_status ? 'Reordered in ' + STATUS_NAMES[move.to_status]
      : STATUS_NAMES[move.from_status] + ' → ' + STATUS_NAMES[move.to_status]) + ' by ' + move.actor;
    const when = document.createElement('div');
    when.className = 'when';
    when.textContent = new Date(move.at).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' }) + ' (' + ago(move.at) + ')';
    li.append(what, when);
    return li;
  });
  list.replaceChildren(...(items.length ? items : [Object.assign(document.createElement('li'), { textContent: 'Not moved yet.' })]));
}

$('detail-close').addEventListener('click', closeDetail);
$('detail').addEventListener('keydown', (event) => { if (event.key === 'Escape') closeDetail(); });

// ---------------------------------------------------------------- search and filter

$('search').addEventListener('input', () => {
  state.filter.text = $('search').value.trim().toLowerCase();
  render();
});
$('tech-filter').addEventListener('change', () => {
  state.filter.tech = $('tech-filter').value;
  render();
});

function fillTechnicianFilter() {
  const ids = new Set([...state.technicians.keys(), ...[...state.cards.values()].map((c) => c.tech_id).filter(Boolean)]);
  const select = $('tech-filter');
  const chosen = select.value;
  select.replaceChildren(new Option('Everyone', ''), ...[...ids].sort((a, b) => techName(a).localeCompare(techName(b)))
    .map((id) => new Option(techName(id), id)));
  select.value = chosen;
}

// ---------------------------------------------------------------- days

function today() {
  const now = new Date();
  return new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
}

function isValidDate(text) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(text + 'T00:00:00Z');
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

function shiftDate(date, days) {
  const d = new Date(date + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function showDateError(text) {
  $('date-error').textContent = text + ' Pick a day with the date field above.';
  $('date-error').hidden = false;
  $('board').hidden = true;
  $('empty').hidden = true;
  setLive('offline', 'No day chosen');
}

async function showDate(date) {
  state.date = date;
  state.loaded = false;
  state.cards = new Map();
  state.picked = null;
  closeDetail();
  $('date-error').hidden = true;
  $('board').hidden = false;
  dateInput.value = date;
  const url = new URL(location.href);
  url.search = '?date=' + date;
  history.replaceState(null, '', url);
  setLive('connecting', 'Connecting…');
  render();
  restartStream();
}

async function start() {
  const requested = new URLSearchParams(location.search).get('date');
  if (!(await startSession())) return;
  const [workflow, technicians] = await Promise.all([
    api('/api/admin/workflow').catch(() => null),
    api('/api/admin/technicians').catch(() => null),
  ]);
  if (state.signedOut) return;
  if (workflow && workflow.status === 200) state.transitions = workflow.body.data.transitions;
  if (technicians && technicians.status === 200) {
    state.technicians = new Map(technicians.body.data.items.map((t) => [t.id, t.name]));
  }
  fillTechnicianFilter();
  if (requested !== null && !isValidDate(requested)) {
    state.date = null;
    showDateError('The address asks for the date "' + requested + '", which is not a real date (YYYY-MM-DD).');
    return;
  }
  await showDate(requested || today());
}

dateInput.addEventListener('change', () => { if (isValidDate(dateInput.value)) showDate(dateInput.value); });
$('prev-day').addEventListener('click', () => showDate(shiftDate(state.date || today(), -1)));
$('next-day').addEventListener('click', () => showDate(shiftDate(state.date || today(), 1)));
$('today').addEventListener('click', () => showDate(today()));
$('sign-out').addEventListener('click', async () => {
  // Ends the session here, then at the identity provider, which sends the browser back to /?signed_out=1.
  const reply = await api('/auth/logout', { method: 'POST' }).catch(() => null);
  if (reply && reply.status === 200) location.assign(reply.body.data.next);
  else toast('Signing out did not work; try again.', 'error');
});
$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
  $('auth-message').hidden = true;
  start();
});
start();
