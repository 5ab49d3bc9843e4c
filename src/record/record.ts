import { z } from 'zod';

/**
 * The two fields with a format, as regular expressions without anchors, in
 * the syntax JavaScript and Java (the Spark engine's RLIKE) read the same
 * way, so both engines accept the same values.
 */
export const FORMATS = {
  /** A UUID, in either case: the Cassandra primary key. */
  id: {
    source: '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}',
    message: 'expected a UUID',
  },
  /**
   * An RFC 3339 date-time: a real calendar date (29 February only in leap
   * years), hours, minutes and seconds with an optional fraction, and a zone,
   * `Z` or ±hh:mm. What `new Date().toISOString()` writes.
   */
  ingested_at: {
    source: [
      '(?:',
      // 29 February: years divisible by 4 but not by 100, or by 400.
      '(?:\\d\\d(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29',
      '|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|02-(?:0[1-9]|1\\d|2[0-8]))',
      ')T(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?(?:Z|[+-](?:[01]\\d|2[0-3]):[0-5]\\d)',
    ].join(''),
    message: 'expected an ISO-8601 date-time with seconds and a zone',
  },
} as const;

/** A format as a JavaScript pattern for the whole string. */
const whole = (format: { source: string }) => new RegExp(`^(?:${format.source})$`);
const UUID = whole(FORMATS.id);
const DATETIME = whole(FORMATS.ingested_at);

/**
 * The message contract on `users_created` (DESIGN.md, "Data contract"): the
 * original `format_data` fields, all strings, plus `ingested_at`. `id` is a
 * UUID so it can be the Cassandra primary key; `ingested_at` is ISO-8601 UTC.
 */
const uuid = z.string().regex(UUID, FORMATS.id.message);

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
  ingested_at: z.string().regex(DATETIME, FORMATS.ingested_at.message),
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
  const record = exactRecord(json);
  if (record) return { ok: true, record };
  const parsed = RecordSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'value';
    return { ok: false, reason: `schema violation at ${where}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, record: parsed.data };
}

/**
 * The common case without the schema's copy: a parsed object whose own keys
 * are exactly the record's fields, each a string, in their formats, is the
 * record the schema would make of it (the schema only drops keys it does not
 * know). Anything else — a key missing or extra, a value of another type, a
 * format not met — returns undefined and goes through the schema, which
 * decides and says why. This spares each message a second object and the
 * schema's per-field bookkeeping: garbage the engine's collector would copy.
 */
export function exactRecord(json: unknown): UserRecord | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const o = json as Partial<Record<keyof UserRecord, unknown>>;
  let keys = 0;
  for (const key in o) {
    if (!Object.hasOwn(o, key)) return undefined;
    keys++;
  }
  // As many own keys as fields, and each field one of them as a string: no other key.
  // Named one by one: a property read with a fixed name is several times
  // faster than one by a name from a list (test/unit/record covers the list).
  if (
    keys !== RECORD_FIELDS.length ||
    typeof o.id !== 'string' ||
    typeof o.first_name !== 'string' ||
    typeof o.last_name !== 'string' ||
    typeof o.gender !== 'string' ||
    typeof o.address !== 'string' ||
    typeof o.post_code !== 'string' ||
    typeof o.email !== 'string' ||
    typeof o.username !== 'string' ||
    typeof o.dob !== 'string' ||
    typeof o.registered_date !== 'string' ||
    typeof o.phone !== 'string' ||
    typeof o.picture !== 'string' ||
    typeof o.ingested_at !== 'string'
  ) {
    return undefined;
  }
  if (!isUuid(o.id) || !DATETIME.test(o.ingested_at)) return undefined;
  return o as UserRecord;
}

/** Whether a string is a UUID, in either case: the `id` format. */
export function isUuid(s: string): boolean {
  return UUID.test(s);
}

/** Whether a string is an RFC 3339 date-time with seconds and a zone: the `ingested_at` format. */
export function isDateTime(s: string): boolean {
  return DATETIME.test(s);
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
