import assert from 'node:assert/strict';
import { test } from 'node:test';
import cassandra from 'cassandra-driver';
import { cellJson, checkIds, rowJson } from '../../../src/cassandra/rows.ts';
import { UserstreamError } from '../../../src/errors.ts';
import { RECORD_FIELDS } from '../../../src/record/record.ts';

test('cellJson: a uuid as text, a timestamp in ISO-8601 UTC, text as it is, no value as null', () => {
  const id = 'b8f5b8ce-4e0b-4c8e-9a55-0d7a9c1f6f3e';
  assert.equal(cellJson(cassandra.types.Uuid.fromString(id)), id);
  assert.equal(cellJson(new Date(Date.UTC(2026, 11, 6, 10, 0, 0, 5))), '2026-12-06T10:00:00.005Z');
  assert.equal(cellJson('Zoë'), 'Zoë');
  assert.equal(cellJson(null), null);
  assert.equal(cellJson(undefined), null);
  assert.equal(cellJson(cassandra.types.Long.fromString('9007199254740993')), '9007199254740993');
  assert.deepEqual(cellJson(['a', new Date(0)]), ['a', '1970-01-01T00:00:00.000Z']);
});

test('rowJson: the contract\'s columns in its order, then any other in name order', () => {
  const columns = ['id', 'zeta', 'address', ...RECORD_FIELDS.filter((f) => f !== 'id' && f !== 'address'), 'alpha'];
  const row = Object.fromEntries(columns.map((c) => [c, c]));
  assert.deepEqual(Object.keys(rowJson(row, columns)), [...RECORD_FIELDS, 'alpha', 'zeta']);
  assert.deepEqual(Object.keys(rowJson({ id: 'x', email: 'e' }, ['email', 'id'])), ['id', 'email']);
});

test('checkIds: anything but a UUID is a usage error naming it', () => {
  checkIds(['b8f5b8ce-4e0b-4c8e-9a55-0d7a9c1f6f3e', 'B8F5B8CE-4E0B-4C8E-9A55-0D7A9C1F6F3E']);
  assert.throws(() => checkIds(['b8f5b8ce-4e0b-4c8e-9a55-0d7a9c1f6f3e', 'nope']), (e: unknown) => e instanceof UserstreamError && e.code === 'US_ERR_USAGE' && e.message.startsWith('invalid --id "nope"'));
});
