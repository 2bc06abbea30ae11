// All VUs fight over the same few cards (CARDS=3) with no pause, cycling scheduled → in_progress,
// then in_progress ↔ ready; teardown checks that no move was lost, then removes the cards.
import { lifecycle, moveOnce } from './common.js';
import { loadConfig } from './lib/config.js';

const config = loadConfig(__ENV, 'contention');
const run = lifecycle(config);
export const options = run.options;
export const setup = run.setup;
export const teardown = run.teardown;
export const handleSummary = run.handleSummary;

/** @param {import('./common.js').SetupData} data */
export default function (data) {
  moveOnce(config, data);
}
