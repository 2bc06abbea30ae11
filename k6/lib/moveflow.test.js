import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyMoveAnswer, mixAction, moveIteration, planAfterConflict } from './moveflow.js';
import { CONTENTION_WALK, SHOP_WALK } from './workflow.js';

/** The walks as NextStatus, without a service's workflow (walkOn checks that against it). */
/** @param {string} status */
const nextStatus = (status) => SHOP_WALK[/** @type {keyof SHOP_WALK} */ (status)] ?? null;
/** @param {string} status */
const nextContentionStatus = (status) => CONTENTION_WALK[/** @type {keyof CONTENTION_WALK} */ (status)] ?? null;

/** @param {string} id @param {string} status @param {number} version */
const card = (id, status, version) => ({ id, status, version });
/** @param {...ReturnType<typeof card>} scheduled */
const boardAnswer = (...scheduled) => ({
  status: 200,
  body: { ok: true, data: { columns: { scheduled: { items: scheduled }, in_progress: { items: [] }, ready: { items: [] }, completed: { items: [] }, no_show: { items: [] } } } },
});
/** @param {number} currentVersion */
const conflict = (currentVersion) => ({
  status: 409, body: { ok: false, error: { code: 'version_conflict', message: 'stale', current_version: currentVersion } },
});
const moved = { status: 200, body: { ok: true, data: {} } };
/** @param {ReturnType<typeof card>} data */
const cardAnswer = (data) => ({ status: 200, body: { ok: true, data } });

/**
 * Runs the flow against scripted answers; returns the requests it made and its outcome.
 * @param {import('./moveflow.js').Answer[]} answers  in the order the flow will ask
 * @param {(status: string) => string | null} [next]
 */
function drive(answers, next = nextStatus) {
  const flow = moveIteration(['7', '8'], () => 0, next);
  const requests = [];
  let step = flow.next();
  while (!step.done) {
    requests.push(step.value);
    const answer = answers.shift();
    assert.ok(answer, `no scripted answer for ${JSON.stringify(step.value)}`);
    step = flow.next(answer);
  }
  assert.equal(answers.length, 0, 'every scripted answer was used');
  return { requests, outcome: step.value };
}

test('a move that answers 200: board, one move with the board version', () => {
  const { requests, outcome } = drive([boardAnswer(card('7', 'scheduled', 1)), moved]);
  assert.deepEqual(requests, [
    { name: 'board' },
    { name: 'move', id: '7', body: { new_status: 'in_progress', expected_version: 1 } },
  ]);
  assert.deepEqual(outcome, { moves: ['moved'], recovered: null, noMovableCard: false });
});

test('only this run’s cards are picked', () => {
  const { requests } = drive([boardAnswer(card('1', 'scheduled', 1), card('8', 'scheduled', 3)), moved]);
  assert.deepEqual(requests[1], { name: 'move', id: '8', body: { new_status: 'in_progress', expected_version: 3 } });
});

test('409, refetch, retry with the fresh version: recovered', () => {
  const { requests, outcome } = drive([
    boardAnswer(card('7', 'scheduled', 1)), conflict(2), cardAnswer(card('7', 'in_progress', 2)), moved,
  ]);
  assert.deepEqual(requests.slice(2), [
    { name: 'card', id: '7' },
    { name: 'move', id: '7', body: { new_status: 'ready', expected_version: 2 } },
  ]);
  assert.deepEqual(outcome, { moves: ['conflict', 'moved'], recovered: true, noMovableCard: false });
});

test('409 on the retry counts as a second conflict, not an error, and is not recovered', () => {
  const { requests, outcome } = drive([
    boardAnswer(card('7', 'scheduled', 1)), conflict(2), cardAnswer(card('7', 'in_progress', 2)), conflict(3),
  ]);
  assert.equal(requests.length, 4, 'retries once only');
  assert.deepEqual(outcome, { moves: ['conflict', 'conflict'], recovered: false, noMovableCard: false });
});

test('409 when someone else already completed the card: recovered without a retry', () => {
  const { requests, outcome } = drive([
    boardAnswer(card('7', 'scheduled', 3)), conflict(4), cardAnswer(card('7', 'completed', 4)),
  ]);
  assert.equal(requests.length, 3);
  assert.deepEqual(outcome, { moves: ['conflict'], recovered: true, noMovableCard: false });
});

test('409 and the refetch fails: not recovered, no retry', () => {
  const { outcome } = drive([boardAnswer(card('7', 'scheduled', 1)), conflict(2), { status: 503, body: null }]);
  assert.deepEqual(outcome, { moves: ['conflict'], recovered: false, noMovableCard: false });
});

test('contention retries ready → in_progress', () => {
  const { requests } = drive([
    boardAnswer(card('7', 'scheduled', 1)), conflict(5), cardAnswer(card('7', 'ready', 5)), moved,
  ], nextContentionStatus);
  assert.deepEqual(requests[3], { name: 'move', id: '7', body: { new_status: 'in_progress', expected_version: 5 } });
});

test('no movable card: no move sent, reported', () => {
  const done = boardAnswer(card('7', 'completed', 4));
  const { requests, outcome } = drive([done]);
  assert.equal(requests.length, 1);
  assert.deepEqual(outcome, { moves: [], recovered: null, noMovableCard: true });
});

test('a failed board read ends the iteration quietly (http_req_failed counts it)', () => {
  const { requests, outcome } = drive([{ status: 401, body: { ok: false, error: { code: 'unauthorized' } } }]);
  assert.equal(requests.length, 1);
  assert.deepEqual(outcome, { moves: [], recovered: null, noMovableCard: false });
});

test('classifyMoveAnswer: only 409 version_conflict is a conflict', () => {
  assert.equal(classifyMoveAnswer(moved), 'moved');
  assert.equal(classifyMoveAnswer(conflict(2)), 'conflict');
  assert.equal(classifyMoveAnswer({ status: 409, body: { ok: false, error: { code: 'idempotency_key_in_use' } } }), 'error');
  assert.equal(classifyMoveAnswer({ status: 409, body: null }), 'error');
  assert.equal(classifyMoveAnswer({ status: 422, body: { ok: false, error: { code: 'invalid_transition' } } }), 'error');
  assert.equal(classifyMoveAnswer({ status: 500, body: null }), 'error');
});

test('planAfterConflict: no next status and the card unchanged is not a recovery', () => {
  assert.deepEqual(planAfterConflict('no_show', cardAnswer(card('7', 'no_show', 2)), nextStatus), { retry: null, recovered: false });
  assert.deepEqual(planAfterConflict('ready', cardAnswer(card('7', 'completed', 4)), nextStatus), { retry: null, recovered: true });
});

test('mixAction: 35 % board, 35 % stats, 30 % move', () => {
  assert.deepEqual([0, 0.3499, 0.35, 0.6999, 0.7, 0.9999].map(mixAction), ['board', 'board', 'stats', 'stats', 'move', 'move']);
});
