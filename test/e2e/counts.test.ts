/**
 * The `up` summary's counts are what Kafka and Cassandra hold, also when
 * the engine restarts under it: the Spark queries stopped and the Spark
 * Connect server killed mid-run (the progress reports of the batches that
 * ended just before are lost with them), and a node engine killed with -9
 * and a second run draining what it left. Regression test for a summary
 * that said `written 117000` of 120,500 records that were all in Cassandra.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Admin } from '@platformatic/kafka';
import { countRows } from '../../src/cassandra/schema.ts';
import { pipelineNames } from '../../src/engines/spark/names.ts';
import { committedOffsets, endOffsets, ensureTopics } from '../../src/kafka/admin.ts';
import { baseKafkaOptions } from '../../src/kafka/client-options.ts';
import { SparkSession } from '../../src/spark-connect/index.ts';
import { badMessages, expectedRecords, injectBadMessages, killService } from '../faults/support.ts';
import { cliTarget, runCli, startCli } from '../support/cli.ts';
import { cassandraFor, testConfig, waitFor } from '../support/stack.ts';

interface Summary {
  produced: number;
  waiting: number;
  written: number;
  deadLettered: number;
  rows: number;
}

function summary(stdout: string): Summary {
  const n = (re: RegExp) => {
    const m = re.exec(stdout);
    return m ? Number(m[1]) : undefined;
  };
  const s = {
    produced: n(/^ {2}produced\s+(\d+)/m),
    waiting: n(/^ {2}waiting before\s+(\d+)/m) ?? 0,
    written: n(/^ {2}written\s+(\d+)/m),
    deadLettered: n(/^ {2}dead-lettered\s+(\d+)/m),
    rows: n(/^ {2}rows in \S+: (\d+)/m),
  };
  for (const [k, v] of Object.entries(s)) assert.ok(v !== undefined, `no ${k} in the summary:\n${stdout}`);
  return s as Summary;
}

const sum = (m: Map<number, bigint>) => Number([...m.values()].reduce((a, b) => a + b, 0n));

test('spark: the summary counts what was committed, through a query restart and a Spark Connect server killed mid-run', { timeout: 15 * 60_000 }, async (t) => {
  const config = testConfig(t);
  await ensureTopics(config, [{ name: config.topic, partitions: config.partitions }, { name: config.dlqTopic, partitions: 1 }]);
  const client = await cassandraFor(t, config);
  const run = startCli([
    'up', '--engine', 'spark', '--no-airflow', '--source', 'builtin', '--seed', 'counts-spark', '--count', '45000', '--rate', '1000', '--batch-size', '500',
    ...cliTarget(config),
  ]);
  t.after(() => {
    if (run.child.exitCode === null) run.child.kill('SIGKILL');
  });
  const rowsNow = () => countRows(client, config).catch(() => 0);
  await waitFor('the first rows', async () => ((await rowsNow()) > 0 ? true : undefined), 180_000);

  const bad = badMessages('counts', expectedRecords('counts-spark', 1, 1).values().next().value!);
  await injectBadMessages(config, bad);

  // The rows query stopped from outside, as a Spark user would with query.stop(): the engine starts it again.
  const names = pipelineNames(config);
  const spark = SparkSession.connect(`${config.sparkConnectUrl}/;session_id=${names.sessionId}`);
  const query = (await spark.streams.active()).find((q) => q.name === names.rowsQuery);
  assert.ok(query, 'the rows query runs');
  await query.stop();
  spark.stop();
  const afterStop = await rowsNow();
  await waitFor('rows after the query restart', async () => ((await rowsNow()) > afterStop ? true : undefined), 120_000);

  // The driver killed: every progress report it held is gone.
  await killService(config, 'spark-connect');
  const up = await runCli(['stack', 'up', 'spark-connect']);
  assert.equal(up.code, 0, up.stderr);
  const afterKill = await rowsNow();
  await waitFor('rows after the Connect server restart', async () => ((await rowsNow()) > afterKill ? true : undefined), 180_000);

  const done = await run.done;
  assert.equal(done.code, 0, done.stderr.slice(-3000));
  const s = summary(done.stdout);
  assert.equal(s.produced, 45_000);
  assert.equal(s.waiting, 0);
  assert.equal(s.deadLettered, bad.length, done.stdout);
  assert.equal(s.written + s.deadLettered, s.produced + bad.length, done.stdout);
  assert.equal(sum(await endOffsets(config, config.topic)), s.produced + bad.length);
  // Distinct users, a fresh keyspace: every written record is a row.
  assert.equal(await countRows(client, config), s.written);
  assert.equal(s.rows, s.written);
  assert.match(done.stderr, /starting the queries again/, 'the engine saw the restarts');
});

test('node: after an engine killed with -9, the next run counts what it left and what it ingests', { timeout: 10 * 60_000 }, async (t) => {
  const config = testConfig(t);
  const client = await cassandraFor(t, config);
  const first = startCli([
    'up', '--engine', 'node', '--no-airflow', '--source', 'builtin', '--seed', 'counts-node-1', '--count', '40000', '--rate', '2000', '--batch-size', '500',
    ...cliTarget(config),
  ]);
  t.after(() => {
    if (first.child.exitCode === null) first.child.kill('SIGKILL');
  });
  await waitFor('rows from the first run', async () => ((await countRows(client, config).catch(() => 0)) >= 5000 ? true : undefined), 180_000);
  first.child.kill('SIGKILL');
  await first.done;
  // Records produced while no engine runs (the DAG's task goes on in its own process) wait too.
  const more = await runCli(['ingest', '--source', 'builtin', '--seed', 'counts-node-1b', '--count', '5000', '--rate', '0', '--topic', config.topic]);
  assert.equal(more.code, 0, more.stderr);

  // What the killed run left: messages past the group's committed offsets.
  const admin = new Admin(baseKafkaOptions(config, 'it-counts'));
  const [ends, committed] = await Promise.all([endOffsets(config, config.topic), committedOffsets(admin, config.groupId, config.topic)]).finally(() => admin.close());
  const left = sum(ends) - sum(committed);
  assert.ok(left >= 5000, `${left} messages wait for the next run`);

  const second = await runCli([
    'up', '--engine', 'node', '--no-airflow', '--source', 'builtin', '--seed', 'counts-node-2', '--count', '10000', '--rate', '0', '--batch-size', '1000',
    ...cliTarget(config),
  ]);
  assert.equal(second.code, 0, second.stderr.slice(-3000));
  const s = summary(second.stdout);
  assert.equal(s.produced, 10_000);
  assert.equal(s.waiting, left, second.stdout);
  assert.equal(s.deadLettered, 0);
  assert.equal(s.written, s.produced + s.waiting, second.stdout);
  // Every message in the topic is a distinct user, and each is a row.
  const total = sum(await endOffsets(config, config.topic));
  assert.equal(await countRows(client, config), total);
  assert.equal(s.rows, total);
});
