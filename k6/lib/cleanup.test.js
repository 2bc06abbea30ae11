import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyDelete, cleanupReport, DELETE_ANSWERS, stopsCleanup } from './cleanup.js';

/** @param {number} status */
const answer = (status) => ({ status, body: null });
const run = { seeded: 42, runId: '20310115T080000Z-ab12', date: '2031-01-15' };

test('200 deleted, 404 gone already, 403 refused (no admin role), 405 no admin delete, anything else failed', () => {
  assert.deepEqual([200, 404, 403, 405, 401, 500, 0].map((status) => classifyDelete(answer(status))),
    ['deleted', 'absent', 'refused', 'unsupported', 'failed', 'failed', 'failed']);
  assert.deepEqual(DELETE_ANSWERS.map((status) => classifyDelete(answer(status))), ['deleted', 'refused', 'absent', 'unsupported']);
});

test('a refusal or a missing route stops the cleanup; a failed or absent card does not', () => {
  assert.equal(stopsCleanup(['deleted', 'absent', 'failed']), false);
  assert.equal(stopsCleanup(['deleted', 'unsupported']), true);
  assert.equal(stopsCleanup(['refused']), true);
});

test('every card gone: clean', () => {
  assert.deepEqual(cleanupReport([...Array(40).fill('deleted'), 'absent', 'absent'], run),
    { clean: true, message: "cleanup: removed the run's 42 cards (2 were gone already)" });
});

test('405 and 403 say why the cards stay, how many, and how to find them', () => {
  assert.deepEqual(cleanupReport(Array(20).fill('unsupported'), run), {
    clean: false,
    message: "cleanup: DELETE /api/admin/appointments/{id} answered 405: this service has no admin delete, so the run's 42 remaining cards stay on 2031-01-15 (customers named 'Load test 20310115T080000Z-ab12 #…')",
  });
  assert.match(cleanupReport(['deleted', 'refused'], run).message,
    /^cleanup: DELETE \/api\/admin\/appointments\/\{id\} answered 403: ADMIN_TOKEN \(or TOKEN\) lacks the admin role, so the run's 41 remaining cards stay/);
});

test('failed deletes leave their cards, counted', () => {
  assert.deepEqual(cleanupReport([...Array(40).fill('deleted'), 'failed', 'failed'], run), {
    clean: false,
    message: "cleanup: 2 deletes failed (see http_req_failed), so the run's 2 remaining cards stay on 2031-01-15 (customers named 'Load test 20310115T080000Z-ab12 #…')",
  });
});

test('no cards seeded: nothing to clean', () => {
  assert.deepEqual(cleanupReport([], { ...run, seeded: 0 }), { clean: true, message: "cleanup: removed the run's 0 cards (0 were gone already)" });
});
