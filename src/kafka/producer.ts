import { Producer, ProduceAcks, stringSerializer } from '@platformatic/kafka';
import type { Config } from '../config/options.ts';
import type { UserRecord } from '../record/record.ts';
import { kafkaError } from './admin.ts';
import { baseKafkaOptions } from './client-options.ts';

export type RecordProducer = Producer<string, Buffer, string, string>;

/**
 * The ingest producer: idempotent (the broker drops retried duplicates, per
 * partition), acks from all in-sync replicas, compressed batches. The
 * original's producer neither waited for acks nor flushed before exiting.
 */
export function createRecordProducer(config: Pick<Config, 'kafkaBrokers'>, clientId = 'userstream-ingest'): RecordProducer {
  return new Producer({
    ...baseKafkaOptions(config, clientId),
    idempotent: true,
    acks: ProduceAcks.ALL,
    compression: 'lz4',
    serializers: { key: stringSerializer, headerKey: stringSerializer, headerValue: stringSerializer },
  });
}

/** Sends records keyed by id and resolves once every one is acknowledged. */
export async function sendRecords(
  producer: RecordProducer,
  config: Pick<Config, 'kafkaBrokers' | 'topic'>,
  records: UserRecord[],
): Promise<void> {
  if (records.length === 0) return;
  const messages = records.map((r) => ({ topic: config.topic, key: r.id, value: Buffer.from(JSON.stringify(r)) }));
  try {
    await producer.send({ messages });
  } catch (error) {
    throw kafkaError(`producing ${records.length} records to ${config.topic}`, config, error);
  }
}
