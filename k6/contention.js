// All VUs fight over the same few cards (CARDS=3) with no pause, cycling scheduled → in_progress,
// then in_progress ↔ ready; teardown checks that no move was lost, then removes the cards.
import { lifecycle, moveOnce } from './common.js';
import { loadConfig } from './lib/config.js';

const config = loadConfig(__ENV, 'contention');
export const { options, setup, teardown, handleSummary } = lifecycle(config);

/** @param {import('./common.js').SetupData} data */
export default function (data) {
  moveOnce(config, data);
}
