import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../../src/config/load.ts';
import { UserstreamError } from '../../../src/errors.ts';
import { stackServices } from '../../../src/stack/index.ts';
import { kafkaServerProperties, kafkaZookeeperModeProperties } from '../../../src/stack/kafka-recipe.ts';
import { fourLetterWord } from '../../../src/stack/zookeeper.ts';
import { brokerStillRegistered, isHealthyAnswer, zookeeperArtifacts, zookeeperConfig } from '../../../src/stack/zookeeper-recipe.ts';

function props(text: string): Map<string, string> {
  return new Map(
    text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => {
      const i = l.indexOf('=');
      return [l.slice(0, i), l.slice(i + 1)] as [string, string];
    }),
  );
}

test('KRaft is the default: no ZooKeeper in the stack, Kafka 4', () => {
  const services = stackServices(loadConfig({}, {}));
  assert.equal(services.some((s) => s.name === 'zookeeper'), false);
  const kafka = services.find((s) => s.name === 'kafka')!;
  assert.equal(kafka.version, '4.1.1');
  assert.deepEqual(kafka.after ?? [], []);
});

test('ZooKeeper mode: Kafka 3.9 waits for a ZooKeeper that starts first and is brought along', () => {
  const config = loadConfig({ kafkaMode: 'zookeeper' }, {});
  const services = stackServices(config, ['kafka']);
  assert.deepEqual(services.map((s) => s.name), ['zookeeper', 'kafka']);
  const [zk, kafka] = services;
  assert.equal(zk!.version, '3.9.5');
  assert.equal(kafka!.version, '3.9.2');
  assert.deepEqual(kafka!.after, ['zookeeper']);
  assert.deepEqual(kafka!.ports.map((p) => p.port), [9092], 'no controller port without KRaft');
  assert.deepEqual(zk!.ports.map((p) => p.port), [2181]);
});

test('down and status see a ZooKeeper left from the other mode', () => {
  const names = stackServices(loadConfig({}, {}), [], { everyMode: true, withDependencies: false }).map((s) => s.name);
  assert.ok(names.includes('zookeeper'));
});

test('Kafka 4 cannot be asked for in ZooKeeper mode', () => {
  assert.throws(() => loadConfig({ kafkaZookeeperVersion: '4.1.1' }, {}), (e: unknown) => e instanceof UserstreamError && /Kafka 4 has no ZooKeeper mode/.test(e.message));
  assert.throws(() => loadConfig({}, { USERSTREAM_KAFKA_MODE: 'zk' }), UserstreamError);
});

test('ZooKeeper-mode broker: ZooKeeper connect string, a broker id, no KRaft settings', () => {
  const p = props(kafkaZookeeperModeProperties({ brokerId: 1, logDir: '/d', port: 9092, host: '127.0.0.1', partitions: 3, zookeeperConnect: '127.0.0.1:2181' }));
  assert.equal(p.get('zookeeper.connect'), '127.0.0.1:2181');
  assert.equal(p.get('broker.id'), '1');
  assert.equal(p.get('listeners'), 'PLAINTEXT://127.0.0.1:9092');
  assert.equal(p.get('offsets.topic.replication.factor'), '1');
  for (const k of ['process.roles', 'node.id', 'controller.quorum.voters', 'controller.listener.names']) assert.equal(p.has(k), false, k);
  const kraft = props(kafkaServerProperties({ nodeId: 1, logDir: '/d', port: 9092, controllerPort: 9093, host: '127.0.0.1', partitions: 3 }));
  assert.equal(kraft.has('zookeeper.connect'), false);
});

test('zoo.cfg: loopback only, admin server off (port 8080 is Airflow\'s), health commands allowed', () => {
  const p = props(zookeeperConfig({ dataDir: '/z', host: '127.0.0.1', port: 2181 }));
  assert.equal(p.get('clientPortAddress'), '127.0.0.1');
  assert.equal(p.get('clientPort'), '2181');
  assert.equal(p.get('admin.enableServer'), 'false');
  assert.equal(p.get('dataDir'), '/z');
  assert.deepEqual(p.get('4lw.commands.whitelist')!.split(','), ['ruok', 'srvr', 'mntr', 'dump']);
  assert.ok(zookeeperArtifacts('3.9.5').includes('org.apache.zookeeper:zookeeper:3.9.5'));
});

test('the probe tells a serving ZooKeeper from one that is not', () => {
  assert.equal(isHealthyAnswer('srvr', 'Zookeeper version: 3.9.5\nLatency min/avg/max: 0/0.0/0\nMode: standalone\nNode count: 5\n'), true);
  assert.equal(isHealthyAnswer('srvr', 'This ZooKeeper instance is not currently serving requests\n'), false);
  assert.equal(isHealthyAnswer('srvr', ''), false);
  assert.equal(isHealthyAnswer('ruok', 'imok'), true);
  assert.equal(isHealthyAnswer('ruok', ''), false);
});

test('fourLetterWord sends the command and reads the whole answer; a closed port answers nothing', async (t) => {
  const server = createServer((socket) => {
    socket.once('data', (d) => socket.end(d.toString() === 'srvr' ? 'Mode: standalone\n' : 'unknown\n'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const port = (server.address() as AddressInfo).port;
  assert.equal(await fourLetterWord('127.0.0.1', port, 'srvr'), 'Mode: standalone\n');
  server.close();
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(await fourLetterWord('127.0.0.1', port, 'srvr', 500), '');
});

test('a stale broker registration is seen in the dump answer, for that broker id only', () => {
  const dump = 'SessionTracker dump:\nGlobal Sessions(1):\n0x100000c43630000\t18000ms\nephemeral nodes dump:\nSessions with Ephemerals (1):\n0x100000c43630000:\n\t/controller\n\t/brokers/ids/1\nConnections dump:\n';
  assert.equal(brokerStillRegistered(dump, 1), true);
  assert.equal(brokerStillRegistered(dump, 11), false);
  assert.equal(brokerStillRegistered(dump.replace('/brokers/ids/1', ''), 1), false);
});

test('in ZooKeeper mode, down and status still see the nodes a cluster left running', (t) => {
  const home = mkdtempSync(join(tmpdir(), 'us-zk-cluster-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  mkdirSync(join(home, 'run'), { recursive: true });
  for (const n of ['kafka-1', 'kafka-2', 'kafka-3', 'cassandra-1']) writeFileSync(join(home, 'run', `${n}.json`), '{}');
  const names = stackServices(loadConfig({ kafkaMode: 'zookeeper', stackHome: home }, {}), [], { everyMode: true, withDependencies: false }).map((s) => s.name);
  for (const n of ['kafka', 'zookeeper', 'kafka-1', 'kafka-2', 'kafka-3', 'cassandra-1']) assert.ok(names.includes(n), `${n} in ${names.join(', ')}`);
});
