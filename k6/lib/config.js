// Scenario configuration from the environment (k6's __ENV, or process.env in Node): defaults per
// scenario, and one precise error per bad value so a typo fails before any request is sent.

/** Moves a card takes on the happy path: scheduled → in_progress → ready → completed. */
export const MOVES_PER_CARD = 3;
/** Share of mix iterations that move a card; the rest read. */
export const MIX_MOVE_SHARE = 0.3;
/** Head-room over the computed number of cards, for iterations faster than the pace. */
export const CARD_MARGIN = 1.25;
/** An arrival rate keeps moving to the end: twice the cards its moves need, so fewer VUs meet on the last ones. */
export const RATE_CARD_MARGIN = 2;
/** Cards are seeded SEED_STEP_SECONDS apart from 08:00 UTC, so this many keep appt_start on DATE. */
export const SEED_STEP_SECONDS = 2;
export const MAX_CARDS = (16 * 3600) / SEED_STEP_SECONDS;
/** The arrival-rate scenario may start this many times VUS when iterations take longer than planned. */
export const MAX_VUS_FACTOR = 5;

/**
 * Per scenario: virtual users (for `rate`, the VUs allocated up front), seconds, the pause after
 * each iteration (one VU moves at most once per pause), iterations per second (`rate` only) and a
 * fixed number of cards (contention only).
 */
export const SCENARIO_DEFAULTS = {
  move: { vus: 20, durationSeconds: 60, paceSeconds: 0.5 },
  smoke: { vus: 5, durationSeconds: 10, paceSeconds: 0.5 },
  rate: { vus: 20, durationSeconds: 60, paceSeconds: 0, rate: 20 },
  mix: { vus: 20, durationSeconds: 60, paceSeconds: 0.5 },
  contention: { vus: 20, durationSeconds: 30, paceSeconds: 0, cards: 3 },
};

/** The scenarios each script runs (SCENARIO picks one; the script's own name is the default). */
export const SCRIPT_SCENARIOS = {
  move: ['move', 'smoke', 'rate'],
  mix: ['mix'],
  contention: ['contention'],
};

/** `shop`: the shop's bars, met over the internet by a healthy service; `local`: ours as well. */
export const PROFILES = ['shop', 'local'];

export const DEFAULT_BASE_URL = 'http://127.0.0.1:8080';
export const DEFAULT_DATE = '2031-01-15';
export const DEFAULT_RESULTS_DIR = 'load_test_results';

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
 * @typedef {keyof typeof SCENARIO_DEFAULTS} Scenario
 * @typedef {keyof typeof SCRIPT_SCENARIOS} Script
 */

/**
 * Cards setup seeds when CARDS is unset: enough that no VU runs out of movable cards even if every
 * iteration moves at the pace (CARD_MARGIN head-room), or at the arrival rate (RATE_CARD_MARGIN).
 * @param {Scenario} scenario
 * @param {number} vus
 * @param {number} durationSeconds
 * @param {number} rate  iterations per second (`rate` only)
 */
export function defaultCards(scenario, vus, durationSeconds, rate) {
  const defaults = /** @type {{cards?: number, paceSeconds: number}} */ (SCENARIO_DEFAULTS[scenario]);
  if (defaults.cards !== undefined) return defaults.cards;
  if (scenario === 'rate') return Math.ceil(((rate * durationSeconds) / MOVES_PER_CARD) * RATE_CARD_MARGIN);
  const moves = ((vus * durationSeconds) / defaults.paceSeconds) * (scenario === 'mix' ? MIX_MOVE_SHARE : 1);
  return Math.ceil((moves / MOVES_PER_CARD) * CARD_MARGIN);
}

/**
 * @typedef {object} Config
 * @property {Scenario} scenario
 * @property {'shop' | 'local'} profile
 * @property {string} baseUrl   without a trailing slash
 * @property {string | null} token       sent on every request
 * @property {string | null} adminToken  sent on the cleanup's deletes instead of `token`
 * @property {string} date      YYYY-MM-DD
 * @property {number} vus
 * @property {number} durationSeconds
 * @property {number} paceSeconds
 * @property {number} rate      iterations per second (`rate` only)
 * @property {number} cards
 * @property {string} resultsDir  without a trailing slash
 */

/**
 * The run's configuration; an empty or blank variable counts as unset.
 * @param {Record<string, string | undefined>} env
 * @param {Script} script  the script's name; SCENARIO may pick another scenario that script runs
 * @returns {Config}
 */
export function loadConfig(env, script) {
  /** @param {string} name */
  const given = (name) => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const scenarioName = given('SCENARIO') ?? script;
  /** @type {string[]} */
  const allowed = SCRIPT_SCENARIOS[script];
  if (!allowed.includes(scenarioName)) {
    throw new Error(`SCENARIO must be one of ${allowed.join(', ')} for k6/${script}.js, got '${scenarioName}'`);
  }
  const scenario = /** @type {Scenario} */ (scenarioName);
  const defaults = /** @type {{vus: number, durationSeconds: number, paceSeconds: number, rate?: number}} */ (
    SCENARIO_DEFAULTS[scenario]);
  const profile = given('PROFILE') ?? 'shop';
  if (profile !== 'shop' && profile !== 'local') {
    throw new Error(`PROFILE must be one of ${PROFILES.join(', ')}, got '${profile}'`);
  }
  const vusValue = given('VUS');
  const durationValue = given('DURATION');
  const rateValue = given('RATE');
  const cardsValue = given('CARDS');
  const vus = vusValue === undefined ? defaults.vus : parsePositiveInt('VUS', vusValue);
  const durationSeconds = durationValue === undefined ? defaults.durationSeconds : parseDurationSeconds(durationValue);
  const rate = rateValue === undefined ? defaults.rate ?? 0 : parsePositiveInt('RATE', rateValue);
  const cards = cardsValue === undefined ? defaultCards(scenario, vus, durationSeconds, rate) : parsePositiveInt('CARDS', cardsValue);
  if (cards > MAX_CARDS) {
    throw new Error(`CARDS must be at most ${MAX_CARDS} so every seeded appt_start stays on DATE, got ${cards}` +
      (cardsValue === undefined ? ' (computed from VUS, DURATION and RATE; set CARDS or lower them)' : ''));
  }
  return {
    scenario,
    profile,
    baseUrl: parseBaseUrl(given('BASE_URL') ?? DEFAULT_BASE_URL),
    token: given('TOKEN') ?? null,
    adminToken: given('ADMIN_TOKEN') ?? null,
    date: parseDate(given('DATE') ?? DEFAULT_DATE),
    vus,
    durationSeconds,
    paceSeconds: defaults.paceSeconds,
    rate,
    cards,
    resultsDir: (given('RESULTS_DIR') ?? DEFAULT_RESULTS_DIR).replace(/\/+$/, ''),
  };
}
