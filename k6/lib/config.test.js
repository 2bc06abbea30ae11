import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultCards, loadConfig, MAX_CARDS, parseDurationSeconds } from './config.js';

test('defaults per scenario, with the move formula ceil(VUS × s / 0.5 / 3 × 1.25) for CARDS', () => {
  assert.deepEqual(loadConfig({}, 'move'), {
    scenario: 'move', profile: 'shop', baseUrl: 'http://127.0.0.1:8080', token: null, adminToken: null,
    date: '2031-01-15', vus: 20, durationSeconds: 60, paceSeconds: 0.5, rate: 0, cards: 1000,
    resultsDir: 'load_test_results',
  });
  const smoke = loadConfig({ SCENARIO: 'smoke' }, 'move');
  assert.deepEqual([smoke.scenario, smoke.vus, smoke.durationSeconds, smoke.cards], ['smoke', 5, 10, 42]); // 41.67
  const contention = loadConfig({}, 'contention');
  assert.deepEqual([contention.vus, contention.durationSeconds, contention.paceSeconds, contention.cards], [20, 30, 0, 3]);
  assert.equal(loadConfig({}, 'mix').cards, 300); // 30 % of the iterations move
});

test('rate: RATE iterations per second for DURATION, no pause; twice the cards RATE × s moves need', () => {
  const rate = loadConfig({ SCENARIO: 'rate' }, 'move');
  assert.deepEqual([rate.rate, rate.vus, rate.durationSeconds, rate.paceSeconds, rate.cards], [20, 20, 60, 0, 800]);
  assert.equal(loadConfig({ SCENARIO: 'rate', RATE: '5', DURATION: '2m' }, 'move').cards, 400); // 600 moves
  assert.equal(defaultCards('rate', 999, 60, 20), 800, 'VUS does not change the rate');
});

test('SCENARIO picks only among the script\'s scenarios', () => {
  assert.throws(() => loadConfig({ SCENARIO: 'mix' }, 'move'),
    { message: "SCENARIO must be one of move, smoke, rate for k6/move.js, got 'mix'" });
  assert.throws(() => loadConfig({ SCENARIO: 'smoke' }, 'contention'),
    { message: "SCENARIO must be one of contention for k6/contention.js, got 'smoke'" });
});

test('CARDS follows VUS and DURATION unless given; contention keeps 3', () => {
  assert.equal(defaultCards('move', 1, 6, 0), 5); // 12 moves, 4 cards, × 1.25
  assert.equal(loadConfig({ VUS: '2', DURATION: '1m' }, 'move').cards, 100);
  assert.equal(loadConfig({ VUS: '2', DURATION: '1m', CARDS: '7' }, 'move').cards, 7);
  assert.equal(loadConfig({ VUS: '50', DURATION: '5m' }, 'contention').cards, 3);
});

test('reads every variable, trimming, and drops a trailing slash from BASE_URL and RESULTS_DIR', () => {
  const config = loadConfig({
    BASE_URL: ' https://shop.example.com/api-root/ ', TOKEN: ' abc.def.ghi ', ADMIN_TOKEN: ' adm.in.jwt ',
    DATE: '2031-02-28', VUS: ' 3 ', DURATION: '90', CARDS: '12', PROFILE: 'local', RESULTS_DIR: '/tmp/results/',
  }, 'move');
  assert.deepEqual(config, {
    scenario: 'move', profile: 'local', baseUrl: 'https://shop.example.com/api-root', token: 'abc.def.ghi',
    adminToken: 'adm.in.jwt', date: '2031-02-28', vus: 3, durationSeconds: 90, paceSeconds: 0.5, rate: 0, cards: 12,
    resultsDir: '/tmp/results',
  });
});

test('empty or blank variables count as unset', () => {
  assert.deepEqual(loadConfig({ VUS: '', DURATION: '  ', TOKEN: '', DATE: '', SCENARIO: ' ', PROFILE: '' }, 'move'),
    loadConfig({}, 'move'));
});

test('DURATION accepts seconds and k6 style', () => {
  assert.equal(parseDurationSeconds('45'), 45);
  assert.equal(parseDurationSeconds('60s'), 60);
  assert.equal(parseDurationSeconds('2m'), 120);
  assert.equal(parseDurationSeconds('1m30s'), 90);
  assert.equal(parseDurationSeconds('1h'), 3600);
});

test('bad values fail with the variable named and the value quoted', () => {
  const bad = [
    [{ VUS: '0' }, "VUS must be a positive whole number, got '0'"],
    [{ VUS: '-3' }, "VUS must be a positive whole number, got '-3'"],
    [{ VUS: 'ten' }, "VUS must be a positive whole number, got 'ten'"],
    [{ VUS: '2.5' }, "VUS must be a positive whole number, got '2.5'"],
    [{ RATE: '0' }, "RATE must be a positive whole number, got '0'"],
    [{ CARDS: '0' }, "CARDS must be a positive whole number, got '0'"],
    [{ DURATION: '0s' }, "DURATION must be a positive whole number, got '0s'"],
    [{ DURATION: '1.5m' }, "DURATION must be whole seconds or k6 style like 60s, 2m, 1m30s; got '1.5m'"],
    [{ DURATION: '30sec' }, "DURATION must be whole seconds or k6 style like 60s, 2m, 1m30s; got '30sec'"],
    [{ DATE: '2031-02-30' }, "DATE must be a calendar date YYYY-MM-DD, got '2031-02-30'"],
    [{ DATE: '15.01.2031' }, "DATE must be a calendar date YYYY-MM-DD, got '15.01.2031'"],
    [{ BASE_URL: '127.0.0.1:8080' }, "BASE_URL must be an http:// or https:// URL without query, got '127.0.0.1:8080'"],
    [{ BASE_URL: 'http://host/?x=1' }, "BASE_URL must be an http:// or https:// URL without query, got 'http://host/?x=1'"],
    [{ PROFILE: 'strict' }, "PROFILE must be one of shop, local, got 'strict'"],
  ];
  for (const [env, message] of bad) {
    assert.throws(() => loadConfig(env, 'move'), { message }, JSON.stringify(env));
  }
});

test('CARDS is capped so every seeded appt_start stays on DATE', () => {
  assert.equal(loadConfig({ CARDS: String(MAX_CARDS) }, 'move').cards, MAX_CARDS);
  assert.throws(() => loadConfig({ CARDS: String(MAX_CARDS + 1) }, 'move'),
    { message: `CARDS must be at most ${MAX_CARDS} so every seeded appt_start stays on DATE, got ${MAX_CARDS + 1}` });
  assert.throws(() => loadConfig({ VUS: '1000', DURATION: '1h' }, 'move'),
    /CARDS must be at most 28800 .* \(computed from VUS, DURATION and RATE; set CARDS or lower them\)$/);
});
