import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../../src/config/load.ts';
import { peerHost, serviceHost, sparkMasterUiUrl } from '../../../src/config/stack-addresses.ts';
import { cassandraConfigYaml, cassandraLogbackXml } from '../../../src/stack/cassandra-recipe.ts';
import { kafkaLog4jConfig, kafkaServerProperties, kafkaZookeeperModeProperties } from '../../../src/stack/kafka-recipe.ts';
import { kafkaServices } from '../../../src/stack/kafka.ts';
import { airflowEnv } from '../../../src/stack/airflow.ts';
import { NETWORK_HBA_LINE, postgresService } from '../../../src/stack/postgres.ts';
import { registryProperties, registryService } from '../../../src/stack/registry.ts';
import type { PrepareContext } from '../../../src/stack/service.ts';
import { connectConf, sparkLog4jConfig, workerArgs } from '../../../src/stack/spark-recipe.ts';
import { stackPaths } from '../../../src/stack/paths.ts';
import { ownLogFile, serviceLogTails } from '../../../src/stack/log-config.ts';
import { zookeeperLog4jConfig } from '../../../src/stack/zookeeper-recipe.ts';

const line = (text: string, key: string) => text.split('\n').find((l) => l.startsWith(`${key}=`) || l.startsWith(`${key}:`));

test('as local processes the services listen on loopback; in a container (--stack-host) on every address, known by its name', () => {
  assert.deepEqual(serviceHost(loadConfig({}, {})), { bind: '127.0.0.1', advertised: '127.0.0.1' });
  assert.deepEqual(serviceHost(loadConfig({}, { USERSTREAM_STACK_HOST: 'kafka' })), { bind: '0.0.0.0', advertised: 'kafka' });
  assert.equal(peerHost(loadConfig({}, {}), 'zookeeper'), '127.0.0.1');
  assert.equal(peerHost(loadConfig({}, { USERSTREAM_STACK_HOST: 'kafka' }), 'zookeeper'), 'zookeeper', 'another container is reached by its compose name');
  assert.throws(() => loadConfig({}, { USERSTREAM_STACK_HOST: 'not a name' }), /USERSTREAM_STACK_HOST "not a name": expected a host name/);
});

test('a broker in a container binds every address, advertises its name, and a HOST listener for the published port', () => {
  const props = kafkaServerProperties({
    nodeId: 1, logDir: '/d', port: 29092, controllerPort: 9093, host: 'kafka', bind: '0.0.0.0', partitions: 3, external: { port: 9092, advertised: '127.0.0.1:9092' },
  });
  assert.equal(line(props, 'listeners'), 'listeners=PLAINTEXT://0.0.0.0:29092,CONTROLLER://0.0.0.0:9093,HOST://0.0.0.0:9092');
  assert.equal(line(props, 'advertised.listeners'), 'advertised.listeners=PLAINTEXT://kafka:29092,HOST://127.0.0.1:9092');
  assert.equal(line(props, 'listener.security.protocol.map'), 'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,HOST:PLAINTEXT');
  assert.equal(line(props, 'controller.quorum.voters'), 'controller.quorum.voters=1@kafka:9093', 'the quorum by name, not the bind address');
  assert.equal(line(props, 'inter.broker.listener.name'), 'inter.broker.listener.name=PLAINTEXT');
  // As a local process: one address for all, no HOST listener.
  const local = kafkaServerProperties({ nodeId: 1, logDir: '/d', port: 9092, controllerPort: 9093, host: '127.0.0.1', partitions: 3 });
  assert.equal(line(local, 'listeners'), 'listeners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093');
  assert.equal(line(local, 'advertised.listeners'), 'advertised.listeners=PLAINTEXT://127.0.0.1:9092');
  const zk = kafkaZookeeperModeProperties({ brokerId: 1, logDir: '/d', port: 29092, host: 'kafka', bind: '0.0.0.0', partitions: 3, zookeeperConnect: 'zookeeper:2181' });
  assert.equal(line(zk, 'listeners'), 'listeners=PLAINTEXT://0.0.0.0:29092');
  assert.equal(line(zk, 'advertised.listeners'), 'advertised.listeners=PLAINTEXT://kafka:29092');
});

test('the broker service in a container checks the HOST listener\'s port too, only when it has one', () => {
  const ports = (env: NodeJS.ProcessEnv) => kafkaServices(loadConfig({}, env))[0]!.ports.map((p) => p.port);
  assert.deepEqual(ports({}), [9092, 9093]);
  assert.deepEqual(ports({ USERSTREAM_STACK_HOST: 'kafka', USERSTREAM_KAFKA_PORT: '29092' }), [29092, 9093]);
  assert.deepEqual(ports({ USERSTREAM_STACK_HOST: 'kafka', USERSTREAM_KAFKA_PORT: '29092', USERSTREAM_KAFKA_HOST_ADDRESS: '127.0.0.1:9092', USERSTREAM_KAFKA_HOST_PORT: '9092' }), [29092, 9093, 9092]);
});

test('Cassandra in a container: CQL on every address, drivers and gossip told its name', () => {
  const yaml = cassandraConfigYaml({ dataDir: '/d', cqlPort: 9042, storagePort: 7000, listenAddress: 'cassandra', clusterName: 'u', cqlOnEveryAddress: true });
  assert.equal(line(yaml, 'listen_address'), 'listen_address: cassandra');
  assert.equal(line(yaml, 'rpc_address'), 'rpc_address: 0.0.0.0');
  assert.equal(line(yaml, 'broadcast_rpc_address'), 'broadcast_rpc_address: cassandra');
  const local = cassandraConfigYaml({ dataDir: '/d', cqlPort: 9042, storagePort: 7000, listenAddress: '127.0.0.1', clusterName: 'u' });
  assert.equal(line(local, 'rpc_address'), 'rpc_address: 127.0.0.1');
  assert.equal(line(local, 'broadcast_rpc_address'), undefined);
});

test('Spark in containers: each process known by its name, the workers and the driver find the master by its name', () => {
  const t = { host: 'spark-connect', bind: '0.0.0.0', masterHost: 'spark-master', masterPort: 7077, masterUiPort: 9090, workerUiPort: 8081, connectPort: 15002 };
  const conf = connectConf(t, { executorMemoryMb: 1024, cores: 2, warehouseDir: '/w', localDir: '/l', executorLog4jFile: '/x' });
  assert.equal(conf['spark.master'], 'spark://spark-master:7077');
  assert.equal(conf['spark.driver.host'], 'spark-connect', 'executors call the driver back by its name');
  assert.equal(conf['spark.driver.bindAddress'], '0.0.0.0');
  const worker = workerArgs({ ...t, host: 'spark-worker' }, { cores: 2, memoryMb: 1024, workDir: '/w', uiPort: 8081 });
  assert.deepEqual([worker[1], worker.at(-1)], ['spark-worker', 'spark://spark-master:7077']);
  assert.equal(sparkMasterUiUrl(loadConfig({}, { USERSTREAM_STACK_HOST: 'spark-worker' })), 'http://spark-master:9090');
  assert.equal(sparkMasterUiUrl(loadConfig({}, {})), 'http://127.0.0.1:9090');
});

test('PostgreSQL on a container network needs the password the other containers log in with', async () => {
  const service = postgresService(loadConfig({}, { USERSTREAM_STACK_HOST: 'postgres' }));
  await assert.rejects(service.prepare({} as PrepareContext), /USERSTREAM_POSTGRES_PASSWORD/);
  assert.equal(NETWORK_HBA_LINE, 'host all all all scram-sha-256');
});

test('Airflow in a container: the database, Kafka and its API server by their names, the database password, the UI address left to Airflow', () => {
  const config = loadConfig({}, { USERSTREAM_STACK_HOST: 'airflow-scheduler', USERSTREAM_POSTGRES_PASSWORD: 'p@ss', USERSTREAM_KAFKA_PORT: '29092' });
  const env = airflowEnv(config, { venv: '/v', home: mkdtempSync(join(tmpdir(), 'airflow-home-')) });
  assert.equal(env.AIRFLOW__DATABASE__SQL_ALCHEMY_CONN, 'postgresql+psycopg2://postgres:p%40ss@postgres:5432/airflow');
  assert.equal(env.AIRFLOW__CORE__EXECUTION_API_SERVER_URL, 'http://airflow-api:8080/execution/');
  assert.equal(env.AIRFLOW__API__HOST, '0.0.0.0');
  assert.equal(env.AIRFLOW__API__BASE_URL, undefined);
  assert.equal(env.USERSTREAM_KAFKA_BROKERS, 'kafka:29092');
  const local = airflowEnv(loadConfig({}, {}), { venv: '/v', home: mkdtempSync(join(tmpdir(), 'airflow-home-')) });
  assert.equal(local.AIRFLOW__DATABASE__SQL_ALCHEMY_CONN, 'postgresql+psycopg2://postgres@127.0.0.1:5432/airflow');
  assert.equal(local.AIRFLOW__API__BASE_URL, 'http://127.0.0.1:8080');
  assert.equal(local.USERSTREAM_KAFKA_BROKERS, '127.0.0.1:9092');
});

test('the Schema Registry in a container: its API on every address, PostgreSQL by name, the password in its environment, never on its command line', () => {
  const config = loadConfig({}, { USERSTREAM_STACK_HOST: 'schema-registry', USERSTREAM_POSTGRES_PASSWORD: 'secret' });
  const props = registryProperties(config);
  assert.ok(props.includes('-Dquarkus.http.host=0.0.0.0'));
  assert.ok(props.includes('-Dquarkus.management.host=127.0.0.1'), 'health checks stay on loopback');
  assert.ok(props.includes('-Dapicurio.datasource.url=jdbc:postgresql://postgres:5432/apicurio_registry'));
  assert.equal(props.some((p) => p.includes('secret')), false);
  assert.deepEqual(registryService(config).env?.({} as PrepareContext), { APICURIO_DATASOURCE_PASSWORD: 'secret' });
  const local = registryProperties(loadConfig({}, {}));
  assert.ok(local.includes('-Dquarkus.http.host=127.0.0.1'));
  assert.ok(local.includes('-Dapicurio.datasource.url=jdbc:postgresql://127.0.0.1:5432/apicurio_registry'));
});

test("a JVM service's own log: a rolling file when up runs it, the console in a container (so docker compose logs shows it)", () => {
  for (const config of [kafkaLog4jConfig, zookeeperLog4jConfig, sparkLog4jConfig]) {
    const file = config('/data/x/server.log');
    assert.match(file, /^appender\.out\.type = RollingFile$/m);
    assert.match(file, /^appender\.out\.fileName = \/data\/x\/server\.log$/m);
    assert.match(file, /^rootLogger\.appenderRef\.out\.ref = OUT$/m);
    const console = config(undefined);
    assert.match(console, /^appender\.out\.type = Console$/m);
    assert.match(console, /^appender\.out\.target = SYSTEM_OUT$/m);
    assert.doesNotMatch(console, /fileName/);
  }
  assert.match(cassandraLogbackXml('/data/c/system.log'), /<appender name="OUT" class="ch\.qos\.logback\.core\.rolling\.RollingFileAppender">\s*<file>\/data\/c\/system\.log<\/file>/);
  const consoleXml = cassandraLogbackXml(undefined);
  assert.match(consoleXml, /<appender name="OUT" class="ch\.qos\.logback\.core\.ConsoleAppender">/);
  assert.match(consoleXml, /<appender-ref ref="OUT"\/>/, 'the async appender wraps the console one');
});

test('a start failure shows the end of the service\'s own log, and of its output when that holds anything', () => {
  const paths = stackPaths(mkdtempSync(join(tmpdir(), 'us-logs-')));
  const kafka = kafkaServices(loadConfig({}, { USERSTREAM_STACK_HOME: paths.home }))[0]!;
  assert.equal(ownLogFile(kafka, paths), join(paths.data('kafka'), 'server.log'));
  assert.equal(serviceLogTails(kafka, paths), '', 'no log at all: nothing to show');
  mkdirSync(paths.data('kafka'), { recursive: true });
  mkdirSync(dirname(paths.log('kafka')), { recursive: true });
  writeFileSync(paths.log('kafka'), '');
  writeFileSync(join(paths.data('kafka'), 'server.log'), 'one\nERROR the reason\n');
  assert.equal(serviceLogTails(kafka, paths), `== ${join(paths.data('kafka'), 'server.log')}\none\nERROR the reason\n`, 'an empty output is left out');
  writeFileSync(paths.log('kafka'), 'Error: Could not find or load main class\n');
  assert.match(serviceLogTails(kafka, paths), /^== .*logs\/kafka\.log\nError: Could not find or load main class\n\n== .*server\.log\n/);
});
