import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countRows } from '../../src/cassandra/schema.ts';
import { cliTarget, runCli } from '../support/cli.ts';
import { cassandraFor, testConfig } from '../support/stack.ts';

for (const engine of ['node', 'spark']) {
  test(`userstream up --cluster --engine ${engine}: Airflow → three brokers → engine → three-node ring, and the summary names the cluster`, { timeout: 10 * 60_000 }, async (t) => {
    const config = testConfig(t);
    const run = await runCli(['up', '--cluster', '--engine', engine, '--duration', '5', '--rate', '1000', '--source', 'builtin', ...cliTarget(config)]);
    assert.equal(run.code, 0, run.stderr.slice(-3000));
    const produced = Number(/produced\s+(\d+)/.exec(run.stdout)?.[1]);
    assert.ok(produced > 0, run.stdout);
    assert.match(run.stderr, /airflow: run \S+ succeeded/);
    const cluster = /^ {2}cluster {8}(.*)$/m.exec(run.stdout)?.[1] ?? '';
    assert.match(cluster, new RegExp(`^3 Kafka brokers \\(${config.topic} replicated 3 times\\), 3 Cassandra nodes \\(${config.keyspace} NetworkTopologyStrategy datacenter1:3, writes LOCAL_QUORUM\\)`), run.stdout);
    if (engine === 'spark') assert.match(cluster, /, 2 Spark workers$/);
    const client = await cassandraFor(t, config);
    assert.equal(await countRows(client, config), produced);
  });
}
