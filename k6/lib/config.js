// Scenario configuration from the environment (k6's __ENV, or process.env in Node): defaults per
// scenario, and one precise error per bad value so a typo fails before any request is sent.

/** Iterations of the move loop sleep this long, so one VU moves at most once per half second. */
export const MOVE_PACE_SECONDS = 0.5;
/** Moves a card takes on the happy path: scheduled → in_progress → ready → completed. */
export const MOVES_PER_CARD = 3;
/** Share of mix iterations that move a card; the rest read. */
export const MIX_MOVE_SHARE = 0.3;
/** Head-room over the computed number of cards, for iterations faster than the pace. */
export const CARD_MARGIN = 1.25;
/** Cards are seeded SEED_STEP_SECONDS apart from 08:00 UTC, so this many keep appt_start on DATE. */
export const SEED_STEP_SECONDS = 2;
export const MAX_CARDS = (16 * 3600) / SEED_STEP_SECONDS;

export const SCENARIO_DEFAULTS = {
  move: { vus: 20, durationSeconds: 60 },
  mix: { vus: 20, durationSeconds: 60 },
  contention: { vus: 20, durationSeconds: 30, cards: 3 },
  smoke: { vus: 5, durationSeconds: 10 },
};

export const DEFAULT_BASE_URL = 'http://127.0.0.1:8080';
export const DEFAULT_DATE = '2031-01-15';

/**
 * Seconds in a DURATION value: whole seconds (`60`) or k6 style (`60s`, `2m`, `1m30s`, `1h`).
 * @param {string} value
 * @returns {number}
 */
export function parseDurationSeconds(value) {
  const text = value.trim();
  if (/^\d+$/.test(text)) return positive('DURATION', Number(text), value);
  const parts = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (text === '' || parts === null) {
    throw new Error(`DURATION must be whole seconds or k6 style like 60s, 2m, 1m30s; got '${value}'`);
  }
  const [, hours = '0', minutes = '0', seconds = '0'] = parts;
  return positive('DURATION', Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds), value);
}

/**
 * @param {string} name
 * @param {number} amount
 * @param {string} raw
 */
function positive(name, amount, raw) {
  if (!Number.isSafeInteger(amount) || amount < 1) {
    throw new Error(`${name} must be a positive whole number, got '${raw}'`);
  }
  return amount;
}

/**
 * @param {string} name
 * @param {string} value
 */
function parsePositiveInt(name, value) {
  if (!/^\d+$/.test(value.trim())) throw new Error(`${name} must be a positive whole number, got '${value}'`);
  return positive(name, Number(value.trim()), value);
}

/** @param {string} value */
function parseBaseUrl(value) {
  const url = value.trim().replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(url)) {
    throw new Error(`BASE_URL must be an http:// or https:// URL without query, got '${value}'`);
  }
  return url;
}

/** @param {string} value */
function parseDate(value) {
  const date = value.trim();
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  // Round-tripping through Date rejects days that do not exist, such as 2031-02-30.
  if (match === null || new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date) {
    throw new Error(`DATE must be a calendar date YYYY-MM-DD, got '${value}'`);
  }
  return date;
}

/**
 * Cards setup seeds when CARDS is unset: enough that no VU runs out of movable cards even if every
 * iteration moves at the pace, with CARD_MARGIN head-room.
 * @param {string} scenario
 * @param {number} vus
 * @param {number} durationSeconds
 */
export function defaultCards(scenario, vus, durationSeconds) {
  const fixed = /** @type {{cards?: number}} */ (SCENARIO_DEFAULTS[checkScenario(scenario)]).cards;
  if (fixed !== undefined) return fixed;
  const moveShare = scenario === 'mix' ? MIX_MOVE_SHARE : 1;
  const moves = ((vus * durationSeconds) / MOVE_PACE_SECONDS) * moveShare;
  return Math.ceil((moves / MOVES_PER_CARD) * CARD_MARGIN);
}

/**
 * @param {string} scenario
 * @returns {keyof typeof SCENARIO_DEFAULTS}
 */
function checkScenario(scenario) {
  if (!Object.prototype.hasOwnProperty.call(SCENARIO_DEFAULTS, scenario)) {
    throw new Error(`unknown scenario '${scenario}', expected one of ${Object.keys(SCENARIO_DEFAULTS).join(', ')}`);
  }
  return /** @type {keyof typeof SCENARIO_DEFAULTS} */ (scenario);
}

/**
 * @typedef {object} Config
 * @property {keyof typeof SCENARIO_DEFAULTS} scenario
 * @property {string} baseUrl   without a trailing slash
 * @property {string | null} token
 * @property {string} date      YYYY-MM-DD
 * @property {number} vus
 * @property {number} durationSeconds
 * @property {number} cards
 */

/**
 * The run's configuration; an empty or blank variable counts as unset.
 * @param {string} scenario one of SCENARIO_DEFAULTS' keys
 * @param {Record<string, string | undefined>} env
 * @returns {Config}
 */
export function loadConfig(scenario, env) {
  const name = checkScenario(scenario);
  const defaults = SCENARIO_DEFAULTS[name];
  /** @param {string} name */
  const given = (name) => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value;
  };
  const vusValue = given('VUS');
  const durationValue = given('DURATION');
  const cardsValue = given('CARDS');
  const vus = vusValue === undefined ? defaults.vus : parsePositiveInt('VUS', vusValue);
  const durationSeconds = durationValue === undefined ? defaults.durationSeconds : parseDurationSeconds(durationValue);
  const cards = cardsValue === undefined ? defaultCards(scenario, vus, durationSeconds) : parsePositiveInt('CARDS', cardsValue);
  if (cards > MAX_CARDS) {
    throw new Error(`CARDS must be at most ${MAX_CARDS} so every seeded appt_start stays on DATE, got ${cards}` +
      (cardsValue === undefined ? ' (computed from VUS and DURATION; set CARDS or lower them)' : ''));
  }
  const tokenValue = given('TOKEN');
  return {
    scenario: name,
    baseUrl: parseBaseUrl(given('BASE_URL') ?? DEFAULT_BASE_URL),
    token: tokenValue === undefined ? null : tokenValue.trim(),
    date: parseDate(given('DATE') ?? DEFAULT_DATE),
    vus,
    durationSeconds,
    cards,
  };
}
