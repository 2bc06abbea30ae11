import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTENTION_WALK, pickCard, runCards, scenarioWalk, SHOP_WALK, walkOn } from './workflow.js';

/** The data of GET /api/admin/workflow as the contract states it. */
const WORKFLOW = {
  statuses: ['scheduled', 'in_progress', 'ready', 'completed', 'no_show'],
  transitions: {
    scheduled: ['in_progress', 'no_show'],
    in_progress: ['ready', 'completed', 'scheduled'],
    ready: ['completed', 'in_progress'],
    completed: [],
    no_show: ['scheduled'],
  },
};

test('the shop walks the happy path and stops at completed; no_show is never moved', () => {
  const next = walkOn(WORKFLOW, SHOP_WALK);
  assert.deepEqual(WORKFLOW.statuses.map(next), ['in_progress', 'ready', 'completed', null, null]);
  assert.equal(next('bogus'), null);
});

test('contention cycles in_progress ↔ ready and never reaches completed', () => {
  const next = walkOn(WORKFLOW, CONTENTION_WALK);
  assert.deepEqual(WORKFLOW.statuses.map(next), ['in_progress', 'ready', 'in_progress', null, null]);
  let status = 'scheduled';
  for (let move = 0; move < 100; move += 1) {
    status = /** @type {string} */ (next(status));
    assert.ok(status === 'in_progress' || status === 'ready');
  }
});

test('scenarioWalk: contention cycles, every other scenario walks the happy path', () => {
  assert.equal(scenarioWalk('contention'), CONTENTION_WALK);
  for (const scenario of ['move', 'smoke', 'rate', 'mix']) assert.equal(scenarioWalk(scenario), SHOP_WALK);
});

test('a walk the service does not allow is refused, naming every step it lacks', () => {
  const stricter = { ...WORKFLOW, transitions: { ...WORKFLOW.transitions, ready: ['completed'], in_progress: ['completed'] } };
  assert.throws(() => walkOn(stricter, CONTENTION_WALK), {
    message: "the service's workflow (GET /api/admin/workflow) does not allow in_progress → ready, ready → in_progress, which this scenario walks",
  });
  assert.throws(() => walkOn({ ...WORKFLOW, transitions: { scheduled: ['in_progress'] } }, SHOP_WALK),
    /does not allow in_progress → ready, ready → completed,/);
});

test('an answer that is not a workflow table is refused', () => {
  assert.throws(() => walkOn(null, SHOP_WALK), { message: 'GET /api/admin/workflow answered no {statuses, transitions} table: null' });
  assert.throws(() => walkOn({ statuses: [] }, SHOP_WALK), /answered no \{statuses, transitions\} table/);
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
const shop = walkOn(WORKFLOW, SHOP_WALK);

test("runCards keeps only this run's cards, from every data.columns.<status>.items", () => {
  assert.deepEqual(runCards(board, ['1', '2', '3', '4']).map((c) => c.id), ['1', '2', '3', '4']);
  assert.deepEqual(runCards(board, ['9']), [card('9', 'scheduled')]);
  assert.deepEqual(runCards(board, []), []);
});

test('pickCard picks uniformly among movable cards and names the next status', () => {
  const cards = runCards(board, ['1', '2', '3', '4']); // 3 and 4 cannot move
  assert.deepEqual(pickCard(cards, () => 0, shop), { card: card('1', 'scheduled'), newStatus: 'in_progress' });
  assert.deepEqual(pickCard(cards, () => 0.49, shop), { card: card('1', 'scheduled'), newStatus: 'in_progress' });
  assert.deepEqual(pickCard(cards, () => 0.5, shop), { card: card('2', 'in_progress', 2), newStatus: 'ready' });
  assert.deepEqual(pickCard(cards, () => 0.999999, shop), { card: card('2', 'in_progress', 2), newStatus: 'ready' });
});

test('pickCard uses the given walk: ready moves on under contention', () => {
  const cards = [card('5', 'ready', 3)];
  assert.deepEqual(pickCard(cards, () => 0, shop), { card: cards[0], newStatus: 'completed' });
  assert.deepEqual(pickCard(cards, () => 0, walkOn(WORKFLOW, CONTENTION_WALK)), { card: cards[0], newStatus: 'in_progress' });
});

test('pickCard answers null when no card can move', () => {
  assert.equal(pickCard([], () => 0, shop), null);
  assert.equal(pickCard([card('3', 'completed'), card('4', 'no_show')], () => 0, shop), null);
});

test('pickCard refuses a random source outside [0, 1)', () => {
  assert.throws(() => pickCard([card('1', 'scheduled')], () => 1, shop), { message: 'random() must return a number in [0, 1), got 1' });
  assert.throws(() => pickCard([card('1', 'scheduled')], () => NaN, shop), /got NaN/);
});
