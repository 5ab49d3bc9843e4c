/**
 * The record contract as JSON Schema, generated from the one zod schema
 * (record/record.ts): what the Schema Registry holds under `<topic>-value`.
 *
 * Draft 7, not zod's default 2020-12: Apicurio's compatibility checker knows
 * drafts 4, 6 and 7 only, and answers every check of a 2020-12 schema with
 * an error. The object is closed (no other keys): what producers write. The
 * engines tolerate keys the contract lacks, but a closed model is what makes
 * adding an optional field a BACKWARD-compatible change (with an open one,
 * a field that is new could already have held anything).
 */
import { z } from 'zod';
import { RecordSchema } from '../record/record.ts';

export const SCHEMA_TITLE = 'userstream user record';

export function contractSchema(): Record<string, unknown> {
  // The input side: what a message may hold (post_code an integer, ingested_at absent), not what parsing makes of it.
  const schema = z.toJSONSchema(RecordSchema, { target: 'draft-7', io: 'input' }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    title: SCHEMA_TITLE,
    description:
      'A user from the randomuser.me API as userstream produces it to Kafka: the original project\'s format_data fields, ' +
      'all text (post_code may be a JSON integer, as the original sends it), plus ingested_at, when it was fetched (absent in the original\'s messages).',
    ...schema,
    additionalProperties: false,
  };
}

/** The registry subject of a topic's values (Confluent's TopicNameStrategy). */
export function valueSubject(topic: string): string {
  return `${topic}-value`;
}

/** The contract as the registry stores it: JSON text, its keys in a fixed order, so the same schema is the same text. */
export function contractText(): string {
  return JSON.stringify(contractSchema());
}
