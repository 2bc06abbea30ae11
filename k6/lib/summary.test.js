import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summaryPaths, textReport } from './summary.js';

test('summary files are load_test_results/k6_<scenario>_<UTC timestamp>.json and .txt', () => {
  assert.deepEqual(summaryPaths('contention', new Date('2026-11-29T06:45:12.345Z')), {
    json: 'load_test_results/k6_contention_20261129T064512Z.json',
    text: 'load_test_results/k6_contention_20261129T064512Z.txt',
  });
});

test('the text names every threshold, flags the failed ones and counts them', () => {
  const text = textReport('move', {
    metrics: {
      moves: { type: 'counter', values: { count: 120, rate: 2 } },
      'http_req_duration{name:move}': {
        type: 'trend', values: { 'p(95)': 12.5, 'p(99)': 20 },
        thresholds: { 'p(95)<400': { ok: true }, 'p(95)<=10': { ok: false } },
      },
      http_req_failed: { type: 'rate', values: { rate: 0 }, thresholds: { 'rate<0.01': { ok: true } } },
    },
  });
  assert.equal(text, [
    'k6 move: 1 threshold(s) FAILED',
    'moves=120',
    'http_req_duration{name:move}: p(95)=12.500 p(99)=20',
    '  ok     p(95)<400',
    '  FAILED p(95)<=10',
    'http_req_failed: rate=0',
    '  ok     rate<0.01',
    '',
  ].join('\n'));
});

test('contention: the clients’ 200s are compared with teardown’s Σ(version − 1)', () => {
  const counter = (/** @type {number} */ count) => ({ type: 'counter', values: { count } });
  assert.match(textReport('contention', { metrics: { moves_ok: counter(9), server_moves: counter(9) } }),
    /^k6 contention: all thresholds passed\nmoves_ok=9 server_moves=9 totals: ok\n$/);
  assert.match(textReport('contention', { metrics: { server_moves: counter(2) } }),
    /totals: clients saw 0 moves answered 200 but the cards record 2/);
});
