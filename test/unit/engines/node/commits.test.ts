import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commitsToSend } from '../../../../src/engines/node/commits.ts';

const last = (...pairs: [number, bigint][]) => pairs.map(([partition, offset]) => ({ partition, offset }));

// A commit sets the group's offset to what it is sent, so one that lands
// after a newer one moves the partition back; these are never sent.
test('a batch commits the partitions this member owns, each only past what the group acknowledged from it', () => {
  const batch = last([0, 100n], [1, 200n], [2, 300n]);
  assert.deepEqual(commitsToSend(batch, new Set([0, 1, 2]), new Map()), batch, 'all owned, nothing acknowledged yet');
  assert.deepEqual(commitsToSend(batch, undefined, new Map()), batch, 'assignment unknown: every partition');
  assert.deepEqual(commitsToSend(batch, new Set([0, 2]), new Map()), last([0, 100n], [2, 300n]), 'partition 1 went to another member in a rebalance');
  assert.deepEqual(
    commitsToSend(batch, new Set([0, 1, 2]), new Map([[0, 100n], [1, 250n], [2, 299n]])),
    last([2, 300n]),
    'delivered again after a rejoin: at or below the acknowledged offset it is not sent',
  );
  assert.deepEqual(commitsToSend([], new Set([0]), new Map()), []);
});
