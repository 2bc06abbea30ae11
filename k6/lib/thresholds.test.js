import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REPORT_ONLY, thresholdsFor } from './thresholds.js';

test('move: failures, the shop bar and ours on move latency, conflicts, recovery, enough cards', () => {
  assert.deepEqual(thresholdsFor('move'), {
    http_req_failed: ['rate<0.01'],
    'http_req_duration{name:move}': ['p(95)<400', 'p(95)<=10', 'p(99)<=25'],
    conflicts: ['rate<0.1'],
    conflicts_recovered: ['rate==1'],
    no_movable_card: ['count==0'],
    'http_req_duration{name:create}': [REPORT_ONLY],
    'http_req_duration{name:board}': [REPORT_ONLY],
    'http_req_duration{name:card}': [REPORT_ONLY],
  });
});

test('mix adds per-endpoint bars for board and stats', () => {
  const mix = thresholdsFor('mix');
  assert.deepEqual(mix['http_req_duration{name:move}'], ['p(95)<400', 'p(95)<=10', 'p(99)<=25']);
  assert.deepEqual(mix['http_req_duration{name:board}'], ['p(95)<400']);
  assert.deepEqual(mix['http_req_duration{name:stats}'], ['p(95)<400']);
});

test('smoke keeps only the shop bar, failures and the conflict bars', () => {
  const smoke = thresholdsFor('smoke');
  assert.deepEqual(smoke['http_req_duration{name:move}'], ['p(95)<400']);
  assert.deepEqual(smoke.conflicts, ['rate<0.1']);
  assert.equal(smoke.invariant_violations, undefined);
});

test('contention: no conflict bars (conflicts are the point), the invariant instead', () => {
  const contention = thresholdsFor('contention');
  assert.equal(contention.conflicts, undefined);
  assert.equal(contention.conflicts_recovered, undefined);
  assert.deepEqual(contention.invariant_violations, ['count==0']);
  assert.deepEqual(contention['http_req_duration{name:move}'], ['p(95)<400']);
  assert.deepEqual(contention['http_req_duration{name:history}'], [REPORT_ONLY]);
});
