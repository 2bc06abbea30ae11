// Which card a VU moves and to where. The statuses and allowed transitions are the service's own
// (GET /api/admin/workflow, read by setup); a scenario only chooses which allowed steps it walks.
// Only cards seeded by this run are ever picked.

/**
 * @typedef {object} Card  the fields of a board item the load tests use
 * @property {string} id
 * @property {string} status
 * @property {number} version
 */

/** @typedef {(status: string) => string | null} NextStatus */
/** @typedef {Record<string, string>} Walk  each status to the one a VU moves a card on to */

/** The shop's scenario: the happy path, scheduled → in_progress → ready → completed. */
export const SHOP_WALK = { scheduled: 'in_progress', in_progress: 'ready', ready: 'completed' };

/**
 * Contention never reaches the terminal completed: scheduled → in_progress, then in_progress ↔
 * ready, so a few cards absorb any number of moves.
 */
export const CONTENTION_WALK = { scheduled: 'in_progress', in_progress: 'ready', ready: 'in_progress' };

/**
 * @param {string} scenario
 * @returns {Walk}
 */
export function scenarioWalk(scenario) {
  return scenario === 'contention' ? CONTENTION_WALK : SHOP_WALK;
}

/**
 * The walk as a NextStatus, once every step of it is checked against the service's workflow;
 * statuses the walk does not name (completed, no_show) are never moved.
 * @param {any} workflow  `data` of GET /api/admin/workflow: {statuses: [...], transitions: {from: [to...]}}
 * @param {Walk} walk
 * @returns {NextStatus}
 */
export function walkOn(workflow, walk) {
  const transitions = workflow?.transitions;
  if (!Array.isArray(workflow?.statuses) || typeof transitions !== 'object' || transitions === null) {
    throw new Error(`GET /api/admin/workflow answered no {statuses, transitions} table: ${JSON.stringify(workflow)}`);
  }
  const refused = Object.entries(walk)
    .filter(([from, to]) => !(Array.isArray(transitions[from]) && transitions[from].includes(to)))
    .map(([from, to]) => `${from} → ${to}`);
  if (refused.length > 0) {
    throw new Error(`the service's workflow (GET /api/admin/workflow) does not allow ${refused.join(', ')}, which this scenario walks`);
  }
  return (status) => walk[status] ?? null;
}

/**
 * This run's cards on a board answer (`data` of GET …/board, the shop's `data.columns.<status>.items`).
 * @param {{columns: Record<string, {items: Card[]}>}} board
 * @param {string[]} runCardIds
 * @returns {Card[]}
 */
export function runCards(board, runCardIds) {
  const ids = new Set(runCardIds);
  return Object.values(board.columns).flatMap((column) => column.items.filter((card) => ids.has(card.id)));
}

/**
 * A uniformly random card among those that have a next status, and that status; null when no card
 * can move (the run ran out of cards). Uniform choice spreads the VUs, so conflicts stay rare.
 * @param {Card[]} cards
 * @param {() => number} random  returns [0, 1), like Math.random
 * @param {NextStatus} next
 * @returns {{card: Card, newStatus: string} | null}
 */
export function pickCard(cards, random, next) {
  const movable = cards.filter((card) => next(card.status) !== null);
  if (movable.length === 0) return null;
  const draw = random();
  if (!(draw >= 0 && draw < 1)) throw new Error(`random() must return a number in [0, 1), got ${draw}`);
  const card = movable[Math.floor(draw * movable.length)];
  return { card, newStatus: /** @type {string} */ (next(card.status)) };
}
