// The scenarios' requests against a running Move API: the workflow the walks are checked against,
// seeding, the board, a move, a forced 409 with its refetch and retry, a 409 on the retry, the mix
// reads, a small contention run followed by the invariant check, and the cleanup's delete. Node's
// fetch performs the same requests (lib/requests.js), checks (lib/checks.js) and decisions
// (lib/moveflow.js, lib/cleanup.js) as the k6 scripts. Runs only when BASE_URL is set, e.g.
//   BASE_URL=http://127.0.0.1:18081 node --test k6/lib/service.itest.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ANSWER_CHECKS } from './checks.js';
import { classifyDelete } from './cleanup.js';
import { loadConfig } from './config.js';
import { checkInvariant } from './invariant.js';
import { moveIteration } from './moveflow.js';
import { httpRequest, parseAnswer } from './requests.js';
import { newRunId, seedCardPayload } from './seed.js';
import { CONTENTION_WALK, runCards, SHOP_WALK, walkOn } from './workflow.js';

const skip = process.env.BASE_URL ? false : 'BASE_URL is not set';
const config = skip ? null : loadConfig(process.env, 'contention');

/**
 * @param {import('./requests.js').ApiRequest} request
 * @param {boolean} [healthy]  assert the answer passes the k6 scripts' check()s
 */
async function perform(request, healthy = true) {
  if (config === null) throw new Error('BASE_URL is not set');
  const { method, url, body, headers } = httpRequest(config, request);
  const response = await fetch(url, { method, body, headers, signal: AbortSignal.timeout(10_000) });
  const answer = parseAnswer(response.status, await response.text());
  if (healthy) {
    for (const [name, passes] of Object.entries(ANSWER_CHECKS[request.name])) {
      assert.ok(passes(answer), `check '${name}' failed on ${JSON.stringify(answer)}`);
    }
  }
  return answer;
}

/** @type {{shop: import('./workflow.js').NextStatus, contention: import('./workflow.js').NextStatus} | null} */
let walks = null;
/**
 * The scenarios' walks on the service's own workflow, read once, as setup() does.
 * @param {'shop' | 'contention'} name
 */
async function walk(name) {
  if (walks === null) {
    const workflow = (await perform({ name: 'workflow' })).body.data;
    walks = { shop: walkOn(workflow, SHOP_WALK), contention: walkOn(workflow, CONTENTION_WALK) };
  }
  return walks[name];
}

/**
 * Drives one move iteration with real requests; `override` may answer a request itself.
 * @param {string[]} ids
 * @param {'shop' | 'contention'} walkName
 * @param {(request: import('./moveflow.js').Request) => Promise<import('./moveflow.js').Answer | undefined>} [override]
 */
async function drive(ids, walkName, override = async () => undefined) {
  const flow = moveIteration(ids, Math.random, await walk(walkName));
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

test("the service's workflow allows the walks the scenarios take", { skip }, async () => {
  assert.equal((await walk('shop'))('ready'), 'completed');
  assert.equal((await walk('contention'))('ready'), 'in_progress');
});

test('seeded cards show on the board for DATE under data.columns.<status>.items', { skip }, async () => {
  const ids = await seed(3);
  const board = await perform({ name: 'board' });
  assert.equal(board.status, 200);
  assert.deepEqual(runCards(board.body.data, ids).map((c) => [c.id, c.status, c.version]),
    ids.map((id) => [id, 'scheduled', 1]));
});

test('a move iteration moves one card one step', { skip }, async () => {
  const [id] = await seed(1);
  assert.deepEqual(await drive([id], 'shop'), { moves: ['moved'], recovered: null, noMovableCard: false });
  assert.deepEqual([(await card(id)).status, (await card(id)).version], ['in_progress', 2]);
});

test('a stale board version gets a real 409; refetch and retry recover it', { skip }, async () => {
  const [id] = await seed(1);
  const staleBoard = await perform({ name: 'board' });
  await drive([id], 'shop'); // someone else moves the card: scheduled → in_progress, version 2
  const outcome = await drive([id], 'shop', async (request) => (request.name === 'board' ? staleBoard : undefined));
  assert.deepEqual(outcome, { moves: ['conflict', 'moved'], recovered: true, noMovableCard: false });
  assert.deepEqual([(await card(id)).status, (await card(id)).version], ['ready', 3]);
});

test('a 409 on the retry too is a second conflict, not recovered', { skip }, async () => {
  const [id] = await seed(1);
  const staleBoard = await perform({ name: 'board' });
  await drive([id], 'shop');
  const outcome = await drive([id], 'shop', async (request) => {
    if (request.name === 'board') return staleBoard;
    if (request.name !== 'card') return undefined;
    const refetched = await perform(request);
    await drive([id], 'shop'); // and moves it again between the refetch and the retry
    return refetched;
  });
  assert.deepEqual(outcome, { moves: ['conflict', 'conflict'], recovered: false, noMovableCard: false });
  assert.deepEqual([(await card(id)).status, (await card(id)).version], ['ready', 3]);
});

test('a completed card is never picked: the iteration reports no movable card', { skip }, async () => {
  const [id] = await seed(1);
  for (let step = 0; step < 3; step += 1) await drive([id], 'shop');
  assert.deepEqual([(await card(id)).status, (await card(id)).version], ['completed', 4]);
  assert.deepEqual(await drive([id], 'shop'), { moves: [], recovered: null, noMovableCard: true });
});

test('the mix reads answer 200', { skip }, async () => {
  const stats = await perform({ name: 'stats' });
  assert.equal(stats.status, 200);
  assert.ok(stats.body.data.jobsToday >= 1);
});

test('contention: concurrent iterations on 3 cards lose no move (version − 1 = history rows)', { skip }, async () => {
  const ids = await seed(3);
  const rounds = await Promise.all(Array.from({ length: 60 }, () => drive(ids, 'contention')));
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

test('cleanup: the admin delete removes a card, or the service answers 405 (no such route)', { skip }, async () => {
  const [id] = await seed(1);
  const first = classifyDelete(await perform({ name: 'delete', id }, false));
  assert.ok(first === 'deleted' || first === 'unsupported', `the delete was ${first}`);
  if (first === 'unsupported') {
    console.log('cleanup: this service has no DELETE /api/admin/appointments/{id} (405); the k6 scripts log that and keep their thresholds');
    assert.equal((await card(id)).status, 'scheduled');
    return;
  }
  assert.equal((await perform({ name: 'card', id }, false)).status, 404);
  assert.equal(classifyDelete(await perform({ name: 'delete', id }, false)), 'absent');
});
