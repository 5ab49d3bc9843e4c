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

/** What a field that must be a JSON string says when it is not (missing, null, a number, …). */
export const EXPECTED_STRING = 'expected a string';
/** `post_code` may also be a JSON integer, as the original project sends it. */
export const EXPECTED_POST_CODE = 'expected a string or an integer';

/**
 * A JSON integer as Python's json.dumps writes one: no sign on zero, no
 * leading zeros, no fraction or exponent (`-0`, `1.0` and `1e3` are numbers
 * the two engines would write as different text, so neither takes them).
 */
export const INTEGER_TEXT = '(?:0|-?[1-9][0-9]*)';
const INTEGER = new RegExp(`^${INTEGER_TEXT}$`);

/** A format as a JavaScript pattern for the whole string. */
const whole = (format: { source: string }) => new RegExp(`^(?:${format.source})$`);
const UUID = whole(FORMATS.id);
const DATETIME = whole(FORMATS.ingested_at);

/**
 * The message contract on `users_created` (DESIGN.md, "Data contract"): the
 * original `format_data` fields, all strings, plus `ingested_at`. `id` is a
 * UUID so it can be the Cassandra primary key; `ingested_at` is ISO-8601 UTC.
 *
 * The original project's own messages are users too: its `post_code` is
 * the API's value, a JSON integer for most nationalities (kept as the
 * integer's text, exactly as the message writes it), and it sends no
 * `ingested_at` (the row's stays null). The messages are the same in both
 * engines: each issue's message here is the reason the Spark engine's
 * checks give (engines/spark/query.ts), and test/support/contract-cases.ts
 * holds the cases both run.
 *
 * This one schema is also the contract registered in the Schema Registry
 * (registry/contract.ts turns it into JSON Schema).
 */
const text = () => z.string({ error: EXPECTED_STRING });
const uuid = text().regex(UUID, FORMATS.id.message);

export const RecordSchema = z.object(
  {
    id: uuid,
    first_name: text(),
    last_name: text(),
    gender: text(),
    address: text(),
    // An integer arrives here as its text (parseRecord reads it from the message), so the
    // number branch is for the JSON Schema: what a producer may write.
    post_code: z.union([z.string(), z.int()], { error: EXPECTED_POST_CODE }).transform(String),
    email: text(),
    username: text(),
    dob: text(),
    registered_date: text(),
    phone: text(),
    picture: text(),
    ingested_at: text().regex(DATETIME, FORMATS.ingested_at.message).nullish().transform((v) => v ?? null),
  },
  { error: 'expected an object' },
);

export type UserRecord = z.output<typeof RecordSchema>;

/** Column order used by the table and the prepared insert. */
export const RECORD_FIELDS = Object.keys(RecordSchema.shape) as (keyof UserRecord)[];

export type ParseResult =
  | { ok: true; record: UserRecord }
  | { ok: false; reason: string };

/**
 * The JSON text of a message: the whole value, or, in Confluent's wire
 * format (a zero byte, the schema id in 4 bytes, then the JSON), what
 * follows the 5-byte header. Both engines read both forms on one topic.
 */
export function jsonPayload(value: Buffer): Buffer {
  return value.length >= FRAME_BYTES && value[0] === 0 ? value.subarray(FRAME_BYTES) : value;
}

/** Confluent's wire format header: the magic byte 0 and a 4-byte big-endian schema id. */
export const FRAME_BYTES = 5;

/**
 * Validates one message value. Never throws: a bad message is a value with a
 * reason, so the engine can dead-letter it and go on.
 */
export function parseRecord(value: Buffer | string | null | undefined, maxBytes = MAX_MESSAGE_BYTES): ParseResult {
  if (typeof value !== 'string' && value) value = jsonPayload(value);
  if (value === null || value === undefined || value.length === 0) {
    return { ok: false, reason: 'empty message' };
  }
  const bytes = typeof value === 'string' ? Buffer.byteLength(value) : value.length;
  if (bytes > maxBytes) return { ok: false, reason: tooLarge(bytes, maxBytes) };
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
    json = JSON.parse(text, postCodeAsText);
  } catch {
    return { ok: false, reason: 'value is not JSON' };
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
 * JSON.parse's reviver for `post_code`: an integer becomes its text as the
 * message writes it (all its digits, which a JavaScript number would round
 * past 2^53); any other number is left out, so the schema says the field is
 * not a string or an integer. Node 21+ gives the reviver the value's source.
 */
function postCodeAsText(key: string, value: unknown, context?: { source?: string }): unknown {
  if (key !== 'post_code' || typeof value !== 'number') return value;
  const source = context?.source;
  return source !== undefined && INTEGER.test(source) ? source : undefined;
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
 * The largest message the engines accept by default (--max-message-bytes):
 * a record is about 600 bytes, so anything near this is not a user, and a
 * bigger one goes to the DLQ instead of into memory and Cassandra.
 */
export const MAX_MESSAGE_BYTES = 65_536;

export function tooLarge(bytes: number, maxBytes = MAX_MESSAGE_BYTES): string {
  return `value is ${bytes} bytes, over the ${maxBytes}-byte limit`;
}
