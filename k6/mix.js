// 70 % reads (half board, half dashboard stats), 30 % moves as in move.js.
import { sleep } from 'k6';
import { lifecycle, moveOnce, perform } from './common.js';
import { loadConfig } from './lib/config.js';
import { mixAction } from './lib/moveflow.js';

const config = loadConfig(__ENV, 'mix');
export const { options, setup, teardown, handleSummary } = lifecycle(config);

/** @param {import('./common.js').SetupData} data */
export default function (data) {
  const action = mixAction(Math.random());
  if (action === 'move') moveOnce(config, data);
  else perform(config, { name: action });
  sleep(config.paceSeconds);
}
