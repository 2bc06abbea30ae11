import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpRequest, parseAnswer } from './requests.js';

const config = { baseUrl: 'http://127.0.0.1:8080', token: null, date: '2031-01-15' };

test('reads are GETs on the contract paths, for DATE', () => {
  assert.deepEqual(httpRequest(config, { name: 'board' }),
    { method: 'GET', url: 'http://127.0.0.1:8080/api/admin/appointments/board?date=2031-01-15', body: null, headers: {} });
  assert.equal(httpRequest(config, { name: 'stats' }).url, 'http://127.0.0.1:8080/api/admin/dashboard/stats?date=2031-01-15');
  assert.equal(httpRequest(config, { name: 'card', id: '42' }).url, 'http://127.0.0.1:8080/api/admin/appointments/42');
  assert.equal(httpRequest(config, { name: 'history', id: '42' }).url, 'http://127.0.0.1:8080/api/admin/appointments/42/history?limit=200');
  assert.equal(httpRequest(config, { name: 'history', id: '42', cursor: 'a b' }).url,
    'http://127.0.0.1:8080/api/admin/appointments/42/history?limit=200&cursor=a%20b');
});

test('a move posts {new_status, expected_version} as JSON', () => {
  assert.deepEqual(httpRequest(config, { name: 'move', id: '7', body: { new_status: 'ready', expected_version: 3 } }), {
    method: 'POST',
    url: 'http://127.0.0.1:8080/api/admin/appointments/7/move',
    body: '{"new_status":"ready","expected_version":3}',
    headers: { 'Content-Type': 'application/json' },
  });
});

test('TOKEN goes in the Authorization header of every request', () => {
  const withToken = { ...config, token: 'abc' };
  assert.deepEqual(httpRequest(withToken, { name: 'board' }).headers, { Authorization: 'Bearer abc' });
  assert.deepEqual(httpRequest(withToken, { name: 'create', body: {} }).headers,
    { Authorization: 'Bearer abc', 'Content-Type': 'application/json' });
});

test('answers carry the parsed body, or null when it is not JSON', () => {
  assert.deepEqual(parseAnswer(200, '{"ok":true}'), { status: 200, body: { ok: true } });
  assert.deepEqual(parseAnswer(502, '<html>Bad gateway</html>'), { status: 502, body: null });
  assert.deepEqual(parseAnswer(0, null), { status: 0, body: null });
  assert.deepEqual(parseAnswer(204, ''), { status: 204, body: null });
});
