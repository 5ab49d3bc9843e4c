import { Producer, ProduceAcks, stringSerializer } from '@platformatic/kafka';
import type { Config } from '../config/options.ts';
import { FRAME_BYTES, type UserRecord } from '../record/record.ts';
import { kafkaError } from './admin.ts';
import { SILENT_BROKER_MS, baseKafkaOptions } from './client-options.ts';

export type RecordProducer = Producer<string, Buffer, string, string>;

/**
 * The ingest producer: idempotent (the broker drops retried duplicates, per
 * partition), acks from all in-sync replicas, compressed batches. The
 * original's producer neither waited for acks nor flushed before exiting.
 */
export function createRecordProducer(config: Pick<Config, 'kafkaBrokers'>, clientId = 'userstream-ingest'): RecordProducer {
  return new Producer({
    ...baseKafkaOptions(config, clientId),
    // A broker that stops answering (paused, or a machine hung) keeps its
    // connections open, and one send waits on every partition's leader: the
    // cluster suite saw a paused leader hold the ingest for the client's 30 s
    // request timeout and more, while a live replica had led its partitions
    // since 9 s in (the brokers' session timeout). A leader silent for 10 s
    // is given up and the send retried on fresh metadata; the broker's own
    // wait for the in-sync replicas ends first (8 s, REQUEST_TIMED_OUT, also
    // retried), so a live leader is not hung up on.
    requestTimeout: SILENT_BROKER_MS,
    timeout: SILENT_BROKER_MS - 2_000,
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
