import type { RecordProducer } from '../../kafka/producer.ts';
import type { RawMessage } from '../../kafka/consumer.ts';

export interface DeadLetter {
  message: RawMessage;
  reason: string;
}

/**
 * Sends the original bytes to the DLQ topic, with why and where they came
 * from in headers, and resolves when Kafka has acknowledged them.
 */
export async function sendDeadLetters(producer: RecordProducer, dlqTopic: string, letters: DeadLetter[]): Promise<void> {
  if (letters.length === 0) return;
  await producer.send({
    messages: letters.map(({ message, reason }) => ({
      topic: dlqTopic,
      ...(message.key === undefined || message.key === null ? {} : { key: message.key }),
      value: message.value ?? Buffer.alloc(0),
      headers: new Map([
        ['userstream.reason', reason],
        ['userstream.source.topic', message.topic],
        ['userstream.source.partition', String(message.partition)],
        ['userstream.source.offset', String(message.offset)],
        ['userstream.source.timestamp', String(message.timestamp)],
      ]),
    })),
  });
}
