import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reportFatal } from '../../../src/cli/errors.ts';
import { ErrorCodes, UserstreamError, describeError, errorDetail, javaReason, withCode } from '../../../src/errors.ts';
import { SparkStreamingQueryError } from '../../../src/spark-connect/errors.ts';

// As Spark 3.5 reports a Cassandra write that failed on an executor (one line, about 1,150 characters).
const STAGE_FAILURE =
  'org.apache.spark.sql.streaming.StreamingQueryException: Job aborted due to stage failure: Task 1 in stage 56.0 failed 4 times, ' +
  'most recent failure: Lost task 1.3 in stage 56.0 (TID 174) (127.0.0.1 executor 0): java.io.IOException: Failed to prepare statement ' +
  'INSERT INTO "ks"."created_users" ("id", "first_name") VALUES (:"id", :"first_name"): All 1 node(s) tried for the query failed ' +
  '(showing first 1 nodes, use getAllErrors() for more): Node(endPoint=/127.0.0.1:9042, hostId=ae69d025-f4c2-4005-a25c-da6675293608, hashCode=1faf65aa): ' +
  '[com.datastax.oss.driver.api.core.NodeUnavailableException: No connection was available to Node(endPoint=/127.0.0.1:9042, hostId=ae69d025, hashCode=1faf65aa)]' +
  '\n=== Streaming Query ===\nIdentifier: q [id = 1, runId = 2]';

test('a Java failure is reported by its reason, in one short line (regression: a 1,150-character warning)', () => {
  assert.equal(javaReason(STAGE_FAILURE), 'no connection to Cassandra node 127.0.0.1:9042');
  assert.equal(
    javaReason('Failed to open native connection to Cassandra at {127.0.0.1:9042} :: Could not reach any contact point, make sure you have provided valid addresses'),
    'cannot connect to Cassandra at 127.0.0.1:9042',
  );
  // Otherwise the innermost exception, without its package.
  assert.equal(
    javaReason('org.apache.spark.SparkException: Job aborted.: org.apache.kafka.common.errors.TimeoutException: Timeout of 60000ms expired before the position for partition t-0 could be determined'),
    'TimeoutException: Timeout of 60000ms expired before the position for partition t-0 could be determined',
  );
  // No exception class: the first line as it is; and never longer than asked.
  assert.equal(javaReason('plain words\nsecond line'), 'plain words');
  const long = javaReason(`java.lang.RuntimeException: ${'x'.repeat(500)}`, 80);
  assert.equal(long.length, 80);
  assert.ok(long.endsWith('…'));
});

test('describeError gives a Spark error its reason, not its whole text; errorDetail keeps everything', () => {
  const cause = new SparkStreamingQueryError(STAGE_FAILURE, { grpcCode: 2 });
  const error = new UserstreamError(ErrorCodes.SPARK, 'Spark query q stopped', { cause });
  const line = describeError(error);
  assert.equal(line, 'Spark query q stopped: no connection to Cassandra node 127.0.0.1:9042');
  assert.doesNotMatch(line, /\n/);
  const detail = errorDetail(error);
  assert.match(detail, /Spark query q stopped/);
  assert.match(detail, /caused by: SparkStreamingQueryError: org\.apache\.spark\.sql\.streaming\.StreamingQueryException/);
  assert.match(detail, /=== Streaming Query ===/);
});

test('an error is shown with its code at the end of its first line; one without a code as it is', () => {
  const usage = new UserstreamError(ErrorCodes.USAGE, 'unknown engine "flink"');
  assert.equal(withCode(usage, usage.message), 'unknown engine "flink" [US_ERR_USAGE]');
  const start = new UserstreamError(ErrorCodes.STACK_START, 'kafka exited during start-up\nlast log line');
  assert.equal(withCode(start, start.message), 'kafka exited during start-up [US_ERR_STACK_START]\nlast log line');
  assert.equal(withCode(new Error('boom'), 'boom'), 'boom');
});

test('the CLI prints one line with the code, and exits 2 for a bad flag or value, 1 otherwise', (t) => {
  const written: string[] = [];
  t.mock.method(process.stderr, 'write', (chunk: string) => written.push(chunk) > 0);
  assert.equal(reportFatal(new UserstreamError(ErrorCodes.CONFIG, 'invalid --partitions "many"'), false), 2);
  assert.equal(reportFatal(new UserstreamError(ErrorCodes.KAFKA, 'producing on Kafka 127.0.0.1:1: refused'), false), 1);
  assert.equal(reportFatal(new TypeError('x is not a function'), false), 1);
  assert.deepEqual(written, [
    'userstream: invalid --partitions "many" [US_ERR_CONFIG]\n',
    'userstream: producing on Kafka 127.0.0.1:1: refused [US_ERR_KAFKA]\n',
    'userstream: x is not a function\n',
    'userstream: (unexpected error; run again with --verbose for details)\n',
  ]);
});
