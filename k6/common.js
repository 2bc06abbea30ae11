// The k6 side shared by the four scenario scripts: HTTP, metrics, seeding, summary files. The
// decisions live in lib/ (plain modules, unit-tested with Node); this file only performs them.
import http from 'k6/http';
import { fail } from 'k6';
import { Counter, Rate } from 'k6/metrics';
import { checkInvariant } from './lib/invariant.js';
import { moveIteration } from './lib/moveflow.js';
import { httpRequest, parseAnswer } from './lib/requests.js';
import { newRunId, seedCardPayload } from './lib/seed.js';
import { summaryPaths, textReport } from './lib/summary.js';
import { thresholdsFor } from './lib/thresholds.js';
import { runCards } from './lib/workflow.js';

/** @typedef {import('./lib/config.js').Config} Config */
/** @typedef {import('./lib/requests.js').ApiRequest} ApiRequest */
/** @typedef {{runId: string, cardIds: string[]}} SetupData */

const moves = new Counter('moves');
const movesOk = new Counter('moves_ok');
const conflicts = new Rate('conflicts');
const conflictsRecovered = new Rate('conflicts_recovered');
const noMovableCard = new Counter('no_movable_card');
const invariantViolations = new Counter('invariant_violations');
const serverMoves = new Counter('server_moves');

// A 409 version_conflict is an answer the workflow expects, not a failed request.
http.setResponseCallback(http.expectedStatuses({ min: 200, max: 299 }, 409));

const SEED_BATCH = 20; // creates sent in parallel by setup()

/**
 * One constant-VUs scenario named after the script, with that scenario's thresholds.
 * @param {Config} config
 * @returns {import('k6/options').Options}
 */
export function scenarioOptions(config) {
  return {
    scenarios: {
      [config.scenario]: { executor: 'constant-vus', vus: config.vus, duration: `${config.durationSeconds}s` },
    },
    thresholds: thresholdsFor(config.scenario),
    summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(95)', 'p(99)', 'count'],
    setupTimeout: `${60 + Math.ceil(config.cards / SEED_BATCH)}s`, // k6's 60 s, plus a generous second per batch
  };
}

/**
 * @param {Config} config
 * @param {ApiRequest} request
 */
function send(config, request) {
  const { method, url, body, headers } = httpRequest(config, request);
  return http.request(method, url, body, { headers, tags: { name: request.name } });
}

/** @param {import('k6/http').Response} response */
function answer(response) {
  return parseAnswer(response.status, typeof response.body === 'string' ? response.body : null);
}

/**
 * @param {Config} config
 * @param {ApiRequest} request
 */
export function perform(config, request) {
  return answer(send(config, request));
}

/**
 * setup(): seeds config.cards cards on config.date and checks the board shows them all.
 * @param {Config} config
 * @returns {SetupData}
 */
export function seedCards(config) {
  const runId = newRunId(new Date(), Math.random);
  /** @type {string[]} */
  const cardIds = [];
  for (let first = 0; first < config.cards; first += SEED_BATCH) {
    /** @type {import('k6/http').BatchRequest[]} */
    const creates = [];
    for (let index = first; index < Math.min(first + SEED_BATCH, config.cards); index += 1) {
      const { method, url, body, headers } = httpRequest(config, { name: 'create', body: seedCardPayload(config.date, index, runId) });
      creates.push([method, url, body, { headers, tags: { name: 'create' } }]);
    }
    http.batch(creates).forEach((response, offset) => {
      const created = answer(response);
      if (created.status !== 201) {
        fail(`setup: creating card ${first + offset + 1} of ${config.cards} answered ${created.status}: ${response.body}`);
      }
      cardIds.push(created.body.data.id);
    });
  }
  const board = perform(config, { name: 'board' });
  if (board.status !== 200) fail(`setup: GET board for ${config.date} answered ${board.status}`);
  const shown = runCards(board.body.data, cardIds).length;
  if (shown !== cardIds.length) {
    fail(`setup: the board for ${config.date} shows ${shown} of the ${cardIds.length} cards just seeded ` +
      '(seeded from 08:00 UTC; is the service\'s SHOP_TIME_ZONE far from UTC?)');
  }
  console.log(`setup: run ${runId} seeded ${cardIds.length} cards on ${config.date}`);
  return { runId, cardIds };
}

/**
 * One move iteration (lib/moveflow.js) performed with k6's http, and its accounting.
 * @param {Config} config
 * @param {SetupData} data
 * @param {(status: string) => string | null} next
 */
export function moveOnce(config, data, next) {
  const flow = moveIteration(data.cardIds, Math.random, next);
  let step = flow.next();
  while (!step.done) step = flow.next(perform(config, step.value));
  const outcome = step.value;
  for (const result of outcome.moves) {
    moves.add(1);
    conflicts.add(result === 'conflict');
    if (result === 'moved') movesOk.add(1);
  }
  if (outcome.recovered !== null) conflictsRecovered.add(outcome.recovered);
  if (outcome.noMovableCard) noMovableCard.add(1);
}

/**
 * Contention's teardown: for every seeded card, version − 1 must equal its history rows. k6's
 * teardown cannot see the VUs' counters, so the total (200 moves seen = Σ(version − 1)) is only
 * reported, by handleSummary, from the moves_ok and server_moves counters.
 * @param {Config} config
 * @param {SetupData} data
 */
export function checkCardsInvariant(config, data) {
  /** @type {string[]} */
  const unreadable = [];
  const cards = [];
  for (const id of data.cardIds) {
    const card = perform(config, { name: 'card', id });
    const history = perform(config, { name: 'history', id });
    if (card.status === 200 && history.status === 200) {
      cards.push({ id, version: card.body.data.version, historyCount: history.body.data.items.length });
    } else {
      unreadable.push(`card ${id}: GET card answered ${card.status}, GET history ${history.status}`);
    }
  }
  const checked = checkInvariant(cards);
  const violations = [...unreadable, ...checked.violations];
  violations.forEach((violation) => console.error(`invariant violated: ${violation}`));
  invariantViolations.add(violations.length); // 0 too, so the threshold is always evaluated
  serverMoves.add(checked.serverMoves);
}

/**
 * handleSummary(): the full data as JSON and the short text, under load_test_results/ (which must
 * exist: k6 does not create directories), and the text on stdout.
 * @param {string} scenario
 * @param {any} data
 */
export function writeSummary(scenario, data) {
  const paths = summaryPaths(scenario, new Date());
  const text = textReport(scenario, data);
  return { [paths.json]: JSON.stringify(data, null, 2), [paths.text]: text, stdout: text };
}
