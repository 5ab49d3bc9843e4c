import { DLQ_HEADERS } from '../../dlq/dead-letters.ts';
import type { RecordProducer } from '../../kafka/producer.ts';
import type { RawMessage } from '../../kafka/consumer.ts';

export interface DeadLetter {
  message: RawMessage;
  reason: string;
}

/** The replay header of a message `userstream dlq replay` sent back, if it is one. */
function replayOf(message: RawMessage): string | undefined {
  for (const [k, v] of message.headers ?? []) if (k.toString() === DLQ_HEADERS.replayOf) return v.toString();
  return undefined;
}

/**
 * Sends the original bytes to the DLQ topic, with why and where they came
 * from in headers (and, for a replayed message refused again, which dead
 * letter it was), and resolves when Kafka has acknowledged them.
 */
export async function sendDeadLetters(producer: RecordProducer, dlqTopic: string, letters: DeadLetter[]): Promise<void> {
  if (letters.length === 0) return;
  await producer.send({
    messages: letters.map(({ message, reason }) => {
      const headers = new Map<string, string>([
        [DLQ_HEADERS.reason, reason],
        [DLQ_HEADERS.topic, message.topic],
        [DLQ_HEADERS.partition, String(message.partition)],
        [DLQ_HEADERS.offset, String(message.offset)],
        [DLQ_HEADERS.timestamp, String(message.timestamp)],
      ]);
      const replay = replayOf(message);
      if (replay !== undefined) headers.set(DLQ_HEADERS.replayOf, replay);
      return {
        topic: dlqTopic,
        ...(message.key === undefined || message.key === null ? {} : { key: message.key }),
        value: message.value ?? Buffer.alloc(0),
        headers,
      };
    }),
  });
}
