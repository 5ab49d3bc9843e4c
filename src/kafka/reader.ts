import { randomBytes } from 'node:crypto';
import { Consumer, stringDeserializer } from '@platformatic/kafka';
import type { Config } from '../config/options.ts';
import { kafkaError } from './admin.ts';
import { baseKafkaOptions } from './client-options.ts';

/** A message as a reader sees it: key and value as the bytes they are, headers as text. */
export interface TopicMessage {
  partition: number;
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: Map<string, string>;
}

/** Offsets to read per partition: from (inclusive) to (exclusive). */
export type Ranges = Map<number, { from: bigint; to: bigint }>;

/**
 * Reads the messages of `topic` in the given offset ranges, in offset order
 * per partition, and resolves once every range is read. It reads as a
 * member of a throwaway group that never commits, so no group's offsets
 * move. A range whose end is not there within `timeoutMs` (a range past the
 * end of the log) rejects.
 */
export async function readRanges(
  config: Pick<Config, 'kafkaBrokers'> & Partial<Config>,
  topic: string,
  ranges: Ranges,
  onMessage: (m: TopicMessage) => void,
  timeoutMs = 60_000,
): Promise<void> {
  const wanted = new Map([...ranges].filter(([, r]) => r.to > r.from));
  if (wanted.size === 0) return;
  const consumer = new Consumer({
    ...baseKafkaOptions(config as Config, 'userstream-reader'),
    groupId: `userstream-reader-${randomBytes(6).toString('hex')}`,
    autocommit: false,
    maxWaitTime: 200,
    deserializers: { headerKey: stringDeserializer, headerValue: stringDeserializer },
  });
  try {
    const stream = await consumer.consume({
      topics: [topic],
      mode: 'manual',
      offsets: [...wanted].map(([partition, r]) => ({ topic, partition, offset: r.from })),
      autocommit: false,
    });
    const timer = setTimeout(() => stream.destroy(new Error(`reading ${topic} did not reach offsets ${describe(wanted)} within ${timeoutMs / 1000} s`)), timeoutMs);
    try {
      for await (const m of stream) {
        const r = wanted.get(m.partition);
        if (!r || m.offset < r.from) continue;
        if (m.offset < r.to) {
          onMessage({
            partition: m.partition,
            offset: m.offset,
            timestamp: m.timestamp,
            key: (m.key as Buffer | null | undefined) ?? null,
            value: (m.value as Buffer | null | undefined) ?? null,
            headers: m.headers as Map<string, string>,
          });
        }
        if (m.offset >= r.to - 1n) wanted.delete(m.partition);
        if (wanted.size === 0) break;
      }
    } finally {
      clearTimeout(timer);
      await stream.close().catch(() => {});
    }
  } catch (error) {
    throw kafkaError(`reading ${topic}`, config, error);
  } finally {
    await (consumer.close(true) as unknown as Promise<void>).catch(() => {});
  }
}

function describe(ranges: Ranges): string {
  return [...ranges].map(([p, r]) => `${p}:${r.from}-${r.to}`).join(', ');
}
