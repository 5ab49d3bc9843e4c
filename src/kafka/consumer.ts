import { Consumer, type Message, type MessagesStream, stringDeserializer } from '@platformatic/kafka';
import type { Config } from '../config/options.ts';
import { kafkaError } from './admin.ts';
import { baseKafkaOptions } from './client-options.ts';

/** Keys as strings, values as raw bytes: validation happens in the engine, so a bad value cannot break the stream. */
export type RawMessage = Message<string, Buffer, Buffer, Buffer>;
export type RawStream = MessagesStream<string, Buffer, Buffer, Buffer>;
export type RawConsumer = Consumer<string, Buffer, Buffer, Buffer>;

export function createRawConsumer(config: Pick<Config, 'kafkaBrokers' | 'groupId'>, clientId: string): RawConsumer {
  return new Consumer({
    ...baseKafkaOptions(config, clientId),
    groupId: config.groupId,
    // Offsets move only when the engine commits them, after Cassandra has the rows.
    autocommit: false,
    sessionTimeout: 20_000,
    heartbeatInterval: 1000,
    rebalanceTimeout: 30_000,
    maxWaitTime: 200,
    // 1 MB per fetch, not the client's 10 MB: a fetch is decoded at once, and what waits
    // decoded for the engine outlives the young generation. Draining with records kept as
    // bytes: engine 16-17 µs per row against 18, 4-10% faster, 100 MB less RSS
    // (docs/BENCHMARKS.md, item 16; before that change it made no difference, item 15).
    maxBytes: 1_048_576,
    deserializers: { key: stringDeserializer },
  });
}

/** Closes a consumer (forcefully: no wait for a graceful group leave), ignoring errors; undefined is a no-op. */
export async function closeConsumer(consumer: Consumer<string, Buffer, Buffer, Buffer> | undefined): Promise<void> {
  // `close(true)` resolves to a promise at run time; the first overload types it as void.
  await (consumer?.close(true) as unknown as Promise<void> | undefined)?.catch(() => {});
}

export async function consumeTopic(consumer: RawConsumer, config: Pick<Config, 'kafkaBrokers'>, topic: string): Promise<RawStream> {
  try {
    return await consumer.consume({
      topics: [topic],
      mode: 'committed',
      // A new group starts at the beginning: records produced before the engine started are not skipped.
      fallbackMode: 'earliest',
      autocommit: false,
      highWaterMark: 4096,
    });
  } catch (error) {
    throw kafkaError(`subscribing to ${topic}`, config, error);
  }
}
