// What setup() creates: cards on the load-test DATE only, marked with the run's id so a person
// looking at that board can tell load-test runs apart.
import { SEED_STEP_SECONDS } from './config.js';

const FIRST_START = 8 * 3600; // 08:00 UTC on DATE
const APPOINTMENT_SECONDS = 3600;

/**
 * @param {string} date  YYYY-MM-DD (validated by loadConfig)
 * @param {number} seconds since midnight UTC
 */
function utcTimestamp(date, seconds) {
  return new Date(Date.parse(`${date}T00:00:00Z`) + seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * Body of `POST /api/admin/appointments` for the run's card number `index` (0-based): 08:00–09:00
 * UTC on `date`, shifted SEED_STEP_SECONDS per card, with an inline customer and vehicle.
 * @param {string} date
 * @param {number} index
 * @param {string} runId
 */
export function seedCardPayload(date, index, runId) {
  const start = FIRST_START + index * SEED_STEP_SECONDS;
  return {
    appt_start: utcTimestamp(date, start),
    appt_end: utcTimestamp(date, start + APPOINTMENT_SECONDS),
    customer: { name: `Load test ${runId} #${index + 1}` },
    vehicle: { make: 'Loadtest', model: 'Move API', year: 2024 },
    notes: `load test run ${runId}`,
  };
}

/**
 * A short id for one run, from the start time and a random suffix.
 * @param {Date} now
 * @param {() => number} random  returns [0, 1), like Math.random
 */
export function newRunId(now, random) {
  const suffix = Math.floor(random() * 36 ** 4).toString(36).padStart(4, '0');
  return `${now.toISOString().replace(/[-:]/g, '').slice(0, 15)}Z-${suffix}`;
}
