import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextContentionStatus, nextStatus, pickCard, runCards, STATUSES } from './workflow.js';

test('nextStatus is the happy path and stops at completed; no_show is never moved', () => {
  assert.deepEqual(STATUSES.map(nextStatus), ['in_progress', 'ready', 'completed', null, null]);
  assert.equal(nextStatus('bogus'), null);
});

test('nextContentionStatus cycles in_progress ↔ ready and never reaches completed', () => {
  assert.deepEqual(STATUSES.map(nextContentionStatus), ['in_progress', 'ready', 'in_progress', null, null]);
  let status = 'scheduled';
  for (let move = 0; move < 100; move += 1) {
    status = /** @type {string} */ (nextContentionStatus(status));
    assert.ok(status === 'in_progress' || status === 'ready');
  }
});

/** @param {string} id @param {string} status @param {number} [version] */
const card = (id, status, version = 1) => ({ id, status, version });

const board = {
  columns: {
    scheduled: { items: [card('1', 'scheduled'), card('9', 'scheduled')] },
    in_progress: { items: [card('2', 'in_progress', 2)] },
    ready: { items: [] },
    completed: { items: [card('3', 'completed', 4)] },
    no_show: { items: [card('4', 'no_show', 2)] },
  },
};

test("runCards keeps only this run's cards, from data.columns.<status>.items", () => {
  assert.deepEqual(runCards(board, ['1', '2', '3', '4']).map((c) => c.id), ['1', '2', '3', '4']);
  assert.deepEqual(runCards(board, ['9']), [card('9', 'scheduled')]);
  assert.deepEqual(runCards(board, []), []);
});

test('pickCard picks uniformly among movable cards and names the next status', () => {
  const cards = runCards(board, ['1', '2', '3', '4']); // 3 and 4 cannot move
  assert.deepEqual(pickCard(cards, () => 0), { card: card('1', 'scheduled'), newStatus: 'in_progress' });
  assert.deepEqual(pickCard(cards, () => 0.49), { card: card('1', 'scheduled'), newStatus: 'in_progress' });
  assert.deepEqual(pickCard(cards, () => 0.5), { card: card('2', 'in_progress', 2), newStatus: 'ready' });
  assert.deepEqual(pickCard(cards, () => 0.999999), { card: card('2', 'in_progress', 2), newStatus: 'ready' });
});

test('pickCard uses the given workflow: ready moves on under contention', () => {
  const cards = [card('5', 'ready', 3)];
  assert.deepEqual(pickCard(cards, () => 0), { card: cards[0], newStatus: 'completed' });
  assert.deepEqual(pickCard(cards, () => 0, nextContentionStatus), { card: cards[0], newStatus: 'in_progress' });
});

test('pickCard answers null when no card can move', () => {
  assert.equal(pickCard([], () => 0), null);
  assert.equal(pickCard([card('3', 'completed'), card('4', 'no_show')], () => 0), null);
});

test('pickCard refuses a random source outside [0, 1)', () => {
  assert.throws(() => pickCard([card('1', 'scheduled')], () => 1), { message: 'random() must return a number in [0, 1), got 1' });
  assert.throws(() => pickCard([card('1', 'scheduled')], () => NaN), /got NaN/);
});
