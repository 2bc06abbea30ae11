// The shop's scenario: GET the board, move one of this run's cards one step on the happy path.
import { sleep } from 'k6';
import { moveOnce, scenarioOptions, seedCards, writeSummary } from './common.js';
import { loadConfig, MOVE_PACE_SECONDS } from './lib/config.js';
import { nextStatus } from './lib/workflow.js';

const config = loadConfig('move', __ENV);
export const options = scenarioOptions(config);

export function setup() {
  return seedCards(config);
}

/** @param {import('./common.js').SetupData} data */
export default function (data) {
  moveOnce(config, data, nextStatus);
  sleep(MOVE_PACE_SECONDS);
}

/** @param {any} data */
export function handleSummary(data) {
  return writeSummary(config.scenario, data);
}
