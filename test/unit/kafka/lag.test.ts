import assert from 'node:assert/strict';
import { test } from 'node:test';
import { partitionStates, totalLag } from '../../../src/kafka/lag.ts';

test('per-partition lag is end minus done; unknown progress stays unknown', () => {
  const ends = new Map([[1, 50n], [0, 100n]]);
  assert.deepEqual(partitionStates(ends, new Map([[0, 90n]])), [
    { partition: 0, end: 100, done: 90, lag: 10 },
    { partition: 1, end: 50, done: 0, lag: 50 },
  ]);
  assert.deepEqual(partitionStates(ends, undefined), [
    { partition: 0, end: 100, done: null, lag: null },
    { partition: 1, end: 50, done: null, lag: null },
  ]);
});

test('the lag in all: each partition clamped at zero, unknown when the position is', () => {
  const ends = new Map([[0, 100n], [1, 50n]]);
  assert.equal(totalLag(partitionStates(ends, new Map([[0, 120n], [1, 20n]]))), 30, 'a commit past the end hides no lag of another partition');
  assert.equal(totalLag(partitionStates(ends, new Map())), 150, 'nothing committed: the whole topic');
  assert.equal(totalLag(partitionStates(ends, undefined)), null);
  assert.equal(totalLag([]), 0);
});
