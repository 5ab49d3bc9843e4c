import assert from 'node:assert/strict';
import { test } from 'node:test';
import { airflowHealthUrl } from '../../../src/airflow/client.ts';
import { masterJsonUrl } from '../../../src/cluster/health.ts';
import { loadConfig } from '../../../src/config/load.ts';
import {
  LOOPBACK, airflowStackUrl, cassandraNodeAddress, cassandraStackHosts, httpBase, kafkaNodeAddress, kafkaNodePorts, kafkaSecureStackBroker,
  kafkaStackBrokers, postgresStackAddress, registryStackUrl, ringAddress, sparkConnectStackUrl, sparkMasterUiUrl,
} from '../../../src/config/stack-addresses.ts';

const single = () => loadConfig({}, {});
const cluster = (flags: Record<string, unknown> = {}) => loadConfig({ cluster: true, ...flags }, {});

test('the local stack listens on loopback; node i of a ring on 127.0.0.i', () => {
  assert.equal(LOOPBACK, '127.0.0.1');
  assert.equal(ringAddress({}, 1), LOOPBACK);
  assert.equal(ringAddress({}, 3), '127.0.0.3');
});

test('Kafka: the single node, and a cluster\'s nodes 100 ports apart', () => {
  const c = single();
  assert.deepEqual(kafkaStackBrokers(c), ['127.0.0.1:9092']);
  assert.equal(kafkaNodeAddress(c), '127.0.0.1:9092');
  assert.deepEqual(kafkaNodePorts(c, 1), { port: 9092, controllerPort: 9093, securePort: 9094 });
  assert.deepEqual(kafkaNodePorts(c, 3), { port: 9292, controllerPort: 9293, securePort: 9294 });
  assert.deepEqual(kafkaStackBrokers(cluster()), ['127.0.0.1:9092', '127.0.0.1:9192', '127.0.0.1:9292']);
  assert.deepEqual(kafkaStackBrokers(cluster({ kafkaNodes: 5, kafkaPort: 19092 })), ['127.0.0.1:19092', '127.0.0.1:19192', '127.0.0.1:19292', '127.0.0.1:19392', '127.0.0.1:19492']);
  assert.equal(kafkaNodeAddress(cluster(), 2), '127.0.0.1:9192');
  // With no --cluster said, one node, whatever --kafka-nodes says.
  assert.deepEqual(kafkaStackBrokers({ kafkaPort: 9092, kafkaNodes: 5 }), ['127.0.0.1:9092']);
  assert.equal(kafkaSecureStackBroker(c), '127.0.0.1:9094');
  assert.equal(kafkaSecureStackBroker(loadConfig({ kafkaSecurePort: 19094 }, {})), '127.0.0.1:19094');
});

test('Cassandra: the single node, and a ring\'s nodes on 127.0.0.i, one port', () => {
  const c = single();
  assert.deepEqual(cassandraStackHosts(c), ['127.0.0.1:9042']);
  assert.equal(cassandraNodeAddress(c), '127.0.0.1:9042');
  assert.deepEqual(cassandraStackHosts(cluster()), ['127.0.0.1:9042', '127.0.0.2:9042', '127.0.0.3:9042']);
  assert.deepEqual(cassandraStackHosts(cluster({ cassandraNodes: 4, cassandraPort: 19042 })), ['127.0.0.1:19042', '127.0.0.2:19042', '127.0.0.3:19042', '127.0.0.4:19042']);
  assert.equal(cassandraNodeAddress(cluster(), 2), '127.0.0.2:9042');
  assert.deepEqual(cassandraStackHosts({ cassandraPort: 9042, cassandraNodes: 4 }), ['127.0.0.1:9042']);
});

test('a cluster on a container network: each node by its compose name, on the same ports', () => {
  const node2 = loadConfig({ cluster: true }, { USERSTREAM_STACK_HOST: 'kafka-2', USERSTREAM_KAFKA_PORT: '29092' });
  assert.deepEqual(kafkaNodePorts(node2, 3), { port: 29092, controllerPort: 9093, securePort: 9094 }, 'each container has its own ports');
  assert.equal(kafkaNodeAddress(node2, 3), 'kafka-3:29092');
  assert.equal(kafkaNodeAddress(node2), 'kafka:29092', 'no node named: the single broker (every node answers to kafka too)');
  assert.deepEqual(kafkaStackBrokers(node2), ['kafka-1:29092', 'kafka-2:29092', 'kafka-3:29092']);
  const ring = loadConfig({ cluster: true }, { USERSTREAM_STACK_HOST: 'cassandra-1' });
  assert.equal(ringAddress(ring, 2), 'cassandra-2');
  assert.deepEqual(cassandraStackHosts(ring), ['cassandra-1:9042', 'cassandra-2:9042', 'cassandra-3:9042']);
  assert.equal(cassandraNodeAddress(ring), '127.0.0.1:9042', 'the single node is asked in its own container');
});

test('the one-per-stack services: the same address with and without --cluster', () => {
  for (const c of [single(), cluster()]) {
    assert.equal(sparkMasterUiUrl(c), 'http://127.0.0.1:9090');
    assert.equal(masterJsonUrl(sparkMasterUiUrl(c)), 'http://127.0.0.1:9090/json/');
    assert.equal(sparkConnectStackUrl(c), 'sc://127.0.0.1:15002');
    assert.equal(registryStackUrl(c), 'http://127.0.0.1:8085/apis/ccompat/v7');
    assert.equal(airflowStackUrl(c), 'http://127.0.0.1:8080');
    assert.equal(airflowHealthUrl(airflowStackUrl(c)), 'http://127.0.0.1:8080/api/v2/monitor/health');
    assert.equal(postgresStackAddress(c), '127.0.0.1:5432');
  }
  const moved = loadConfig({ sparkMasterUiPort: 19090, sparkConnectPort: 16002, registryPort: 18085, airflowPort: 18080, postgresPort: 15432 }, {});
  assert.equal(sparkMasterUiUrl(moved), 'http://127.0.0.1:19090');
  assert.equal(sparkConnectStackUrl(moved), 'sc://127.0.0.1:16002');
  assert.equal(registryStackUrl(moved), 'http://127.0.0.1:18085/apis/ccompat/v7');
  assert.equal(airflowStackUrl(moved), 'http://127.0.0.1:18080');
  assert.equal(postgresStackAddress(moved), '127.0.0.1:15432');
});

test('the config\'s derived defaults are the builders\' addresses, single node and cluster', () => {
  for (const c of [single(), cluster(), loadConfig({ airflowPort: 18080, registryPort: 18085 }, {})]) {
    assert.equal(c.airflowUrl, airflowStackUrl(c));
    assert.equal(c.schemaRegistryUrl, registryStackUrl(c));
  }
  const c = cluster({ kafkaNodes: 4, cassandraNodes: 5 });
  assert.deepEqual(c.kafkaBrokers, kafkaStackBrokers(c));
  assert.deepEqual(c.cassandraHosts, cassandraStackHosts(c));
  // The option table's literal default stays, and is the stack's Spark Connect server.
  assert.equal(single().sparkConnectUrl, sparkConnectStackUrl(single()));
});

test('httpBase: an IPv6 host in brackets', () => {
  assert.equal(httpBase('127.0.0.1', 8050), 'http://127.0.0.1:8050');
  assert.equal(httpBase('example.org', 80), 'http://example.org:80');
  assert.equal(httpBase('::1', 8000), 'http://[::1]:8000');
});
