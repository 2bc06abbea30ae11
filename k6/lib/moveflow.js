// One move iteration as a generator of requests, so the same decisions run under k6 (whose http is
// synchronous) and under Node's fetch (asynchronous): the driver performs each yielded request and
// passes the answer back in. Nothing here does I/O.
import { pickCard, runCards } from './workflow.js';

/**
 * @typedef {{name: 'board'}
 *   | {name: 'move', id: string, body: {new_status: string, expected_version: number}}
 *   | {name: 'card', id: string}} Request
 *   `name` is also the request's k6 `name` tag, so reports group latency by it.
 * @typedef {{status: number, body: any}} Answer  `body` is the parsed JSON, or null
 * @typedef {'moved' | 'conflict' | 'error'} MoveResult
 * @typedef {object} Outcome
 * @property {MoveResult[]} moves     one entry per move request sent, the retry included
 * @property {boolean | null} recovered  null when there was no conflict
 * @property {boolean} noMovableCard  the board showed none of this run's cards able to move
 */

/**
 * 200 moved; 409 `version_conflict` is the expected answer to a stale version; anything else is an
 * error (a 409 with another code, such as `idempotency_key_in_use`, included).
 * @param {Answer} answer
 * @returns {MoveResult}
 */
export function classifyMoveAnswer(answer) {
  if (answer.status === 200) return 'moved';
  if (answer.status === 409 && answer.body?.error?.code === 'version_conflict') return 'conflict';
  return 'error';
}

/**
 * After a 409: retry once with the refetched version if the card still has a next status. Without
 * one, the conflict counts as recovered when someone else already moved the card on.
 * @param {string} seenStatus  the status the board showed when the card was picked
 * @param {Answer} refetched   the answer to GET …/appointments/{id}
 * @param {import('./workflow.js').NextStatus} next
 * @returns {{retry: {new_status: string, expected_version: number}} | {retry: null, recovered: boolean}}
 */
export function planAfterConflict(seenStatus, refetched, next) {
  if (refetched.status !== 200) return { retry: null, recovered: false };
  const card = refetched.body.data;
  const target = next(card.status);
  if (target !== null) return { retry: { new_status: target, expected_version: card.version } };
  return { retry: null, recovered: card.status !== seenStatus };
}

/**
 * @param {string} id
 * @param {string} newStatus
 * @param {number} expectedVersion
 * @returns {Request}
 */
function moveRequest(id, newStatus, expectedVersion) {
  return { name: 'move', id, body: { new_status: newStatus, expected_version: expectedVersion } };
}

/**
 * GET the board, pick one of this run's movable cards, move it with the board's version; on a
 * conflict refetch the card and retry once (see planAfterConflict).
 * @param {string[]} runCardIds
 * @param {() => number} random
 * @param {import('./workflow.js').NextStatus} next  the scenario's walk (workflow.js walkOn)
 * @returns {Generator<Request, Outcome, Answer>}
 */
export function* moveIteration(runCardIds, random, next) {
  /** @type {Outcome} */
  const outcome = { moves: [], recovered: null, noMovableCard: false };
  const board = yield { name: 'board' };
  if (board.status !== 200) return outcome; // counted by http_req_failed already
  const pick = pickCard(runCards(board.body.data, runCardIds), random, next);
  if (pick === null) return { ...outcome, noMovableCard: true };
  const { id, status, version } = pick.card;
  const first = classifyMoveAnswer(yield moveRequest(id, pick.newStatus, version));
  outcome.moves.push(first);
  if (first !== 'conflict') return outcome;
  const plan = planAfterConflict(status, yield { name: 'card', id }, next);
  if (plan.retry === null) return { ...outcome, recovered: plan.recovered };
  const retried = classifyMoveAnswer(yield moveRequest(id, plan.retry.new_status, plan.retry.expected_version));
  outcome.moves.push(retried);
  return { ...outcome, recovered: retried === 'moved' };
}

/** Share of mix iterations that read the board, then the stats; the rest move. */
export const MIX_BOARD_SHARE = 0.35;
export const MIX_STATS_SHARE = 0.35;

/**
 * What one mix iteration does: 70 % reads (half board, half stats), 30 % moves.
 * @param {number} draw  a number in [0, 1)
 * @returns {'board' | 'stats' | 'move'}
 */
export function mixAction(draw) {
  if (draw < MIX_BOARD_SHARE) return 'board';
  if (draw < MIX_BOARD_SHARE + MIX_STATS_SHARE) return 'stats';
  return 'move';
}
