/**
 * The Spark engine's queries as Spark SQL expressions: the original's
 * Kafka → from_json → Cassandra query, and the dead-letter check that the
 * node engine's validation does in TypeScript (record/record.ts), written so
 * that both engines accept and reject the same messages.
 */
import { MAX_MESSAGE_BYTES, RECORD_FIELDS } from '../../record/record.ts';

/** The message schema as DDL for from_json: every field a string. */
export const RECORD_DDL = RECORD_FIELDS.map((f) => `${f} STRING`).join(', ');

const UUID_RE = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
/** ISO-8601 with a zone, as `z.string().datetime({ offset: true })` accepts. */
const ISO_TIME_RE = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})$';

const sqlString = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * Step 1 over the Kafka source: the original bytes and where they came from,
 * the text, and the parsed struct.
 */
export function parsedColumns(): string[] {
  return [
    'key',
    'value',
    'topic',
    'partition',
    'offset',
    'timestamp',
    'CAST(value AS STRING) AS json',
    `from_json(CAST(value AS STRING), ${sqlString(RECORD_DDL)}) AS data`,
  ];
}

/**
 * Step 2: why a message is rejected, or NULL when it is a valid record. The
 * checks and their order follow parseRecord: empty, UTF-8, JSON, object,
 * then each field (present and a string, `id` a UUID, `ingested_at` a time).
 */
export function rejectionReason(): string {
  const cases = [
    `WHEN value IS NULL OR length(value) = 0 THEN 'empty message'`,
    `WHEN length(value) > ${MAX_MESSAGE_BYTES} THEN concat('value is ', length(value), ' bytes, over the ${MAX_MESSAGE_BYTES}-byte limit')`,
    // A cast keeps the bytes as they are; decoding replaces invalid UTF-8 with U+FFFD, so the round trip differs.
    `WHEN encode(decode(value, 'UTF-8'), 'UTF-8') <> value THEN 'value is not valid UTF-8'`,
    `WHEN get_json_object(json, '$') IS NULL THEN 'value is not JSON'`,
    `WHEN NOT startswith(ltrim(json), '{') THEN 'schema violation at value: expected an object'`,
    // Field by field in the record's order, as zod reports the first issue.
    ...RECORD_FIELDS.flatMap((f) => [
      `WHEN data.${f} IS NULL OR NOT ${isJsonString(f)} THEN 'schema violation at ${f}: expected a string'`,
      ...(f === 'id' ? [`WHEN NOT (data.id RLIKE ${sqlString(UUID_RE)}) THEN 'schema violation at id: expected a UUID'`] : []),
      ...(f === 'ingested_at'
        ? [`WHEN NOT (data.ingested_at RLIKE ${sqlString(ISO_TIME_RE)}) THEN 'schema violation at ingested_at: expected an ISO-8601 time'`]
        : []),
    ]),
  ];
  return `CASE ${cases.join(' ')} ELSE NULL END`;
}

/**
 * from_json reads a JSON number or boolean into a STRING field as its text,
 * but the record contract wants JSON strings, as the node engine checks. The
 * raw text tells: the field's key is followed by a quote. (A nested object
 * with a key of the same name could fool this check; records have none.)
 */
function isJsonString(field: string): string {
  return `(json RLIKE ${sqlString(`"${field}"\\s*:\\s*"`)})`;
}

/** The record columns for Cassandra: the strings as they are, `ingested_at` as a timestamp. */
export function rowColumns(): string[] {
  return RECORD_FIELDS.map((f) => (f === 'ingested_at' ? `CAST(data.${f} AS TIMESTAMP) AS ${f}` : `data.${f} AS ${f}`));
}

/** A dead letter for the Kafka sink: the original key and bytes, the reason and the origin in headers. */
export function deadLetterColumns(): string[] {
  const header = (name: string, valueSql: string) => `named_struct('key', '${name}', 'value', CAST(${valueSql} AS BINARY))`;
  return [
    'key',
    "coalesce(value, X'') AS value",
    `array(${[
      header('userstream.reason', 'reason'),
      header('userstream.source.topic', 'topic'),
      header('userstream.source.partition', 'CAST(partition AS STRING)'),
      header('userstream.source.offset', 'CAST(offset AS STRING)'),
      header('userstream.source.timestamp', 'CAST(unix_millis(timestamp) AS STRING)'),
    ].join(', ')}) AS headers`,
  ];
}
