import { Producer, ProduceAcks, stringSerializer } from '@platformatic/kafka';
import type { Config } from '../config/options.ts';
import { FRAME_BYTES, type UserRecord } from '../record/record.ts';
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

/**
 * Confluent's wire format header for a schema id: the magic byte 0, then the
 * id as a big-endian 32-bit integer. A value is the header and the JSON.
 */
export function wireHeader(schemaId: number): Buffer {
  const header = Buffer.alloc(FRAME_BYTES);
  header.writeUInt32BE(schemaId, 1);
  return header;
}

/**
 * Sends records keyed by id and resolves once every one is acknowledged.
 * With a `header` (--value-format json-sr), each value is it and the JSON.
 */
export async function sendRecords(
  producer: RecordProducer,
  config: Pick<Config, 'kafkaBrokers' | 'topic'>,
  records: UserRecord[],
  header?: Buffer,
): Promise<void> {
  if (records.length === 0) return;
  const value = header ? (r: UserRecord) => Buffer.concat([header, Buffer.from(JSON.stringify(r))]) : (r: UserRecord) => Buffer.from(JSON.stringify(r));
  const messages = records.map((r) => ({ topic: config.topic, key: r.id, value: value(r) }));
  try {
    await producer.send({ messages });
  } catch (error) {
    throw kafkaError(`producing ${records.length} records to ${config.topic}`, config, error);
  }
}
