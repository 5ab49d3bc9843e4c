import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countRows } from '../../src/cassandra/schema.ts';
import { ensureTopics, withAdmin } from '../../src/kafka/admin.ts';
import { registeredBrokers } from '../../src/kafka/describe-cluster.ts';
import { kafkaNodePorts, ringAddress } from '../../src/config/stack-addresses.ts';
import { type CliRun, cliTarget, runCli, startCli } from '../support/cli.ts';
import type { Config } from '../../src/config/options.ts';
import { cassandraFor, testConfig, waitFor } from '../support/stack.ts';
import { killService } from '../faults/support.ts';

// Every client takes several brokers and contact points and must work when
// the first one listed is the one that is down: here kafka-1 and
// cassandra-1 are down before any client starts, so each one's first
// connection attempt goes to a dead address. A topic created meanwhile gets
// the replication of the three-broker cluster, not of the two brokers up
// (the metadata lists only those: the count comes from DescribeCluster,
// fenced brokers included).
test('cluster: the first broker and the first Cassandra node listed are down from the start: topics keep the replication of three, the ingest, both engines and status go through the others', { timeout: 15 * 60_000 }, async (t) => {
  const N = 5_000;
  const node = testConfig(t, { partitions: 3 });
  const spark = testConfig(t, { partitions: 3, topic: node.topic, dlqTopic: node.dlqTopic });
  assert.equal(node.kafkaBrokers[0], `127.0.0.1:${kafkaNodePorts(node, 1).port}`, 'kafka-1 is the first broker listed');
  assert.equal(node.cassandraHosts[0], `${ringAddress(node, 1)}:${node.cassandraPort}`, 'cassandra-1 is the first contact point listed');

  await killService(node, 'kafka-1');
  await killService(node, 'cassandra-1');
  // Each engine's run, by the config it streams into.
  const engines = new Map<Config, CliRun>();
  try {
    // The broker is fenced once its session (9 s) ends: until then the
    // metadata may still list it.
    const brokers = await waitFor('kafka-1 fenced', () =>
      withAdmin(node, 'describing the cluster', async (admin) => {
        const all = await registeredBrokers(admin);
        return all.find((b) => b.id === 1)?.fenced ? all : undefined;
      }), 60_000);
    assert.deepEqual(brokers, [{ id: 1, fenced: true }, { id: 2, fenced: false }, { id: 3, fenced: false }]);
    await ensureTopics(node, [{ name: node.topic, partitions: node.partitions }, { name: node.dlqTopic, partitions: 1 }]);

    const ingest = await runCli(['ingest', '--source', 'builtin', '--seed', 'first-down', '--count', String(N), '--topic', node.topic]);
    assert.equal(ingest.code, 0, ingest.stderr.slice(-3000));
    for (const [engine, config] of [['node', node], ['spark', spark]] as const) engines.set(config, startCli(['stream', '--engine', engine, ...cliTarget(config)]));
    const client = await cassandraFor(t, node);
    for (const [config, run] of engines) {
      // A timeout says what the count last was and what the engine said, not only that it ran out.
      await waitFor(`${N} rows in ${config.keyspace}`, async () => {
        const rows = await countRows(client, config);
        if (rows >= N) return true;
        const exited = run.child.exitCode === null ? '' : `; the engine exited ${run.child.exitCode}`;
        throw new Error(`${rows} rows so far${exited}; the engine's last lines:\n${run.stderr.slice(-3000)}`);
      }, 300_000);
      assert.equal(await countRows(client, config), N);
    }
    for (const engine of engines.values()) {
      engine.child.kill('SIGINT');
      const stopped = await engine.done;
      assert.equal(stopped.code, 0, stopped.stderr.slice(-2000));
    }

    const status = await runCli(['status', '--json', ...cliTarget(node)]);
    assert.equal(status.code, 0, status.stderr);
    const s = JSON.parse(status.stdout) as {
      rows: number;
      topic: { total: number };
      kafka: { brokers: { id: number; up: boolean }[]; underReplicated: { topic: string; replicas: number[]; isr: number[] }[]; replication: Record<string, number> };
      cassandra: { address: string; up: boolean }[];
    };
    assert.equal(s.rows, N);
    assert.equal(s.topic.total, N);
    assert.deepEqual(s.kafka.brokers.map((b) => [b.id, b.up]), [[1, false], [2, true], [3, true]]);
    assert.equal(s.kafka.replication[node.topic], 3, 'the topic created while kafka-1 was down is replicated 3 times');
    assert.ok(s.kafka.underReplicated.some((p) => p.topic === node.topic && !p.isr.includes(1)), `kafka-1's replicas of ${node.topic} shown under-replicated: ${JSON.stringify(s.kafka.underReplicated)}`);
    assert.deepEqual(s.cassandra.map((n) => [n.address.replace(/:\d+$/, ''), n.up]).sort(), [[ringAddress(node, 1), false], [ringAddress(node, 2), true], [ringAddress(node, 3), true]]);
  } finally {
    for (const engine of engines.values()) if (engine.child.exitCode === null) engine.child.kill('SIGKILL');
    for (const name of ['kafka-1', 'cassandra-1']) {
      const up = await runCli(['stack', 'up', name]);
      assert.equal(up.code, 0, up.stderr);
    }
  }
});
