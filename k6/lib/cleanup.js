// What the cleanup makes of the admin delete's answers (DELETE /api/admin/appointments/{id}, which
// needs the admin role): when to stop, and the one line it logs. A service without that route, or
// a token without the admin role, leaves the cards in place: logged, never a failed threshold.

/** @typedef {'deleted' | 'absent' | 'refused' | 'unsupported' | 'failed'} DeleteResult */

/**
 * @param {import('./moveflow.js').Answer} answer
 * @returns {DeleteResult}
 */
export function classifyDelete(answer) {
  switch (answer.status) {
    case 200: return 'deleted';
    case 404: return 'absent'; // gone already: nothing left to clean
    case 403: return 'refused'; // the token lacks the admin role
    case 405: return 'unsupported'; // the service has no admin delete
    default: return 'failed';
  }
}

/** Statuses that are answers, not failed requests (k6's responseCallback for the deletes). */
export const DELETE_ANSWERS = [200, 403, 404, 405];

/**
 * A refusal or a missing route would answer every other delete the same way.
 * @param {DeleteResult[]} results
 */
export function stopsCleanup(results) {
  return results.some((result) => result === 'refused' || result === 'unsupported');
}

/**
 * The cleanup's line, and whether every card is gone.
 * @param {DeleteResult[]} results  in the order sent; may stop short of `seeded`
 * @param {{seeded: number, runId: string, date: string}} run
 * @returns {{clean: boolean, message: string}}
 */
export function cleanupReport(results, run) {
  /** @param {DeleteResult} kind */
  const count = (kind) => results.filter((result) => result === kind).length;
  const gone = count('deleted') + count('absent');
  const left = run.seeded - gone;
  const where = `the run's ${left} remaining cards stay on ${run.date} (customers named 'Load test ${run.runId} #…')`;
  if (count('unsupported') > 0) {
    return { clean: false, message: `cleanup: DELETE /api/admin/appointments/{id} answered 405: this service has no admin delete, so ${where}` };
  }
  if (count('refused') > 0) {
    return { clean: false, message: `cleanup: DELETE /api/admin/appointments/{id} answered 403: ADMIN_TOKEN (or TOKEN) lacks the admin role, so ${where}` };
  }
  if (count('failed') > 0) {
    return { clean: false, message: `cleanup: ${count('failed')} deletes failed (see http_req_failed), so ${where}` };
  }
  return { clean: true, message: `cleanup: removed the run's ${gone} cards (${count('absent')} were gone already)` };
}
