// The shop's scenario: GET the board, move one of this run's cards one step on the happy path.
// SCENARIO picks its load: move (20 VUs, 60 s), smoke (5 VUs, 10 s, for CI) or rate (RATE
// iterations per second, for latency at a fixed request rate).
import { sleep } from 'k6';
import { lifecycle, moveOnce } from './common.js';
import { loadConfig } from './lib/config.js';

const config = loadConfig(__ENV, 'move');
export const { options, setup, teardown, handleSummary } = lifecycle(config);

/** @param {import('./common.js').SetupData} data */
export default function (data) {
  moveOnce(config, data);
  sleep(config.paceSeconds);
}
