import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTableCql, tokenRanges } from '../../../src/cassandra/schema.ts';

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
