import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pipelineNames } from '../../src/engines/spark/engine.ts';
import { RECORD_DDL, rejectionReason, rowColumns } from '../../src/engines/spark/query.ts';
import { RECORD_FIELDS } from '../../src/record/record.ts';

const base = { topic: 'users_created', keyspace: 'spark_streams', table: 'created_users', dlqTopic: 'users_created.dlq', sparkCheckpointDir: '/data/ck' };

test('one pipeline, stable names: queries, checkpoints and a Spark Connect session id', () => {
  const a = pipelineNames(base);
  assert.equal(a.rowsQuery, 'userstream_users_created_to_spark_streams_created_users');
  assert.equal(a.dlqQuery, `${a.rowsQuery}_dlq`);
  assert.equal(a.rowsCheckpoint, `/data/ck/${a.rowsQuery}/rows`);
  assert.equal(a.dlqCheckpoint, `/data/ck/${a.rowsQuery}/dlq`);
  assert.match(a.sessionId, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(pipelineNames(base).sessionId, a.sessionId, 'a restart finds the same session');
  assert.notEqual(pipelineNames({ ...base, topic: 'other' }).sessionId, a.sessionId);
  assert.match(pipelineNames({ ...base, topic: 'it_ab12.x-y' }).rowsQuery, /^[A-Za-z0-9_]+$/);
});

test('the Spark schema and columns cover every record field, in the record order', () => {
  assert.equal(RECORD_DDL.split(', ').map((c) => c.split(' ')[0]).join(','), RECORD_FIELDS.join(','));
  assert.deepEqual(rowColumns().map((c) => c.split(' AS ').at(-1)), RECORD_FIELDS);
  assert.match(rowColumns().at(-1)!, /^CAST\(data\.ingested_at AS TIMESTAMP\)/);
});

test('the rejection check names each field in record order, id and ingested_at with their format checks', () => {
  const sql = rejectionReason();
  const at = (f: string) => sql.indexOf(`schema violation at ${f}:`);
  const order = RECORD_FIELDS.map(at);
  assert.ok(order.every((i) => i > 0));
  assert.deepEqual([...order].sort((x, y) => x - y), order);
  assert.ok(sql.indexOf("'schema violation at id: expected a UUID'") < at('first_name'));
  assert.ok(sql.indexOf('empty message') < sql.indexOf('UTF-8') && sql.indexOf('UTF-8') < sql.indexOf('not JSON'));
});
