// The move scenario, small (5 VUs, 10 s by default): the shop's bars only, for CI.
import { sleep } from 'k6';
import { moveOnce, scenarioOptions, seedCards, writeSummary } from './common.js';
import { loadConfig, MOVE_PACE_SECONDS } from './lib/config.js';
import { nextStatus } from './lib/workflow.js';

const config = loadConfig('smoke', __ENV);
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
