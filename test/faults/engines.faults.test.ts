import { test } from 'node:test';
import { RECORDS, runFaultScenario } from './scenario.ts';

test(`node and Spark engines side by side: ${RECORDS.toLocaleString('en')} records through API faults, kill -9 of both engines, the Spark Connect server, Kafka and Cassandra, a producer SIGTERM and bad messages: none lost, none changed in either`, { timeout: 20 * 60_000 }, (t) =>
  runFaultScenario(t));
