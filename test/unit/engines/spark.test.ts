import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pipelineNames } from '../../../src/engines/spark/names.ts';
import { launchRetryMs } from '../../../src/engines/spark/recovery.ts';
import {
  CORRUPT_COLUMN, LATENCY_OBSERVATION, LATENCY_QUANTILES, RECORD_DDL, parsedColumns, latencyMetrics, latencySamples, observedRow, rejectionReason, rowColumns, withWaitColumn, withoutWaitColumn,
} from '../../../src/engines/spark/query.ts';
import { collectMetrics, range } from '../../../src/spark-connect/plan.ts';
import { RECORD_FIELDS } from '../../../src/record/record.ts';

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
  // Every field, then the column from_json fills with the text it could not parse.
  assert.equal(RECORD_DDL.split(', ').map((c) => c.split(' ')[0]).join(','), [...RECORD_FIELDS, CORRUPT_COLUMN].join(','));
  assert.match(parsedColumns().find((c) => c.startsWith('from_json'))!, new RegExp(`'columnNameOfCorruptRecord', '${CORRUPT_COLUMN}'`));
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

/** A rows-query progress as Spark 3.5 reports it: the observed row as values + schema. */
function progressWith(rows: number, waited: number[] | null, triggerMs: number): Record<string, unknown> {
  return {
    durationMs: { triggerExecution: triggerMs, addBatch: triggerMs - 10 },
    observedMetrics: {
      [LATENCY_OBSERVATION]: {
        values: [rows, waited],
        schema: { type: 'struct', fields: [{ name: 'rows', type: 'long' }, { name: 'waited_ms', type: { type: 'array', elementType: 'long' } }] },
      },
    },
  };
}

test('latency of Spark rows: the observed quantiles plus the batch duration, each for its share of the rows, adding up to the batch', () => {
  const waited = LATENCY_QUANTILES.map((_, i) => 100 * (i + 1));
  const samples = latencySamples(progressWith(2250, waited, 4000));
  assert.equal(samples.length, 20);
  assert.equal(samples.reduce((n, s) => n + s.rows, 0), 2250, 'every row counted once');
  assert.deepEqual(samples.map((s) => s.rows).slice(0, 11), Array(10).fill(113).concat([112]), '2250 = 20 × 112 + 10: the remainder spread over the first');
  assert.equal(samples[0]!.seconds, 4.1, '100 ms waited before the batch + the 4 s the batch took');
  assert.equal(samples[19]!.seconds, 6);
  // Fewer rows than quantiles: no sample stands for zero rows.
  assert.equal(latencySamples(progressWith(3, waited, 1000)).reduce((n, s) => n + s.rows, 0), 3);
  assert.ok(latencySamples(progressWith(3, waited, 1000)).every((s) => s.rows > 0));
});

test('latency of Spark rows: nothing observed (an empty batch, an older progress, another query) gives no samples', () => {
  assert.deepEqual(latencySamples(progressWith(0, null, 2000)), []);
  assert.deepEqual(latencySamples({ durationMs: { triggerExecution: 10 } }), []);
  assert.deepEqual(latencySamples({ observedMetrics: { other: { rows: 5, waited_ms: [1] } } }), []);
  // A plain-object row (another Spark version's shape) reads the same.
  assert.deepEqual(observedRow({ observedMetrics: { x: { rows: 2, waited_ms: [5] } } }, 'x'), { rows: 2, waited_ms: [5] });
  assert.deepEqual(latencySamples({ observedMetrics: { [LATENCY_OBSERVATION]: { rows: 2, waited_ms: [5, 7] } } }), [
    { seconds: 0.005, rows: 1 },
    { seconds: 0.007, rows: 1 },
  ]);
});

test('the observed metrics take the wait as a column (current_timestamp() is not allowed inside them) and the rows leave without it', () => {
  const metrics = latencyMetrics();
  // Rows without an ingested_at are counted apart and have no wait.
  assert.equal(metrics[0], 'count(ingested_at) AS rows');
  assert.equal(metrics[1], 'count(1) - count(ingested_at) AS unmeasured');
  assert.doesNotMatch(metrics.join(' '), /current_timestamp/);
  assert.match(metrics[2]!, /^percentile_approx\(_userstream_waited_ms, array\(0\.025, .*0\.975\), 1000\) AS waited_ms$/);
  assert.match(withWaitColumn()[1]!, /unix_millis\(current_timestamp\(\)\) - unix_millis\(ingested_at\) AS _userstream_waited_ms$/);
  assert.deepEqual(withoutWaitColumn(), [...RECORD_FIELDS]);
  const plan = collectMetrics(range(0n, 1n), 'm', [{ exprType: { case: 'expressionString', value: { expression: 'count(1)' } } }]);
  assert.equal(plan.relType?.case, 'collectMetrics');
  assert.equal((plan.relType?.value as { name: string }).name, 'm');
});

// Regression (CI, cluster suite): the connector could not see a table just
// created for over two minutes, and the engine gave up starting after one.
test('starting the queries is retried for three minutes when the connector cannot see the new table yet, one minute otherwise', () => {
  const notSeen = new Error("starting the Spark query q: Couldn't find table created_users or keyspace it_c56591a1 - Found similar keyspaces and tables:");
  assert.equal(launchRetryMs(notSeen), 180_000);
  assert.equal(launchRetryMs(new Error('14 UNAVAILABLE: No connection established')), 60_000);
});
