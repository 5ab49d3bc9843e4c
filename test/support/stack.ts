import { AssertionError } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { Consumer, stringDeserializer } from '@platformatic/kafka';
import type cassandra from 'cassandra-driver';
import type { TestContext } from 'node:test';
import pino from 'pino';
import { connectCassandra } from '../../src/cassandra/session.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/options.ts';
import { Admin } from '@platformatic/kafka';
import { endOffsets, offsetTotal } from '../../src/kafka/admin.ts';
import { baseKafkaOptions } from '../../src/kafka/client-options.ts';
import { every, until } from '../../src/retry.ts';

/**
 * Config for one integration test against the real local stack (started by
 * `npm test`): the stack's addresses from USERSTREAM_* or defaults, and a
 * topic, DLQ, group and keyspace of its own so tests never see each other.
 */
export function testConfig(t: TestContext, overrides: Partial<Config> = {}): Config {
  const id = `${randomBytes(4).toString('hex')}`;
  const base = loadConfig({}, process.env);
  const config: Config = {
    ...base,
    topic: `it_${id}`,
    dlqTopic: `it_${id}.dlq`,
    groupId: `it_${id}`,
    keyspace: `it_${id}`,
    ...overrides,
  };
  t.after(async () => {
    const admin = new Admin(baseKafkaOptions(config, 'it-cleanup'));
    await admin.deleteTopics({ topics: [config.topic, config.dlqTopic] }).catch(() => {});
    await admin.close().catch(() => {});
    const client = await connectCassandra(config).catch(() => undefined);
    await client?.execute(`DROP KEYSPACE IF EXISTS ${config.keyspace}`).catch(() => {});
    await client?.shutdown();
  });
  return config;
}

export const quietLog = pino({ level: process.env.USERSTREAM_TEST_LOG ?? 'silent' });

export async function cassandraFor(t: TestContext, config: Config): Promise<cassandra.Client> {
  const client = await connectCassandra(config);
  t.after(() => client.shutdown());
  return client;
}

/**
 * Polls `check` until it returns a value that is not undefined, or fails
 * after `timeoutMs` (until, every 250 ms); an assertion that fails inside
 * `check` fails at once, any other error is what the last check saw.
 */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  let last: unknown;
  return until<T>(
    what,
    async () => {
      try {
        const v = await check();
        if (v !== undefined) return { done: true, value: v };
        return { done: false, saw: last ? (last as Error).message : 'nothing yet' };
      } catch (error) {
        // A failed assertion inside the check is final; anything else may pass on a later try.
        if (error instanceof AssertionError) throw error;
        last = error;
        return { done: false, saw: (error as Error).message };
      }
    },
    { deadline: Date.now() + timeoutMs, pause: every(250), fail: () => new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`) },
  );
}

export interface DlqEntry {
  key: string | undefined;
  value: Buffer;
  headers: Map<string, string>;
}

/** Reads `count` messages of a topic from the beginning with a throwaway group. */
/**
 * Every message a topic holds now (up to its end offsets). Dead letters are
 * at least once: a batch whose commit failed is dead-lettered again when it
 * is delivered again, so the first N messages of a DLQ need not be N
 * distinct ones.
 */
export async function readWholeTopic(config: Config, topic: string, timeoutMs = 60_000): Promise<DlqEntry[]> {
  return readTopic(config, topic, offsetTotal(await endOffsets(config, topic)), timeoutMs);
}

export async function readTopic(config: Config, topic: string, count: number, timeoutMs = 30_000): Promise<DlqEntry[]> {
  const consumer = new Consumer({
    clientId: 'it-reader',
    groupId: `it-reader-${randomBytes(4).toString('hex')}`,
    bootstrapBrokers: config.kafkaBrokers,
    deserializers: { headerKey: stringDeserializer, headerValue: stringDeserializer },
    maxWaitTime: 200,
  });
  const out: DlqEntry[] = [];
  try {
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
    const timer = setTimeout(() => void stream.close(), timeoutMs);
    for await (const m of stream) {
      out.push({ key: m.key === undefined || m.key === null ? undefined : String(m.key), value: m.value, headers: m.headers });
      if (out.length >= count) break;
    }
    clearTimeout(timer);
    await stream.close().catch(() => {});
  } finally {
    await consumer.close(true as boolean);
  }
  return out;
}
