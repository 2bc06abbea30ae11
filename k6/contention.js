// All VUs fight over the same few cards (CARDS=3) with no pause, cycling scheduled → in_progress,
// then in_progress ↔ ready; teardown checks that no move was lost.
import { checkCardsInvariant, moveOnce, scenarioOptions, seedCards, writeSummary } from './common.js';
import { loadConfig } from './lib/config.js';
import { nextContentionStatus } from './lib/workflow.js';

const config = loadConfig('contention', __ENV);
export const options = scenarioOptions(config);

export function setup() {
  return seedCards(config);
}

/** @param {import('./common.js').SetupData} data */
export default function (data) {
  moveOnce(config, data, nextContentionStatus);
}

/** @param {import('./common.js').SetupData} data */
export function teardown(data) {
  checkCardsInvariant(config, data);
}

/** @param {any} data */
export function handleSummary(data) {
  return writeSummary(config.scenario, data);
}
