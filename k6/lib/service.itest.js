// The scenarios' requests against a running Move API: seeding, the board, a move, a forced 409 with
// its refetch and retry, a 409 on the retry, the mix reads, and a small contention run followed by
// the invariant check. Node's fetch performs the same requests (lib/requests.js) and decisions
// (lib/moveflow.js) as the k6 scripts. Runs only when BASE_URL is set, e.g.
//   BASE_URL=http://127.0.0.1:18081 node --test k6/lib/service.itest.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from './config.js';
import { checkInvariant } from './invariant.js';
import { moveIteration } from './moveflow.js';
import { httpRequest, parseAnswer } from './requests.js';
import { newRunId, seedCardPayload } from './seed.js';
import { nextContentionStatus, nextStatus, runCards } from './workflow.js';

const skip = process.env.BASE_URL ? false : 'BASE_URL is not set';
const config = skip ? null : loadConfig('contention', process.env);

/** @param {import('./requests.js').ApiRequest} request */
async function perform(request) {
  if (config === null) throw new Error('BASE_URL is not set');
  const { method, url, body, headers } = httpRequest(config, request);
  const response = await fetch(url, { method, body, headers, signal: AbortSignal.timeout(10_000) });
  return parseAnswer(response.status, await response.text());
}

/**
 * Drives one move iteration with real requests; `override` may answer a request itself.
 * @param {string[]} ids
 * @param {(status: string) => string | null} next
 * @param {(request: import('./moveflow.js').Request) => Promise<import('./moveflow.js').Answer | undefined>} [override]
 */
async function drive(ids, next, override = async () => undefined) {
  const flow = moveIteration(ids, Math.random, next);
  let step = flow.next();
  while (!step.done) step = flow.next((await override(step.value)) ?? (await perform(step.value)));
  return step.value;
}

/** @param {number} count */
async function seed(count) {
  const runId = newRunId(new Date(), Math.random);
  const ids = [];
  for (let index = 0; index < count; index += 1) {
    const created = await perform({ name: 'create', body: seedCardPayload(/** @type {any} */ (config).date, index, runId) });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.data.status, 'scheduled');
    assert.equal(created.body.data.version, 1);
    ids.push(created.body.data.id);
  }
  return ids;
}

/** @param {string} id */
async function card(id) {
  const answer = await perform({ name: 'card', id });
  assert.equal(answer.status, 200);
  return answer.body.data;
}

test('seeded cards show on the board for DATE under data.columns.<status>.items', { skip }, async () => {
  const ids = await seed(3);
  const board = await perform({ name: 'board' });
  assert.equal(board.status, 200);
  assert.deepEqual(runCards(board.body.data, ids).map((c) => [c.id, c.status, c.version]),
    ids.map((id) => [id, 'scheduled', 1]));
});

test('a move iteration moves one card one step', { skip }, async () => {
  const [id] = await seed(1);
  assert.deepEqual(await drive([id], nextStatus), { moves: ['moved'], recovered: null, noMovableCard: false });
  assert.deepEqual([(await card(id)).status, (await card(id)).version], ['in_progress', 2]);
});

test('a stale board version gets a real 409; refetch and retry recover it', { skip }, async () => {
  const [id] = await seed(1);
  const staleBoard = await perform({ name: 'board' });
  await drive([id], nextStatus); // someone else moves the card: scheduled → in_progress, version 2
  const outcome = await drive([id], nextStatus, async (request) => (request.name === 'board' ? staleBoard : undefined));
  assert.deepEqual(outcome, { moves: ['conflict', 'moved'], recovered: true, noMovableCard: false });
  assert.deepEqual([(await card(id)).status, (await card(id)).version], ['ready', 3]);
});

test('a 409 on the retry too is a second conflict, not recovered', { skip }, async () => {
  const [id] = await seed(1);
  const staleBoard = await perform({ name: 'board' });
  await drive([id], nextStatus);
  const outcome = await drive([id], nextStatus, async (request) => {
    if (request.name === 'board') return staleBoard;
    if (request.name !== 'card') return undefined;
    const refetched = await perform(request);
    await drive([id], nextStatus); // and moves it again between the refetch and the retry
    return refetched;
  });
  assert.deepEqual(outcome, { moves: ['conflict', 'conflict'], recovered: false, noMovableCard: false });
  assert.deepEqual([(await card(id)).status, (await card(id)).version], ['ready', 3]);
});

test('a completed card is never picked: the iteration reports no movable card', { skip }, async () => {
  const [id] = await seed(1);
  for (let step = 0; step < 3; step += 1) await drive([id], nextStatus);
  assert.deepEqual([(await card(id)).status, (await card(id)).version], ['completed', 4]);
  assert.deepEqual(await drive([id], nextStatus), { moves: [], recovered: null, noMovableCard: true });
});

test('the mix reads answer 200', { skip }, async () => {
  const stats = await perform({ name: 'stats' });
  assert.equal(stats.status, 200);
  assert.ok(stats.body.data.jobsToday >= 1);
});

test('contention: concurrent iterations on 3 cards lose no move (version − 1 = history rows)', { skip }, async () => {
  const ids = await seed(3);
  const rounds = await Promise.all(Array.from({ length: 60 }, () => drive(ids, nextContentionStatus)));
  const movedSeen = rounds.flatMap((outcome) => outcome.moves).filter((result) => result === 'moved').length;
  const conflictsSeen = rounds.flatMap((outcome) => outcome.moves).filter((result) => result === 'conflict').length;
  assert.ok(!rounds.flatMap((outcome) => outcome.moves).includes('error'));
  const cards = await Promise.all(ids.map(async (id) => {
    const history = await perform({ name: 'history', id });
    assert.equal(history.status, 200);
    return { id, version: (await card(id)).version, historyCount: history.body.data.items.length };
  }));
  const { serverMoves, violations } = checkInvariant(cards);
  assert.deepEqual(violations, []);
  assert.equal(serverMoves, movedSeen);
  console.log(`contention: ${movedSeen} moves, ${conflictsSeen} conflicts over ${ids.length} cards`);
  for (const c of cards) assert.notEqual((await card(c.id)).status, 'completed');
});
