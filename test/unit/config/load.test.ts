import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configReference, loadConfig } from '../../../src/config/load.ts';
import { envName, flagName, optionSpecs } from '../../../src/config/options.ts';
import { UserstreamError } from '../../../src/errors.ts';

test('defaults give the original topology', () => {
  const c = loadConfig({}, {});
  assert.deepEqual(c.kafkaBrokers, ['localhost:9092']);
  assert.equal(c.topic, 'users_created');
  assert.equal(c.dlqTopic, 'users_created.dlq');
  assert.equal(c.keyspace, 'spark_streams');
  assert.equal(c.table, 'created_users');
  assert.equal(c.duration, 60);
  assert.equal(c.partitions, 3);
  assert.equal(c.count, undefined);
});

test('flags beat environment, environment beats defaults', () => {
  const env = { USERSTREAM_TOPIC: 'from_env', USERSTREAM_PARTITIONS: '6' };
  const c = loadConfig({ topic: 'from_flag' }, env);
  assert.equal(c.topic, 'from_flag');
  assert.equal(c.partitions, 6);
});

test('lists are split and trimmed', () => {
  const c = loadConfig({ kafkaBrokers: 'a:1, b:2' }, {});
  assert.deepEqual(c.kafkaBrokers, ['a:1', 'b:2']);
});

test('a bad value names where it came from', () => {
  assert.throws(() => loadConfig({ partitions: 'three' }, {}), (e: unknown) => e instanceof UserstreamError && /--partitions "three"/.test(e.message));
  assert.throws(() => loadConfig({}, { USERSTREAM_KAFKA_BROKERS: 'nohost' }), (e: unknown) => e instanceof UserstreamError && /USERSTREAM_KAFKA_BROKERS/.test(e.message) && /host:port/.test(e.message));
  assert.throws(() => loadConfig({ batchSize: '5001' }, {}), /--batch-size/);
  assert.throws(() => loadConfig({ source: 'ftp://x' }, {}), /auto, builtin or an http/);
  assert.throws(() => loadConfig({ keyspace: 'drop table;' }, {}), /CQL identifier/);
});

test('names follow one rule and the reference lists every option', () => {
  assert.equal(envName('kafkaBrokers'), 'USERSTREAM_KAFKA_BROKERS');
  assert.equal(flagName('cassandraHeapMb'), '--cassandra-heap-mb');
  const ref = configReference();
  for (const key of Object.keys(optionSpecs)) assert.ok(ref.includes(flagName(key)), key);
});

test('the DLQ follows the topic unless it is set', () => {
  assert.equal(loadConfig({}, {}).dlqTopic, 'users_created.dlq');
  assert.equal(loadConfig({ topic: 'events' }, {}).dlqTopic, 'events.dlq');
  assert.equal(loadConfig({}, { USERSTREAM_TOPIC: 'events' }).dlqTopic, 'events.dlq');
  assert.equal(loadConfig({ topic: 'events', dlqTopic: 'bad_events' }, {}).dlqTopic, 'bad_events');
});

test('the Spark Connect URL follows --spark-connect-port unless it is set', () => {
  assert.equal(loadConfig({}, {}).sparkConnectUrl, 'sc://127.0.0.1:15002');
  assert.equal(loadConfig({ sparkConnectPort: '16002' }, {}).sparkConnectUrl, 'sc://127.0.0.1:16002');
  assert.equal(loadConfig({ sparkConnectPort: '16002' }, { USERSTREAM_SPARK_CONNECT_URL: 'sc://spark:15002' }).sparkConnectUrl, 'sc://spark:15002');
});
