// Which card a VU moves and to where. Only cards seeded by this run are ever picked.

/** The board's columns, as the contract lists them. */
export const STATUSES = /** @type {const} */ (['scheduled', 'in_progress', 'ready', 'completed', 'no_show']);

/**
 * @typedef {object} Card  the fields of a board item the load tests use
 * @property {string} id
 * @property {string} status
 * @property {number} version
 */

/** @typedef {(status: string) => string | null} NextStatus */

/** @type {Record<string, string>} */
const HAPPY_PATH = { scheduled: 'in_progress', in_progress: 'ready', ready: 'completed' };

/** @type {Record<string, string>} */
const CONTENTION_CYCLE = { scheduled: 'in_progress', in_progress: 'ready', ready: 'in_progress' };

/**
 * The happy path; null for completed and no_show, which are never picked.
 * @type {NextStatus}
 */
export function nextStatus(status) {
  return HAPPY_PATH[status] ?? null;
}

/**
 * Contention never reaches the terminal completed: scheduled → in_progress, then in_progress ↔ ready
 * (both allowed by the contract), so a few cards absorb any number of moves.
 * @type {NextStatus}
 */
export function nextContentionStatus(status) {
  return CONTENTION_CYCLE[status] ?? null;
}

/**
 * This run's cards on a board answer (`data` of GET …/board, the shop's `data.columns.<status>.items`).
 * @param {{columns: Record<string, {items: Card[]}>}} board
 * @param {string[]} runCardIds
 * @returns {Card[]}
 */
export function runCards(board, runCardIds) {
  const ids = new Set(runCardIds);
  return STATUSES.flatMap((status) => board.columns[status].items.filter((card) => ids.has(card.id)));
}

/**
 * A uniformly random card among those that have a next status, and that status; null when no card
 * can move (the run ran out of cards). Uniform choice spreads the VUs, so conflicts stay rare.
 * @param {Card[]} cards
 * @param {() => number} random  returns [0, 1), like Math.random
 * @param {NextStatus} [next]
 * @returns {{card: Card, newStatus: string} | null}
 */
export function pickCard(cards, random, next = nextStatus) {
  const movable = cards.filter((card) => next(card.status) !== null);
  if (movable.length === 0) return null;
  const draw = random();
  if (!(draw >= 0 && draw < 1)) throw new Error(`random() must return a number in [0, 1), got ${draw}`);
  const card = movable[Math.floor(draw * movable.length)];
  return { card, newStatus: /** @type {string} */ (next(card.status)) };
}
