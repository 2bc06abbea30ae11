import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ANSWER_CHECKS } from './checks.js';

/**
 * Whether every check of the request name passes on the answer.
 * @param {keyof typeof ANSWER_CHECKS} name @param {number} status @param {any} body
 */
const passes = (name, status, body) => Object.values(ANSWER_CHECKS[name]).every((check) => check({ status, body }));

test('every request name the scenarios send has its checks', () => {
  assert.deepEqual(Object.keys(ANSWER_CHECKS).sort(), ['board', 'card', 'create', 'delete', 'history', 'move', 'stats', 'workflow']);
});

test('healthy answers pass', () => {
  assert.ok(passes('create', 201, { ok: true, data: { id: '42' } }));
  assert.ok(passes('board', 200, { ok: true, data: { columns: {} } }));
  assert.ok(passes('stats', 200, { ok: true, data: { jobsToday: 0 } }));
  assert.ok(passes('card', 200, { ok: true, data: { version: 3 } }));
  assert.ok(passes('history', 200, { ok: true, data: { items: [] } }));
  assert.ok(passes('workflow', 200, { ok: true, data: { transitions: {} } }));
  assert.ok(passes('move', 200, { ok: true, data: {} }));
  assert.ok(passes('move', 409, { ok: false, error: { code: 'version_conflict' } }));
  assert.ok(passes('delete', 200, { ok: true, data: { appointment_id: '42' } }));
});

test('a wrong status, or the right status with the wrong body, fails', () => {
  assert.ok(!passes('create', 200, { ok: true, data: { id: '42' } }));
  assert.ok(!passes('create', 201, { ok: true, data: { id: 42 } }));
  assert.ok(!passes('board', 200, null)); // a proxy's HTML page
  assert.ok(!passes('stats', 200, { ok: true, data: { jobsToday: '3' } }));
  assert.ok(!passes('card', 503, { ok: false, error: { code: 'unavailable' } }));
  assert.ok(!passes('history', 200, { ok: true, data: {} }));
  assert.ok(!passes('move', 409, { ok: false, error: { code: 'idempotency_key_in_use' } }));
  assert.ok(!passes('move', 422, { ok: false, error: { code: 'invalid_transition' } }));
  assert.ok(!passes('delete', 405, { ok: false, error: { code: 'method_not_allowed' } }));
});
