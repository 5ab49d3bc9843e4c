/**
 * Both engines under one fault schedule: one ingest into one topic, and each
 * engine with its own keyspace, consumer group, DLQ topic and Spark
 * checkpoint, so each is reconciled on its own. Running them side by side
 * halves the suite's time and puts both through exactly the same faults.
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { Admin } from '@platformatic/kafka';
import type { Config } from '../../src/config/options.ts';
import { engineCommitted } from '../../src/engines/committed.ts';
import { endOffsets, ensureTopics, offsetTotal } from '../../src/kafka/admin.ts';
import { partitionStates, totalLag } from '../../src/kafka/lag.ts';
import { baseKafkaOptions } from '../../src/kafka/client-options.ts';
import { type CliRun, cliTarget, startCli } from '../support/cli.ts';
import { readWholeTopic, testConfig } from '../support/stack.ts';
import type { BadMessage } from './support.ts';

export const ENGINES = ['node', 'spark'] as const;
export type EngineName = (typeof ENGINES)[number];

export interface EnginePair {
  /** The ingest's target: the shared topic. */
  topic: Config;
  engines: Record<EngineName, Config>;
}

/** A topic of the test's own, and for each engine a keyspace, group and DLQ of its own reading it. */
export async function enginePair(t: TestContext, overrides: Partial<Config> = {}): Promise<EnginePair> {
  const node = testConfig(t, overrides);
  const spark = { ...testConfig(t, overrides), topic: node.topic };
  await ensureTopics(node, [
    { name: node.topic, partitions: node.partitions },
    { name: node.dlqTopic, partitions: 1 },
    { name: spark.dlqTopic, partitions: 1 },
  ]);
  return { topic: node, engines: { node, spark } };
}

export function startEngine(engine: EngineName, config: Config): CliRun {
  return startCli(['stream', '--engine', engine, ...cliTarget(config)]);
}

/**
 * Where the engine has committed up to, per partition
 * (src/engines/committed.ts: the group's offsets, or the slower of the
 * Spark queries' checkpoints; empty when it has committed nothing);
 * undefined when that is not known yet (no Spark checkpoint folder) or the
 * admin request fails, so a wait tries again.
 */
export async function committedBy(engine: EngineName, config: Config): Promise<Map<number, bigint> | undefined> {
  const admin = engine === 'node' ? new Admin({ ...baseKafkaOptions(config, 'it-committed'), retries: 0, timeout: 3000 }) : undefined;
  try {
    return await engineCommitted(engine, config, admin);
  } catch {
    return undefined;
  } finally {
    await admin?.close().catch(() => {});
  }
}

/** Messages the engine has committed (written to Cassandra or dead-lettered), in all. */
export async function landed(engine: EngineName, config: Config): Promise<number | undefined> {
  const done = await committedBy(engine, config);
  return done === undefined ? undefined : offsetTotal(done);
}

/** Messages of the topic the engine has not committed yet (infinite while its position is not known). */
export async function lagOf(engine: EngineName, config: Config): Promise<number> {
  const done = await committedBy(engine, config);
  if (!done) return Number.POSITIVE_INFINITY;
  return totalLag(partitionStates(await endOffsets(config, config.topic), done)) ?? Number.POSITIVE_INFINITY;
}

/** Fails at once (not at a wait's deadline) when a process the scenario needs has exited. */
export function assertRunning(run: CliRun, what: string): void {
  if (run.child.exitCode !== null || run.child.signalCode !== null) {
    assert.fail(`${what} exited (${run.child.exitCode ?? run.child.signalCode}):\n${run.stderr.slice(-2000)}`);
  }
}

/** What the engine's DLQ holds, and the bad messages missing from it with their reason (dead letters are at least once: one may be there twice). */
export async function dlqCheck(config: Config, bad: BadMessage[]): Promise<{ deadLettered: number; missing: BadMessage[] }> {
  const dlq = await readWholeTopic(config, config.dlqTopic);
  const missing = bad.filter((b) => !dlq.some((d) => (d.value ?? Buffer.alloc(0)).equals(b.value ?? Buffer.alloc(0)) && b.reason.test(d.headers.get('userstream.reason') ?? '')));
  return { deadLettered: dlq.length, missing };
}
