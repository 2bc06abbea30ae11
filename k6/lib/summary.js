// Where a run's summary goes and the short text version of it (k6's own textSummary lives in a
// remote jslib module that @types/k6 does not describe, so it is not used).
import { checkMoveTotals } from './invariant.js';

export const RESULTS_DIR = 'load_test_results';

/**
 * `load_test_results/k6_<scenario>_<UTC timestamp>` (e.g. k6_move_20310115T080000Z), plus .json/.txt.
 * @param {string} scenario
 * @param {Date} now
 */
export function summaryPaths(scenario, now) {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const base = `${RESULTS_DIR}/k6_${scenario}_${stamp}`;
  return { json: `${base}.json`, text: `${base}.txt` };
}

/**
 * @typedef {object} SummaryMetric  one entry of handleSummary's data.metrics
 * @property {string} type
 * @property {Record<string, number>} values
 * @property {Record<string, {ok: boolean}>} [thresholds]
 */

/** @param {number} value */
function format(value) {
  return Number.isInteger(value) ? String(value) : value.toFixed(3);
}

/**
 * The verdict, the scenario's own counters on one line, then every metric with thresholds, each bar
 * marked ok or FAILED.
 * @param {string} scenario
 * @param {{metrics: Record<string, SummaryMetric>}} data  handleSummary's argument
 * @returns {string}
 */
export function textReport(scenario, data) {
  const lines = [];
  let failed = 0;
  for (const [name, metric] of Object.entries(data.metrics).sort(([a], [b]) => a.localeCompare(b))) {
    if (metric.thresholds === undefined) continue;
    const values = Object.entries(metric.values).map(([key, value]) => `${key}=${format(value)}`).join(' ');
    lines.push(`${name}: ${values}`);
    for (const [bar, result] of Object.entries(metric.thresholds)) {
      if (!result.ok) failed += 1;
      lines.push(`  ${result.ok ? 'ok    ' : 'FAILED'} ${bar}`);
    }
  }
  const counters = ['moves', 'moves_ok', 'server_moves'].filter((name) => data.metrics[name] !== undefined)
    .map((name) => `${name}=${data.metrics[name].values.count}`);
  if (data.metrics.server_moves !== undefined) {
    // Only here do the clients' 200s and teardown's Σ(version − 1) meet; k6 cannot fail the run on it.
    const clientMovesOk = data.metrics.moves_ok?.values.count ?? 0;
    counters.push(`totals: ${checkMoveTotals(clientMovesOk, data.metrics.server_moves.values.count) ?? 'ok'}`);
  }
  const verdict = failed === 0 ? 'all thresholds passed' : `${failed} threshold(s) FAILED`;
  return [`k6 ${scenario}: ${verdict}`, ...(counters.length > 0 ? [counters.join(' ')] : []), ...lines, ''].join('\n');
}
