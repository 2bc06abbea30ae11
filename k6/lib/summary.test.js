import { test } from 'node:test';
import assert from 'node:assert/strict';
import { movesTotalsLine, summaryPaths } from './summary.js';

test('summary files are <RESULTS_DIR>/k6_<scenario>_<UTC timestamp>.json and .txt', () => {
  assert.deepEqual(summaryPaths('load_test_results', 'contention', new Date('2026-11-29T06:45:12.345Z')), {
    json: 'load_test_results/k6_contention_20261129T064512Z.json',
    text: 'load_test_results/k6_contention_20261129T064512Z.txt',
  });
});

test('contention: the clients’ 200s are compared with teardown’s Σ(version − 1)', () => {
  const counter = (/** @type {number} */ count) => ({ values: { count } });
  assert.equal(movesTotalsLine({ metrics: { moves_ok: counter(9), server_moves: counter(9) } }),
    'moves totals: 9 answered 200, Σ(version − 1) = 9: ok');
  assert.equal(movesTotalsLine({ metrics: { server_moves: counter(2) } }),
    'moves totals: 0 answered 200, Σ(version − 1) = 2: clients saw 0 moves answered 200 but the cards record 2 (Σ version − 1)');
});

test('the other scenarios have no totals line', () => {
  assert.equal(movesTotalsLine({ metrics: { moves_ok: { values: { count: 5 } } } }), null);
});
