// The check()s on every answer, by request name: what a healthy service answers, status and shape.
// k6 reports each check's pass rate; thresholds stay on http_req_failed and the move's counters.
import { classifyMoveAnswer } from './moveflow.js';

/** @typedef {import('./moveflow.js').Answer} Answer */

/** @param {unknown} value */
const isObject = (value) => typeof value === 'object' && value !== null;

/** @type {Record<import('./requests.js').ApiRequest['name'], Record<string, (answer: Answer) => boolean>>} */
export const ANSWER_CHECKS = {
  create: { 'create: 201 with the card id': (a) => a.status === 201 && typeof a.body?.data?.id === 'string' },
  board: { 'board: 200 with its columns': (a) => a.status === 200 && isObject(a.body?.data?.columns) },
  stats: { 'stats: 200 with jobsToday': (a) => a.status === 200 && Number.isInteger(a.body?.data?.jobsToday) },
  card: { 'card: 200 with its version': (a) => a.status === 200 && Number.isInteger(a.body?.data?.version) },
  history: { 'history: 200 with its items': (a) => a.status === 200 && Array.isArray(a.body?.data?.items) },
  workflow: { 'workflow: 200 with its transitions': (a) => a.status === 200 && isObject(a.body?.data?.transitions) },
  move: { 'move: 200, or 409 version_conflict': (a) => classifyMoveAnswer(a) !== 'error' },
  delete: { 'delete: 200 (card removed)': (a) => a.status === 200 && a.body?.ok === true },
};
