// Where a run's summary goes, and the one line k6's own summary cannot give: contention's totals.
import { checkMoveTotals } from './invariant.js';

/**
 * `<resultsDir>/k6_<scenario>_<UTC timestamp>` (e.g. k6_move_20310115T080000Z), plus .json/.txt.
 * @param {string} resultsDir
 * @param {string} scenario
 * @param {Date} now
 */
export function summaryPaths(resultsDir, scenario, now) {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const base = `${resultsDir}/k6_${scenario}_${stamp}`;
  return { json: `${base}.json`, text: `${base}.txt` };
}

/**
 * Contention: the clients' 200s (moves_ok) against teardown's Σ(version − 1) (server_moves). Only
 * here do the two meet; k6 cannot fail the run on it. Null for the other scenarios.
 * @param {{metrics: Record<string, {values: Record<string, number>}>}} data  handleSummary's argument
 * @returns {string | null}
 */
export function movesTotalsLine(data) {
  const serverMoves = data.metrics.server_moves;
  if (serverMoves === undefined) return null;
  const clientMovesOk = data.metrics.moves_ok?.values.count ?? 0;
  const verdict = checkMoveTotals(clientMovesOk, serverMoves.values.count) ?? 'ok';
  return `moves totals: ${clientMovesOk} answered 200, Σ(version − 1) = ${serverMoves.values.count}: ${verdict}`;
}
