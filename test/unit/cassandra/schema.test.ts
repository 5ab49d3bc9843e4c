import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTableCql, tokenRanges, untilKeyspaceReached } from '../../../src/cassandra/schema.ts';

test('token ranges tile the whole Murmur3 ring without gaps or overlaps', () => {
  for (const parts of [1, 3, 64]) {
    const ranges = tokenRanges(parts);
    assert.equal(ranges.length, parts);
    assert.equal(ranges[0]![0], -(2n ** 63n));
    assert.equal(ranges[parts - 1]![1], 2n ** 63n - 1n);
    for (let i = 1; i < parts; i++) assert.equal(ranges[i]![0], ranges[i - 1]![1], `range ${i} starts where ${i - 1} ends`);
    for (const [a, b] of ranges) assert.ok(a < b);
  }
});

test('the table has every record column, dob included, keyed by a uuid id', () => {
  const cql = createTableCql('spark_streams', 'created_users');
  assert.match(cql, /^CREATE TABLE IF NOT EXISTS spark_streams\.created_users \(id uuid PRIMARY KEY, /);
  for (const column of ['first_name text', 'post_code text', 'dob text', 'registered_date text', 'ingested_at timestamp']) {
    assert.ok(cql.includes(column), column);
  }
});

// Regression (CI, cluster suite): CREATE TABLE right after CREATE KEYSPACE
// reached a node the keyspace had not reached yet, and the engine exited.
test('a statement on a keyspace just created is sent again while a node answers that the keyspace does not exist, and only then', async () => {
  let calls = 0;
  const notYet = new Error("Keyspace 'it_3b533f2c' doesn't exist");
  assert.equal(await untilKeyspaceReached(async () => (++calls < 3 ? Promise.reject(notYet) : 'created'), 5_000, 1), 'created');
  assert.equal(calls, 3);

  calls = 0;
  const other = new Error('Cannot achieve consistency level QUORUM');
  await assert.rejects(untilKeyspaceReached(async () => (calls++, Promise.reject(other)), 5_000, 1), other);
  assert.equal(calls, 1, 'any other error is not retried');

  calls = 0;
  await assert.rejects(untilKeyspaceReached(async () => (calls++, Promise.reject(notYet)), 20, 5), notYet);
  assert.ok(calls >= 2, 'retried until the deadline, then the error');
});
