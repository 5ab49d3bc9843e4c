import { test } from 'node:test';
import { RECORDS, runFaultScenario } from './scenario.ts';

test(`node engine: ${RECORDS.toLocaleString('en')} records through API faults, kill -9 of the engine, Kafka and Cassandra, a producer SIGTERM and bad messages: none lost, none changed`, { timeout: 15 * 60_000 }, (t) =>
  runFaultScenario(t, 'node'));
