import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { countRows } from '../../src/cassandra/schema.ts';
import { createApiServer } from '../../src/source/server.ts';
import { cliTarget, runCli } from '../support/cli.ts';
import { cassandraFor, testConfig } from '../support/stack.ts';

for (const engine of ['node', 'spark']) {
test(`userstream up --engine ${engine}: built-in API over HTTP → Kafka → engine → Cassandra, every record once`, async (t) => {
  const api = createApiServer({ logger: false });
  await api.listen({ host: '127.0.0.1', port: 0 });
  t.after(() => api.close());
  const port = (api.server.address() as AddressInfo).port;
  const config = testConfig(t);

  const run = await runCli([
    'up', '--engine', engine, '--duration', '4', '--batch-size', '500', '--rate', '1000',
    '--source', `http://127.0.0.1:${port}/api/`,
    ...cliTarget(config),
  ]);
  assert.equal(run.code, 0, run.stderr);
  const produced = Number(/produced\s+(\d+)/.exec(run.stdout)?.[1]);
  const rowsLine = Number(/rows in \S+: (\d+)/.exec(run.stdout)?.[1]);
  assert.ok(produced > 0, run.stdout);
  assert.equal(rowsLine, produced, run.stdout);
  const client = await cassandraFor(t, config);
  assert.equal(await countRows(client, config), produced);
});
}

test('userstream up: the stack runs Kafka in the mode this run asked for (USERSTREAM_KAFKA_MODE)', async () => {
  const run = await runCli(['stack', 'status', '--json']);
  assert.equal(run.code, 0, run.stderr);
  const services = JSON.parse(run.stdout) as { name: string; version: string; state: string }[];
  const state = (name: string) => services.find((s) => s.name === name);
  if (process.env.USERSTREAM_KAFKA_MODE === 'zookeeper') {
    assert.equal(state('zookeeper')?.state, 'running');
    assert.match(state('kafka')!.version, /^3\.9\./);
  } else {
    assert.notEqual(state('zookeeper')?.state, 'running');
    assert.match(state('kafka')!.version, /^4\./);
  }
  assert.equal(state('kafka')?.state, 'running');
});

test('a bad flag is one clear line and exit code 2, no stack trace', async () => {
  const run = await runCli(['ingest', '--partitions', 'many']);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /^userstream: invalid --partitions "many": [^\n]+\n$/);
});

test('an unknown engine is refused clearly', async () => {
  const run = await runCli(['stream', '--engine', 'flink']);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /^userstream: unknown engine "flink"; choose one of node, spark \[US_ERR_USAGE\]\n$/);
});

test('an unreachable broker is one clear line and a non-zero exit', async () => {
  const run = await runCli(['ingest', '--source', 'builtin', '--kafka-brokers', '127.0.0.1:1', '--count', '1']);
  assert.equal(run.code, 1);
  const lines = run.stderr.trim().split('\n').filter((l) => l.startsWith('userstream:'));
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0]!, /Kafka 127\.0\.0\.1:1/);
  assert.doesNotMatch(run.stderr, /\n\s+at /);
});
