// 70 % reads (half board, half dashboard stats), 30 % moves as in move.js.
import { sleep } from 'k6';
import { moveOnce, perform, scenarioOptions, seedCards, writeSummary } from './common.js';
import { loadConfig, MOVE_PACE_SECONDS } from './lib/config.js';
import { mixAction } from './lib/moveflow.js';
import { nextStatus } from './lib/workflow.js';

const config = loadConfig('mix', __ENV);
export const options = scenarioOptions(config);

export function setup() {
  return seedCards(config);
}

/** @param {import('./common.js').SetupData} data */
export default function (data) {
  const action = mixAction(Math.random());
  if (action === 'move') moveOnce(config, data, nextStatus);
  else perform(config, { name: action });
  sleep(MOVE_PACE_SECONDS);
}

/** @param {any} data */
export function handleSummary(data) {
  return writeSummary(config.scenario, data);
}
