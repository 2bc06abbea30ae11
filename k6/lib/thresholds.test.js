import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REPORT_ONLY, thresholdsFor } from './thresholds.js';

test("move, shop profile: the shop's bars only — failures, move p95 < 400 ms, conflicts, recovery, enough cards", () => {
  assert.deepEqual(thresholdsFor('move', 'shop'), {
    http_req_failed: ['rate<0.01'],
    'http_req_duration{name:move}': ['p(95)<400'],
    conflicts: ['rate<0.1'],
    conflicts_recovered: ['rate==1'],
    no_movable_card: ['count==0'],
    'http_req_duration{name:workflow}': [REPORT_ONLY],
    'http_req_duration{name:create}': [REPORT_ONLY],
    'http_req_duration{name:board}': [REPORT_ONLY],
    'http_req_duration{name:card}': [REPORT_ONLY],
    'http_req_duration{name:delete}': [REPORT_ONLY],
  });
});

test('PROFILE=local adds our move bars to every scenario but contention', () => {
  for (const scenario of /** @type {const} */ (['move', 'smoke', 'rate', 'mix'])) {
    assert.deepEqual(thresholdsFor(scenario, 'local')['http_req_duration{name:move}'], ['p(95)<400', 'p(95)<=10', 'p(99)<=25'], scenario);
    assert.deepEqual(thresholdsFor(scenario, 'shop')['http_req_duration{name:move}'], ['p(95)<400'], scenario);
  }
  assert.deepEqual(thresholdsFor('contention', 'local')['http_req_duration{name:move}'], ['p(95)<400']);
});

test('mix adds per-endpoint bars for board and stats', () => {
  const mix = thresholdsFor('mix', 'shop');
  assert.deepEqual(mix['http_req_duration{name:board}'], ['p(95)<400']);
  assert.deepEqual(mix['http_req_duration{name:stats}'], ['p(95)<400']);
});

test('rate: no dropped iteration, else the latency was not measured at the rate asked for', () => {
  assert.deepEqual(thresholdsFor('rate', 'shop').dropped_iterations, ['count==0']);
  assert.equal(thresholdsFor('move', 'shop').dropped_iterations, undefined);
});

test('contention: no conflict bars (conflicts are the point), the invariant instead', () => {
  const contention = thresholdsFor('contention', 'shop');
  assert.equal(contention.conflicts, undefined);
  assert.equal(contention.conflicts_recovered, undefined);
  assert.deepEqual(contention.invariant_violations, ['count==0']);
  assert.deepEqual(contention['http_req_duration{name:history}'], [REPORT_ONLY]);
});
