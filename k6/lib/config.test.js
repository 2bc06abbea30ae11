import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultCards, loadConfig, MAX_CARDS, parseDurationSeconds } from './config.js';

test('defaults per scenario, with the move formula ceil(VUS × s / 0.5 / 3 × 1.25) for CARDS', () => {
  assert.deepEqual(loadConfig('move', {}), {
    scenario: 'move', baseUrl: 'http://127.0.0.1:8080', token: null, date: '2031-01-15',
    vus: 20, durationSeconds: 60, cards: 1000,
  });
  assert.equal(loadConfig('smoke', {}).cards, 42); // 5 × 10 / 0.5 / 3 × 1.25 = 41.67
  assert.deepEqual(
    [loadConfig('smoke', {}).vus, loadConfig('smoke', {}).durationSeconds], [5, 10]);
  const contention = loadConfig('contention', {});
  assert.deepEqual([contention.vus, contention.durationSeconds, contention.cards], [20, 30, 3]);
  assert.equal(loadConfig('mix', {}).cards, 300); // 30 % of the iterations move
});

test('CARDS follows VUS and DURATION unless given; contention keeps 3', () => {
  assert.equal(defaultCards('move', 1, 6), 5); // 12 moves, 4 cards, × 1.25
  assert.equal(loadConfig('move', { VUS: '2', DURATION: '1m' }).cards, 100);
  assert.equal(loadConfig('move', { VUS: '2', DURATION: '1m', CARDS: '7' }).cards, 7);
  assert.equal(loadConfig('contention', { VUS: '50', DURATION: '5m' }).cards, 3);
});

test('reads every variable, trimming, and drops a trailing slash from BASE_URL', () => {
  const config = loadConfig('move', {
    BASE_URL: ' https://shop.example.com/api-root/ ', TOKEN: ' abc.def.ghi ', DATE: '2031-02-28',
    VUS: ' 3 ', DURATION: '90', CARDS: '12',
  });
  assert.deepEqual(config, {
    scenario: 'move', baseUrl: 'https://shop.example.com/api-root', token: 'abc.def.ghi', date: '2031-02-28',
    vus: 3, durationSeconds: 90, cards: 12,
  });
});

test('empty or blank variables count as unset', () => {
  assert.deepEqual(loadConfig('move', { VUS: '', DURATION: '  ', TOKEN: '', DATE: '' }), loadConfig('move', {}));
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
    [{ CARDS: '0' }, "CARDS must be a positive whole number, got '0'"],
    [{ DURATION: '0s' }, "DURATION must be a positive whole number, got '0s'"],
    [{ DURATION: '1.5m' }, "DURATION must be whole seconds or k6 style like 60s, 2m, 1m30s; got '1.5m'"],
    [{ DURATION: '30sec' }, "DURATION must be whole seconds or k6 style like 60s, 2m, 1m30s; got '30sec'"],
    [{ DATE: '2031-02-30' }, "DATE must be a calendar date YYYY-MM-DD, got '2031-02-30'"],
    [{ DATE: '15.01.2031' }, "DATE must be a calendar date YYYY-MM-DD, got '15.01.2031'"],
    [{ BASE_URL: '127.0.0.1:8080' }, "BASE_URL must be an http:// or https:// URL without query, got '127.0.0.1:8080'"],
    [{ BASE_URL: 'http://host/?x=1' }, "BASE_URL must be an http:// or https:// URL without query, got 'http://host/?x=1'"],
  ];
  for (const [env, message] of bad) {
    assert.throws(() => loadConfig('move', env), { message }, JSON.stringify(env));
  }
});

test('CARDS is capped so every seeded appt_start stays on DATE', () => {
  assert.equal(loadConfig('move', { CARDS: String(MAX_CARDS) }).cards, MAX_CARDS);
  assert.throws(() => loadConfig('move', { CARDS: String(MAX_CARDS + 1) }),
    { message: `CARDS must be at most ${MAX_CARDS} so every seeded appt_start stays on DATE, got ${MAX_CARDS + 1}` });
  assert.throws(() => loadConfig('move', { VUS: '1000', DURATION: '1h' }),
    /CARDS must be at most 28800 .* \(computed from VUS and DURATION; set CARDS or lower them\)$/);
});

test('an unknown scenario is refused', () => {
  assert.throws(() => loadConfig('soak', {}), { message: "unknown scenario 'soak', expected one of move, mix, contention, smoke" });
});
