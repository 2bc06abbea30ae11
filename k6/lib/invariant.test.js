import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkInvariant, checkMoveTotals } from './invariant.js';

test('holds when every version − 1 equals the history rows', () => {
  assert.deepEqual(checkInvariant([
    { id: '1', version: 1, historyCount: 0 },
    { id: '2', version: 58, historyCount: 57 },
  ]), { serverMoves: 57, violations: [] });
});

test('a lost update (more versions than history rows) and a phantom row are both reported', () => {
  const result = checkInvariant([
    { id: '1', version: 10, historyCount: 8 },
    { id: '2', version: 3, historyCount: 2 },
    { id: '3', version: 1, historyCount: 1 },
  ]);
  assert.deepEqual(result.violations, [
    'card 1: version 10 but 8 history rows (expected 9)',
    'card 3: version 1 but 1 history rows (expected 0)',
  ]);
  assert.equal(result.serverMoves, 11);
});

test('no cards: nothing to violate', () => {
  assert.deepEqual(checkInvariant([]), { serverMoves: 0, violations: [] });
});

test('checkMoveTotals compares the clients’ 200s with Σ(version − 1)', () => {
  assert.equal(checkMoveTotals(57, 57), null);
  assert.equal(checkMoveTotals(56, 57), 'clients saw 56 moves answered 200 but the cards record 57 (Σ version − 1)');
});
