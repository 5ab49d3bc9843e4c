import assert from 'node:assert/strict';
import { test } from 'node:test';
import { currentWorkers } from '../../../src/cluster/health.ts';
import { loadConfig } from '../../../src/config/load.ts';
import { ringTokens, cassandraConfigYaml, cassandraJvmArgs } from '../../../src/stack/cassandra-recipe.ts';
import { kafkaServerProperties, clusterReplication, kafkaFormatCommand, randomClusterId } from '../../../src/stack/kafka-recipe.ts';
import { SILENT_BROKER_MS } from '../../../src/kafka/client-options.ts';
import { localStackClientConfig, stackServices } from '../../../src/stack/index.ts';
import { connectConf, javaOptions } from '../../../src/stack/spark-recipe.ts';

const cluster = () => loadConfig({ cluster: true }, {});

test('--cluster: instances of the same service definitions, each with its own name, ports and folders', () => {
  const names = stackServices(cluster()).map((s) => s.name);
  assert.deepEqual(names.filter((n) => /^(kafka|cassandra|spark)/.test(n)), [
    'kafka-1', 'kafka-2', 'kafka-3', 'cassandra-1', 'cassandra-2', 'cassandra-3', 'spark-master', 'spark-worker-1', 'spark-worker-2', 'spark-connect',
  ]);
  const byName = new Map(stackServices(cluster()).map((s) => [s.name, s]));
  assert.deepEqual(byName.get('kafka-2')!.ports.map((p) => p.port), [9192, 9193]);
  assert.deepEqual(byName.get('cassandra-3')!.ports.map((p) => `${p.host}:${p.port}`), ['127.0.0.3:9042', '127.0.0.3:7000', '127.0.0.1:7300']);
  assert.deepEqual(byName.get('spark-worker-2')!.ports.map((p) => p.port), [8082]);
  assert.deepEqual(byName.get('spark-connect')!.after, ['spark-worker-1', 'spark-worker-2']);
  // Nodes share one classpath, start together (no node waits for another), and exclude the single node.
  for (const n of ['kafka-1', 'kafka-2', 'kafka-3']) {
    assert.equal(byName.get(n)!.classpath, 'kafka');
    assert.equal(byName.get(n)!.after, undefined);
    assert.deepEqual(byName.get(n)!.excludes, ['kafka']);
  }
  assert.ok(stackServices(loadConfig({}, {})).find((s) => s.name === 'kafka')!.excludes!.includes('kafka-1'));
  // Sizes are settings; groups name every node.
  const big = loadConfig({ cluster: true, kafkaNodes: 5, cassandraNodes: 4, sparkWorkers: 3 }, {});
  assert.deepEqual(stackServices(big, ['kafka']).map((s) => s.name), ['kafka-1', 'kafka-2', 'kafka-3', 'kafka-4', 'kafka-5']);
  assert.deepEqual(stackServices(big, ['cassandra-4']).map((s) => s.name), ['cassandra-4']);
  assert.equal(stackServices(big, ['spark']).filter((s) => s.name.startsWith('spark-worker-')).length, 3);
});

test('--cluster clients take every broker and contact point', () => {
  const c = localStackClientConfig(cluster());
  assert.deepEqual(c.kafkaBrokers, ['127.0.0.1:9092', '127.0.0.1:9192', '127.0.0.1:9292']);
  assert.deepEqual(c.cassandraHosts, ['127.0.0.1:9042', '127.0.0.2:9042', '127.0.0.3:9042']);
  assert.deepEqual(localStackClientConfig(loadConfig({}, {})).kafkaBrokers, ['127.0.0.1:9092']);
  assert.match(cluster().sparkCheckpointDir, /spark-checkpoints-cluster$/);
});

test('--cluster refuses what it cannot do: ZooKeeper mode, the secure profile', () => {
  assert.throws(() => loadConfig({ cluster: true, kafkaMode: 'zookeeper' }, {}), /--cluster runs Kafka in KRaft mode/);
  assert.throws(() => loadConfig({ cluster: true, secure: true }, {}), /a secure cluster is not built yet/);
});

test('a Kafka node of the cluster: one static quorum of every node, internal topics at RF 3 and min ISR 2, no unclean election', () => {
  const voters = [1, 2, 3].map((id) => ({ id, host: '127.0.0.1', controllerPort: 9093 + 100 * (id - 1) }));
  const props = kafkaServerProperties({ nodeId: 2, logDir: '/d', port: 9192, controllerPort: 9193, host: '127.0.0.1', partitions: 3, voters, replication: clusterReplication(3) });
  const p = new Map(props.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  assert.equal(p.get('node.id'), '2');
  assert.equal(p.get('controller.quorum.voters'), '1@127.0.0.1:9093,2@127.0.0.1:9193,3@127.0.0.1:9293');
  assert.equal(p.get('listeners'), 'PLAINTEXT://127.0.0.1:9192,CONTROLLER://127.0.0.1:9193');
  for (const k of ['offsets.topic.replication.factor', 'transaction.state.log.replication.factor', 'default.replication.factor', 'share.coordinator.state.topic.replication.factor']) assert.equal(p.get(k), '3', k);
  for (const k of ['transaction.state.log.min.isr', 'min.insync.replicas', 'share.coordinator.state.topic.min.isr']) assert.equal(p.get(k), '2', k);
  assert.equal(p.get('unclean.leader.election.enable'), 'false');
  // A paused follower leaves the ISR before a producer waiting on it gives up and sends again.
  assert.ok(Number(p.get('replica.lag.time.max.ms')) <= SILENT_BROKER_MS, p.get('replica.lag.time.max.ms'));
  assert.deepEqual(clusterReplication(1), { factor: 1, minIsr: 1 });
  assert.deepEqual(clusterReplication(2), { factor: 2, minIsr: 2 });
  // The single node is as it was: itself as the quorum, replication 1.
  const single = kafkaServerProperties({ nodeId: 1, logDir: '/d', port: 9092, controllerPort: 9093, host: '127.0.0.1', partitions: 3 });
  assert.match(single, /^controller\.quorum\.voters=1@127\.0\.0\.1:9093$/m);
  assert.match(single, /^offsets\.topic\.replication\.factor=1$/m);
  assert.doesNotMatch(single, /unclean|replica\.lag/);
});

test('a Cassandra node of the ring: all nodes seeds, balanced tokens given up front, no bootstrap, hints on, its own JMX port', () => {
  assert.deepEqual(ringTokens(3), ['-9223372036854775808', '-3074457345618258603', '3074457345618258602']);
  const tokens = ringTokens(3).map(BigInt);
  assert.equal(tokens[1]! - tokens[0]!, tokens[2]! - tokens[1]!, 'equal shares');
  const yaml = cassandraConfigYaml({
    dataDir: '/d', cqlPort: 9042, storagePort: 7000, listenAddress: '127.0.0.2', clusterName: 'userstream',
    ring: { seeds: ['127.0.0.1', '127.0.0.2', '127.0.0.3'], initialToken: ringTokens(3)[1]! },
  });
  assert.match(yaml, /^ {6}- seeds: "127\.0\.0\.1:7000,127\.0\.0\.2:7000,127\.0\.0\.3:7000"$/m);
  assert.match(yaml, /^initial_token: "-3074457345618258603"$/m);
  assert.match(yaml, /^auto_bootstrap: false$/m);
  assert.match(yaml, /^hinted_handoff_enabled: true$/m);
  assert.match(yaml, /^listen_address: 127\.0\.0\.2$/m);
  const alone = cassandraConfigYaml({ dataDir: '/d', cqlPort: 9042, storagePort: 7000, listenAddress: '127.0.0.1', clusterName: 'userstream' });
  assert.match(alone, /^hinted_handoff_enabled: false$/m);
  assert.doesNotMatch(alone, /initial_token|auto_bootstrap/);
  const jvm = cassandraJvmArgs({ heapMb: 1024, configFile: '/c', logbackFile: '/l', dataDir: '/d', jmxPort: 7200, systemAuthRf: 3, ring: true });
  // A ring keeps Cassandra's ring delay: at 1 s gossip dropped a node starting beside it as a fat client.
  assert.equal(jvm.some((a) => a.startsWith('-Dcassandra.ring_delay_ms')), false);
  assert.ok(cassandraJvmArgs({ heapMb: 1024, configFile: '/c', logbackFile: '/l', dataDir: '/d' }).includes('-Dcassandra.ring_delay_ms=1000'), 'a node alone starts without one');
  assert.ok(jvm.includes('-Dcassandra.jmx.local.port=7200'));
  assert.ok(jvm.includes('-Dcassandra.system_auth.default_rf=3'));
});

test('the Connect server on several workers: one executor on each, and queries wait for all of them', () => {
  const t = { host: '127.0.0.1', bind: '127.0.0.1', masterHost: '127.0.0.1', masterPort: 7077, masterUiPort: 9090, workerUiPort: 8081, connectPort: 15002 };
  const conf = connectConf(t, { executorMemoryMb: 1024, cores: 2, warehouseDir: '/w', localDir: '/l', executorLog4jFile: '/x', workers: { count: 2, cores: 1 } });
  assert.equal(conf['spark.executor.cores'], 1);
  assert.equal(conf['spark.cores.max'], 2);
  assert.equal(conf['spark.scheduler.minRegisteredResourcesRatio'], '1.0');
  const one = connectConf(t, { executorMemoryMb: 1024, cores: 2, warehouseDir: '/w', localDir: '/l', executorLog4jFile: '/x', workers: { count: 1, cores: 2 } });
  assert.equal(one['spark.executor.cores'], undefined);
});

test('the executors start with the Cassandra driver settings the connector has no option for, each -D quoted once', () => {
  const t = { host: '127.0.0.1', bind: '127.0.0.1', masterHost: '127.0.0.1', masterPort: 7077, masterUiPort: 9090, workerUiPort: 8081, connectPort: 15002 };
  const options = String(connectConf(t, { executorMemoryMb: 1024, cores: 2, warehouseDir: '/w', localDir: '/l', executorLog4jFile: '/x y', workers: { count: 2, cores: 1 } })['spark.executor.extraJavaOptions']);
  assert.match(options, /^'-Dlog4j\.configurationFile=file:\/x y' /);
  assert.match(options, / '-Ddatastax-java-driver\.advanced\.speculative-execution-policy\.class=ConstantSpeculativeExecutionPolicy' /);
  assert.match(options, / '-Ddatastax-java-driver\.basic\.request\.default-idempotence=true' /);
  assert.match(options, / '-Ddatastax-java-driver\.advanced\.prepared-statements\.prepare-on-all-nodes=false' /);
  // A quote inside a value closes the quoting, is escaped, and opens it again (Spark splits the value like a shell).
  assert.equal(javaOptions({ a: "it's", b: '1 s' }), `'-Da=it'\\''s' '-Db=1 s'`);
});

test("status's Spark workers: a dead worker another took the place of is left out, one nothing replaced is shown down", () => {
  const w = (id: string, port: number, ui: number, state: string) => ({ id, host: '127.0.0.1', port, webuiaddress: `http://127.0.0.1:${ui}`, state, cores: 1, coresused: state === 'ALIVE' ? 1 : 0 });
  const listed = [
    w('worker-20261201-a', 40001, 8081, 'DEAD'), // spark-worker-1 killed...
    w('worker-20261201-c', 40003, 8081, 'ALIVE'), // ...and started again
    w('worker-20261201-b', 40002, 8082, 'DEAD'), // spark-worker-2 killed, still down
  ];
  assert.deepEqual(currentWorkers(listed).map((x) => [x.id, x.state]), [['worker-20261201-c', 'ALIVE'], ['worker-20261201-b', 'DEAD']]);
  assert.deepEqual(currentWorkers([]), []);
});

test('a KRaft cluster id never starts with "-", which kafka-storage would read as an option', () => {
  // 0xf8 in the first byte encodes as '-' (62) in base64url: the first draw
  // must be refused and the second taken.
  const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0x10)];
  let n = 0;
  const id = randomClusterId(() => draws[n++]!);
  assert.equal(Buffer.alloc(16, 0xf8).toString('base64url')[0], '-');
  assert.equal(n, 2);
  assert.equal(id, draws[1]!.toString('base64url'));
  for (let i = 0; i < 2000; i++) {
    const random = randomClusterId();
    assert.match(random, /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  }
  const args = kafkaFormatCommand({ configFile: '/c/server.properties', clusterId: id }).args;
  assert.equal(args[args.indexOf('--cluster-id') + 1], id);
});
