import { z } from 'zod';

/**
 * The message contract on `users_created` (DESIGN.md, "Data contract"): the
 * original `format_data` fields, all strings, plus `ingested_at`. `id` is a
 * UUID so it can be the Cassandra primary key; `ingested_at` is ISO-8601 UTC.
 */
const uuid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'expected a UUID');

export const RecordSchema = z.object({
  id: uuid,
  first_name: z.string(),
  last_name: z.string(),
  gender: z.string(),
  address: z.string(),
  post_code: z.string(),
  email: z.string(),
  username: z.string(),
  dob: z.string(),
  registered_date: z.string(),
  phone: z.string(),
  picture: z.string(),
  ingested_at: z.string().datetime({ offset: true }),
});

export type UserRecord = z.infer<typeof RecordSchema>;

/** Column order used by the table and the prepared insert. */
export const RECORD_FIELDS = Object.keys(RecordSchema.shape) as (keyof UserRecord)[];

export type ParseResult =
  | { ok: true; record: UserRecord }
  | { ok: false; reason: string };

/**
 * Validates one message value. Never throws: a bad message is a value with a
 * reason, so the engine can dead-letter it and go on.
 */
export function parseRecord(value: Buffer | string | null | undefined): ParseResult {
  if (value === null || value === undefined || value.length === 0) {
    return { ok: false, reason: 'empty message' };
  }
  const bytes = typeof value === 'string' ? Buffer.byteLength(value) : value.length;
  if (bytes > MAX_MESSAGE_BYTES) return { ok: false, reason: tooLarge(bytes) };
  let text: string;
  if (typeof value === 'string') {
    text = value;
  } else {
    try {
      text = utf8.decode(value);
    } catch {
      return { ok: false, reason: 'value is not valid UTF-8' };
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `value is not JSON: ${(error as Error).message}` };
  }
  const parsed = RecordSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'value';
    return { ok: false, reason: `schema violation at ${where}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, record: parsed.data };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The largest message the engines accept: a record is about 600 bytes, so
 * anything near this is not a user, and a bigger one goes to the DLQ
 * instead of into memory and Cassandra.
 */
export const MAX_MESSAGE_BYTES = 65_536;

export function tooLarge(bytes: number): string {
  return `value is ${bytes} bytes, over the ${MAX_MESSAGE_BYTES}-byte limit`;
}
