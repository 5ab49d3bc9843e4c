import { test } from 'node:test';
import { RECORDS, runFaultScenario } from './scenario.ts';

test(`spark engine: ${RECORDS.toLocaleString('en')} records through API faults, kill -9 of the engine's client, the Spark Connect server, Kafka and Cassandra, a producer SIGTERM and bad messages: none lost, none changed`, { timeout: 20 * 60_000 }, (t) =>
  runFaultScenario(t, 'spark'));
