// The k6 side shared by the scenario scripts: HTTP with check()s, metrics, the workflow and the
// seeding in setup(), the cleanup in teardown(), summary files. The decisions live in lib/ (plain
// modules, unit-tested with Node); this file only performs them.
import http from 'k6/http';
import { check, fail } from 'k6';
import { Counter, Rate } from 'k6/metrics';
import { textSummary } from 'https://jslib.k6.io/k6-summary/0.1.0/index.js';
import { ANSWER_CHECKS } from './lib/checks.js';
import { cleanupReport, classifyDelete, DELETE_ANSWERS, stopsCleanup } from './lib/cleanup.js';
import { MAX_VUS_FACTOR } from './lib/config.js';
import { checkInvariant } from './lib/invariant.js';
import { moveIteration } from './lib/moveflow.js';
import { httpRequest, parseAnswer } from './lib/requests.js';
import { newRunId, seedCardPayload } from './lib/seed.js';
import { movesTotalsLine, summaryPaths } from './lib/summary.js';
import { thresholdsFor } from './lib/thresholds.js';
import { runCards, scenarioWalk, walkOn } from './lib/workflow.js';

/** @typedef {import('./lib/config.js').Config} Config */
/** @typedef {import('./lib/requests.js').ApiRequest} ApiRequest */
/** @typedef {{runId: string, cardIds: string[], workflow: any}} SetupData  `workflow`: data of GET /api/admin/workflow */

const moves = new Counter('moves');
const movesOk = new Counter('moves_ok');
const conflicts = new Rate('conflicts');
const conflictsRecovered = new Rate('conflicts_recovered');
const noMovableCard = new Counter('no_movable_card');
const invariantViolations = new Counter('invariant_violations');
const serverMoves = new Counter('server_moves');

// A 409 version_conflict is an answer the workflow expects, not a failed request.
http.setResponseCallback(http.expectedStatuses({ min: 200, max: 299 }, 409));

const BATCH = 20; // creates and deletes sent in parallel

/**
 * The scenario named in config, with its thresholds; k6's allowance for setup and teardown grows
 * with the cards they create and delete.
 * @param {Config} config
 * @returns {import('k6/options').Options}
 */
function scenarioOptions(config) {
  const duration = `${config.durationSeconds}s`;
  const allowance = `${60 + Math.ceil(config.cards / BATCH)}s`; // k6's 60 s, plus a generous second per batch
  return {
    scenarios: {
      [config.scenario]: config.scenario === 'rate'
        ? {
          executor: 'constant-arrival-rate', rate: config.rate, timeUnit: '1s', duration,
          preAllocatedVUs: config.vus, maxVUs: config.vus * MAX_VUS_FACTOR,
        }
        : { executor: 'constant-vus', vus: config.vus, duration },
    },
    thresholds: thresholdsFor(config.scenario, config.profile),
    summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(95)', 'p(99)', 'count'],
    setupTimeout: allowance,
    teardownTimeout: allowance,
  };
}

/**
 * @param {Config} config
 * @param {ApiRequest} request
 * @returns {import('k6/http').BatchRequest}
 */
function batchRequest(config, request) {
  const { method, url, body, headers } = httpRequest(config, request);
  /** @type {import('k6/http').RefinedParams<'text'>} */
  const params = { headers, tags: { name: request.name } };
  if (request.name === 'delete') params.responseCallback = http.expectedStatuses(...DELETE_ANSWERS);
  return [method, url, body, params];
}

/**
 * The answer as the decision modules see it, after its check()s.
 * @param {ApiRequest['name']} name
 * @param {import('k6/http').Response} response
 */
function answer(name, response) {
  const parsed = parseAnswer(response.status, typeof response.body === 'string' ? response.body : null);
  check(parsed, ANSWER_CHECKS[name], { name });
  return parsed;
}

/**
 * @param {Config} config
 * @param {ApiRequest} request
 */
export function perform(config, request) {
  const [method, url, body, params] = /** @type {[string, string, string | null, object]} */ (batchRequest(config, request));
  return answer(request.name, http.request(method, url, body, params));
}

/**
 * Sends the requests BATCH at a time; `stop` may end it after a batch.
 * @param {Config} config
 * @param {ApiRequest[]} requests
 * @param {(answers: import('./lib/moveflow.js').Answer[]) => boolean} [stop]
 */
function performBatches(config, requests, stop = () => false) {
  /** @type {import('./lib/moveflow.js').Answer[]} */
  const answers = [];
  for (let first = 0; first < requests.length && !stop(answers); first += BATCH) {
    const batch = requests.slice(first, first + BATCH);
    http.batch(batch.map((request) => batchRequest(config, request)))
      .forEach((response, index) => answers.push(answer(batch[index].name, response)));
  }
  return answers;
}

/**
 * setup(): reads the service's workflow and checks the scenario's walk against it, seeds
 * config.cards cards on config.date and checks the board shows them all. A failure after some
 * cards were created deletes those before it stops the run (k6 runs no teardown then).
 * @param {Config} config
 * @returns {SetupData}
 */
export function seedCards(config) {
  const workflow = perform(config, { name: 'workflow' });
  if (workflow.status !== 200) fail(`setup: GET /api/admin/workflow answered ${workflow.status}`);
  try {
    walkOn(workflow.body.data, scenarioWalk(config.scenario));
  } catch (error) {
    fail(`setup: ${/** @type {Error} */ (error).message}`);
  }
  const runId = newRunId(new Date(), Math.random);
  const creates = Array.from({ length: config.cards }, (_, index) => (
    { name: /** @type {const} */ ('create'), body: seedCardPayload(config.date, index, runId) }));
  const created = performBatches(config, creates, (answers) => answers.some((a) => a.status !== 201));
  const data = { runId, workflow: workflow.body.data, cardIds: created.filter((a) => a.status === 201).map((a) => a.body.data.id) };
  /** @param {string} problem @returns {never} */
  const abandon = (problem) => {
    deleteCards(config, data);
    fail(`setup: ${problem}`);
  };
  const refused = created.findIndex((a) => a.status !== 201);
  if (refused >= 0) abandon(`creating card ${refused + 1} of ${config.cards} answered ${created[refused].status}`);
  const board = perform(config, { name: 'board' });
  if (board.status !== 200) abandon(`GET board for ${config.date} answered ${board.status}`);
  const shown = runCards(board.body.data, data.cardIds).length;
  if (shown !== data.cardIds.length) {
    abandon(`the board for ${config.date} shows ${shown} of the ${data.cardIds.length} cards just seeded ` +
      '(seeded from 08:00 UTC; is the service\'s SHOP_TIME_ZONE far from UTC?)');
  }
  console.log(`setup: run ${runId} seeded ${data.cardIds.length} cards on ${config.date}`);
  return data;
}

/**
 * One move iteration (lib/moveflow.js) along the scenario's walk, performed with k6's http, and
 * its accounting.
 * @param {Config} config
 * @param {SetupData} data
 */
export function moveOnce(config, data) {
  const flow = moveIteration(data.cardIds, Math.random, walkOn(data.workflow, scenarioWalk(config.scenario)));
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
 * Contention's check: for every seeded card, version − 1 must equal its history rows. k6's
 * teardown cannot see the VUs' counters, so the total (200 moves seen = Σ(version − 1)) is only
 * reported, by handleSummary, from the moves_ok and server_moves counters.
 * @param {Config} config
 * @param {SetupData} data
 */
function checkCardsInvariant(config, data) {
  /** @type {string[]} */
  const unreadable = [];
  const cards = [];
  for (const id of data.cardIds) {
    const card = perform(config, { name: 'card', id });
    // History is paged (newest first, next_cursor until the last page): count every page.
    let historyCount = 0;
    let history = perform(config, { name: 'history', id });
    while (history.status === 200) {
      historyCount += history.body.data.items.length;
      const cursor = history.body.data.next_cursor;
      if (!cursor) break;
      history = perform(config, { name: 'history', id, cursor });
    }
    if (card.status === 200 && history.status === 200) {
      cards.push({ id, version: card.body.data.version, historyCount });
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
 * The cleanup: deletes the run's cards with the admin delete, and logs what stayed and why.
 * @param {Config} config
 * @param {SetupData} data
 */
function deleteCards(config, data) {
  const deletes = data.cardIds.map((id) => ({ name: /** @type {const} */ ('delete'), id }));
  const results = performBatches(config, deletes, (answers) => stopsCleanup(answers.map(classifyDelete)))
    .map(classifyDelete);
  const report = cleanupReport(results, { seeded: data.cardIds.length, runId: data.runId, date: config.date });
  if (report.clean) console.log(report.message);
  else console.warn(report.message);
}

/**
 * setup, teardown and handleSummary of one scenario, for a script to export.
 * @param {Config} config
 */
export function lifecycle(config) {
  return {
    options: scenarioOptions(config),
    setup: () => seedCards(config),
    /** @param {SetupData} data */
    teardown: (data) => {
      if (config.scenario === 'contention') checkCardsInvariant(config, data);
      deleteCards(config, data);
    },
    /**
     * The full data as JSON, jslib's textSummary as text, under config.resultsDir (which must
     * exist: k6 creates no directory; the repository carries load_test_results/), and on stdout.
     * @param {any} data
     */
    handleSummary: (data) => {
      const paths = summaryPaths(config.resultsDir, config.scenario, new Date());
      const totals = movesTotalsLine(data);
      /** @param {boolean} enableColors */
      const text = (enableColors) => `${textSummary(data, { indent: ' ', enableColors })}\n${totals === null ? '' : `${totals}\n`}`;
      return { [paths.json]: JSON.stringify(data, null, 2), [paths.text]: text(false), stdout: text(true) };
    },
  };
}
