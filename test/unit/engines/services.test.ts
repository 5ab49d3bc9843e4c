import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ENGINES } from '../../../src/engines/index.ts';
import { engineServices, ingestServices } from '../../../src/engines/services.ts';
import { HEALTH_TARGETS } from '../../../src/health.ts';
import { SERVICE_GROUPS, SERVICE_NAMES } from '../../../src/stack/index.ts';

test('the node engine needs Kafka and Cassandra; the Spark engine Spark too', () => {
  assert.deepEqual(engineServices('node'), ['kafka', 'cassandra']);
  assert.deepEqual(engineServices('spark'), ['kafka', 'cassandra', 'spark']);
});

test('several engines need the union, in start order, each once; none needs Kafka and Cassandra', () => {
  assert.deepEqual(engineServices('node', 'spark'), ['kafka', 'cassandra', 'spark']);
  assert.deepEqual(engineServices('spark', 'node', 'spark'), ['kafka', 'cassandra', 'spark']);
  assert.deepEqual(engineServices('node', 'node'), ['kafka', 'cassandra']);
  assert.deepEqual(engineServices(), ['kafka', 'cassandra']);
});

test('every service an engine needs is something the stack starts and the dashboard can check', () => {
  for (const engine of ENGINES) {
    for (const s of engineServices(engine)) {
      assert.ok((SERVICE_NAMES as readonly string[]).includes(s) || s in SERVICE_GROUPS, `${s} is a stack service or group`);
      assert.ok((HEALTH_TARGETS as readonly string[]).includes(s), `${s} is a health target`);
    }
  }
});

test('the ingest needs the Schema Registry when one is configured, nothing more otherwise; it is a stack service', () => {
  assert.deepEqual(ingestServices('http://127.0.0.1:8085/apis/ccompat/v7'), ['registry']);
  assert.deepEqual(ingestServices(undefined), []);
  assert.ok((SERVICE_NAMES as readonly string[]).includes('registry'));
});
