import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../support/cli.ts';

test('userstream ping: the stack answers; each line names the address asked', async () => {
  const run = await runCli(['ping', 'kafka', 'cassandra', 'spark']);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /^kafka\s+ok\s+\S+:\d+\s+\(metadata answered\)$/m);
  assert.match(run.stdout, /^cassandra\s+ok\s+\S+:\d+\s+\(CQL answered\)$/m);
  assert.match(run.stdout, /^spark\s+ok\s+sc:\/\/\S+\s+\(Spark 3\.5\.\d+\)$/m);
});

test('userstream ping: a service that does not answer is DOWN and the exit code is 1', async () => {
  const run = await runCli(['ping', 'kafka', 'cassandra', '--kafka-brokers', '127.0.0.1:1', '--timeout', '1000']);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.match(run.stdout, /^kafka\s+DOWN\s+127\.0\.0\.1:1$/m);
  assert.match(run.stdout, /^cassandra\s+ok\b/m);
});

test('userstream ping: an unknown target is a usage error', async () => {
  const run = await runCli(['ping', 'flink']);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /^userstream: unknown ping target "flink"; expected some of kafka, cassandra, spark, airflow \[US_ERR_USAGE\]\n$/);
});
