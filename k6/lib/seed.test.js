import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_CARDS } from './config.js';
import { newRunId, seedCardPayload } from './seed.js';

test('card payloads: 08:00–09:00 UTC on DATE, two seconds apart, inline customer and vehicle', () => {
  assert.deepEqual(seedCardPayload('2031-01-15', 0, 'run1'), {
    appt_start: '2031-01-15T08:00:00Z',
    appt_end: '2031-01-15T09:00:00Z',
    customer: { name: 'Load test run1 #1' },
    vehicle: { make: 'Loadtest', model: 'Move API', year: 2024 },
    notes: 'load test run run1',
  });
  assert.equal(seedCardPayload('2031-01-15', 1, 'run1').appt_start, '2031-01-15T08:00:02Z');
  assert.equal(seedCardPayload('2031-01-15', 1, 'run1').appt_end, '2031-01-15T09:00:02Z');
});

test('the last card CARDS allows still starts on DATE', () => {
  assert.equal(seedCardPayload('2031-12-31', MAX_CARDS - 1, 'r').appt_start, '2031-12-31T23:59:58Z');
  assert.equal(seedCardPayload('2031-12-31', MAX_CARDS - 1, 'r').appt_end, '2032-01-01T00:59:58Z');
});

test('run ids carry the UTC start and a random suffix', () => {
  const now = new Date('2026-11-29T06:45:12.345Z');
  assert.equal(newRunId(now, () => 0), '20261129T064512Z-0000');
  assert.equal(newRunId(now, () => 1 - Number.EPSILON), '20261129T064512Z-zzzz');
});
