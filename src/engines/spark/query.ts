/**
 * The Spark engine's queries as Spark SQL expressions: the original's
 * Kafka → from_json → Cassandra query, and the dead-letter check that the
 * node engine's validation does in TypeScript (record/record.ts), written so
 * that both engines accept and reject the same messages.
 */
import { DLQ_HEADERS } from '../../dlq/dead-letters.ts';
import { EXPECTED_POST_CODE, EXPECTED_STRING, FORMATS, FRAME_BYTES, INTEGER_TEXT, MAX_MESSAGE_BYTES, RECORD_FIELDS } from '../../record/record.ts';

/**
 * The column from_json fills with the message text when it cannot parse it
 * as a JSON object (PERMISSIVE mode), instead of leaving every field NULL
 * with no sign of why.
 */
export const CORRUPT_COLUMN = '_userstream_unparsed';

/**
 * Whether some value in a message may not be a JSON string: computed once
 * per message by one pass over its text, read by every field's check.
 */
const NOT_STRINGS = '_userstream_not_strings';

/** The message schema as DDL for from_json: every field a string, and the unparsed text. */
export const RECORD_DDL = [...RECORD_FIELDS, CORRUPT_COLUMN].map((f) => `${f} STRING`).join(', ');

/**
 * A format of record.ts as a Java pattern for the whole value. Java's `$`
 * also matches before a line break that ends the text, so an id followed by
 * a newline would pass; `\\z` is the end of the text only, as JavaScript's `$`.
 */
const javaWhole = (format: { source: string }) => `^(?:${format.source})\\z`;

const sqlString = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * A message's JSON bytes, as record.ts's jsonPayload finds them: the value,
 * or in Confluent's wire format (a zero byte, a 4-byte schema id) what
 * follows the header. Binary substring counts from 1.
 */
const BODY = `CASE WHEN length(value) >= ${FRAME_BYTES} AND substring(value, 1, 1) = X'00' THEN substring(value, ${FRAME_BYTES + 1}) ELSE value END`;

/**
 * Step 1 over the Kafka source: the original bytes and where they came from,
 * the JSON bytes (`body`) and text, and the parsed struct. The one JSON parse
 * of each message is here; everything after reads its fields.
 */
export function parsedColumns(headers = false): string[] {
  return [
    'key',
    'value',
    ...(headers ? ['headers'] : []),
    'topic',
    'partition',
    'offset',
    'timestamp',
    `${BODY} AS body`,
    `CAST(${BODY} AS STRING) AS json`,
    // Strict JSON, as JSON.parse reads it: Spark's JSON reader also takes single-quoted strings and NaN by default.
    `from_json(CAST(${BODY} AS STRING), ${sqlString(RECORD_DDL)}, map('mode', 'PERMISSIVE', 'columnNameOfCorruptRecord', ${sqlString(CORRUPT_COLUMN)}, 'allowSingleQuotes', 'false', 'allowNonNumericNumbers', 'false')) AS data`,
    `${notStrings()} AS ${NOT_STRINGS}`,
  ];
}

/**
 * The name of a count observed right after step 1. It also keeps step 1
 * where it is: without it, Spark's optimiser pushes the filter on the
 * rejection reason below the projection that parses, and substitutes the
 * parse into each reference to a field, so a message was parsed once per
 * field check (from_json was half of the executor's CPU; docs/BENCHMARKS.md).
 * An observation is a node filters are not pushed through.
 */
export const PARSED_OBSERVATION = 'userstream_messages';

/**
 * Step 2: why a message is rejected, or NULL when it is a valid record. The
 * checks and their order follow parseRecord: empty, UTF-8, JSON, object,
 * then each field (present and a string, `id` a UUID, `ingested_at` a time).
 *
 * It runs on every message in both queries, so it is written for the valid
 * message, which must pass every check: the costly checks run only when a
 * cheap one says they can fail. Measured (docs/BENCHMARKS.md): each RLIKE
 * over the message decodes the whole text again, and get_json_object parses
 * it and writes it out again.
 */
export function rejectionReason(maxBytes = MAX_MESSAGE_BYTES): string {
  // from_json parsed an object: the message is JSON and an object. Otherwise ask why.
  const unparsed = `(data IS NULL OR data.${CORRUPT_COLUMN} IS NOT NULL)`;
  const cases = [
    `WHEN body IS NULL OR length(body) = 0 THEN 'empty message'`,
    `WHEN length(body) > ${maxBytes} THEN concat('value is ', length(body), ' bytes, over the ${maxBytes}-byte limit')`,
    // A cast keeps the bytes as they are; decoding replaces invalid UTF-8 with U+FFFD, so the two differ.
    `WHEN decode(body, 'UTF-8') <> json THEN 'value is not valid UTF-8'`,
    `WHEN ${unparsed} AND ${notJson()} THEN 'value is not JSON'`,
    `WHEN ${unparsed} THEN 'schema violation at value: expected an object'`,
    // from_json read an object; JSON.parse also refuses anything after it. If the first '}' is the
    // text's last byte, it closes that object and nothing follows; only otherwise look closer.
    // Counted in bytes: substring_index finds the byte, octet_length is stored, while instr and
    // length count characters one at a time (about 4 µs per row more; docs/BENCHMARKS.md). A '}'
    // byte is always the character, never part of another one's UTF-8 bytes.
    `WHEN NOT (octet_length(substring_index(json, '}', 1)) + 1 = octet_length(json) OR ${nothingAfterValue()}) THEN 'value is not JSON'`,
    // Field by field in the record's order, as zod reports the first issue.
    ...RECORD_FIELDS.flatMap((f) => fieldChecks(f)),
  ];
  return `CASE ${cases.join(' ')} ELSE NULL END`;
}

/**
 * A field's checks, as record.ts's schema has them: present and a JSON
 * string, and `id` a UUID; `post_code` may also be a JSON integer (from_json
 * reads one into a STRING field as its digits); `ingested_at` may be absent
 * or null (the original project's messages), and when it is there it is a
 * string and a time.
 */
function fieldChecks(f: (typeof RECORD_FIELDS)[number]): string[] {
  const violation = (message: string) => `'schema violation at ${f}: ${message}'`;
  const notString = `(${NOT_STRINGS} AND NOT ${isJsonString(f)})`;
  const format = (key: 'id' | 'ingested_at') => `NOT (data.${f} RLIKE ${sqlString(javaWhole(FORMATS[key]))})`;
  switch (f) {
    case 'post_code':
      return [`WHEN data.${f} IS NULL OR (${notString} AND NOT ${isJsonInteger(f)}) THEN ${violation(EXPECTED_POST_CODE)}`];
    case 'ingested_at':
      return [
        `WHEN data.${f} IS NOT NULL AND ${notString} THEN ${violation(EXPECTED_STRING)}`,
        `WHEN data.${f} IS NOT NULL AND ${format(f)} THEN ${violation(FORMATS[f].message)}`,
      ];
    case 'id':
      return [`WHEN data.${f} IS NULL OR ${notString} THEN ${violation(EXPECTED_STRING)}`, `WHEN ${format(f)} THEN ${violation(FORMATS[f].message)}`];
    default:
      return [`WHEN data.${f} IS NULL OR ${notString} THEN ${violation(EXPECTED_STRING)}`];
  }
}

/**
 * Whether the field's value in the raw text is a JSON integer as record.ts
 * takes one (INTEGER_TEXT): the digits, then the end of the value. A float
 * or an exponent is refused, as the node engine refuses it (from_json would
 * write 1e3 as 1000.0, the node engine as 1e3).
 */
function isJsonInteger(field: string): string {
  return `(json RLIKE ${sqlString(`"${field}"\\s*:\\s*${INTEGER_TEXT}\\s*[,}]`)})`;
}

/**
 * For a message from_json could not read as an object: whether it is not
 * JSON at all, rather than JSON of another kind. get_json_object tells, but
 * it reads JSON the lenient Hive way (single quotes, control characters in
 * strings) and reads `null` as NULL, so: what it cannot read, unless it is
 * `null`; and what starts as an object, since from_json, which is strict,
 * refused it. Whitespace is JSON's four characters (`trim` knows only the
 * space).
 */
function notJson(): string {
  const ws = '[ \\t\\n\\r]*';
  return (
    `((get_json_object(json, '$') IS NULL AND NOT (json RLIKE ${sqlString(`^${ws}null${ws}\\z`)}))` +
    ` OR json RLIKE ${sqlString(`^${ws}\\{`)})`
  );
}

/**
 * Whether only whitespace follows the text's first JSON value. Spark's JSON
 * functions stop reading after the first value, so the text is read inside
 * an array, where what follows the value must be a ',' or the closing ']',
 * and inside an object, where it must be a ',' or '}': with one element and
 * one key it was the closing bracket both times, which only the end of the
 * text can be (text after the value cannot start with both ']' and '}').
 */
function nothingAfterValue(): string {
  return `coalesce(json_array_length(concat('[', json, ']')) = 1 AND size(json_object_keys(concat('{"a":', json, '}'))) = 1, false)`;
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

/**
 * One pass over the text for what a valid message never has: a key followed
 * by something other than a quote (a number, true/false/null, an object or
 * an array). Only a message that matches goes through the field-by-field
 * string checks, which name the first field that is not a string. A valid
 * message may match too (another key with a number, or `\\":5` inside a
 * string); then those checks find nothing and it passes, only more slowly.
 * JSON allows whitespace on either side of the colon. The pattern starts
 * with a quote, which Java's regex tries cheaply at each position; an
 * alternation (naming the fields, or adding U+FFFD to spare valid messages
 * the UTF-8 check) cost more than it saved.
 */
function notStrings(): string {
  return `(json RLIKE ${sqlString('"\\s*:\\s*[^"\\s]')})`;
}

/** The record columns for Cassandra: the strings as they are, `ingested_at` as a timestamp. */
export function rowColumns(): string[] {
  return RECORD_FIELDS.map((f) => (f === 'ingested_at' ? `CAST(data.${f} AS TIMESTAMP) AS ${f}` : `data.${f} AS ${f}`));
}

/**
 * A dead letter for the Kafka sink: the original key and bytes, the reason
 * and the origin in headers (DLQ_HEADERS, as the node engine writes them),
 * and the replay header of a replayed message refused again (the source
 * read with includeHeaders: `headers` is NULL for a message without any).
 */
export function deadLetterColumns(): string[] {
  const header = (name: string, valueSql: string) => `named_struct('key', '${name}', 'value', CAST(${valueSql} AS BINARY))`;
  const ours = `array(${[
    header(DLQ_HEADERS.reason, 'reason'),
    header(DLQ_HEADERS.topic, 'topic'),
    header(DLQ_HEADERS.partition, 'CAST(partition AS STRING)'),
    header(DLQ_HEADERS.offset, 'CAST(offset AS STRING)'),
    header(DLQ_HEADERS.timestamp, 'CAST(unix_millis(timestamp) AS STRING)'),
  ].join(', ')})`;
  const replay = `filter(headers, h -> h.key = '${DLQ_HEADERS.replayOf}')`;
  return ['key', "coalesce(value, X'') AS value", `CASE WHEN headers IS NULL THEN ${ours} ELSE concat(${ours}, ${replay}) END AS headers`];
}

/** The name under which the rows query reports its latency metrics in each micro-batch's progress. */
export const LATENCY_OBSERVATION = 'userstream_latency';

/** Quantiles of each micro-batch's wait that stand for its rows: the midpoints of 20 equal slices. */
export const LATENCY_QUANTILES = Array.from({ length: 20 }, (_, i) => (i + 0.5) / 20);

/**
 * Aggregates the rows query observes per micro-batch: how many rows, and
 * quantiles of how long each had waited, in ms, from its `ingested_at` to
 * the micro-batch's start (`current_timestamp()` is the batch's time in a
 * streaming query). The rows are written by the executors, out of the
 * engine's sight; this is how it still knows their latency.
 */
export function latencyMetrics(): string[] {
  // Rows without an ingested_at (the original project's messages) have no wait: counted apart, left out of the quantiles.
  return [
    'count(ingested_at) AS rows',
    'count(1) - count(ingested_at) AS unmeasured',
    `percentile_approx(${WAITED}, array(${LATENCY_QUANTILES.join(', ')}), 1000) AS waited_ms`,
  ];
}

/** Rows of a micro-batch written without an ingested_at, from its progress. */
export function unmeasuredRows(progress: Record<string, unknown>): number {
  return Number(observedRow(progress, LATENCY_OBSERVATION)?.unmeasured ?? 0) || 0;
}

/**
 * The wait as a column of its own, added before the metrics and dropped
 * after them: an observed aggregate may not take current_timestamp()
 * (non-deterministic) in its argument, but may take a column computed from it.
 */
const WAITED = '_userstream_waited_ms';
export function withWaitColumn(): string[] {
  return ['*', `unix_millis(current_timestamp()) - unix_millis(ingested_at) AS ${WAITED}`];
}
export function withoutWaitColumn(): string[] {
  return RECORD_FIELDS.map((f) => f);
}

/**
 * A micro-batch's rows as latency samples, from its progress: each quantile
 * of the wait plus the batch's own duration (the rows are committed when it
 * ends), each standing for its share of the rows. Empty when the batch
 * observed nothing.
 */
export function latencySamples(progress: Record<string, unknown>): { seconds: number; rows: number }[] {
  const observed = observedRow(progress, LATENCY_OBSERVATION);
  const rows = Number(observed?.rows ?? 0);
  const waited = Array.isArray(observed?.waited_ms) ? observed.waited_ms.map(Number) : [];
  if (!(rows > 0) || waited.length === 0 || waited.some((w) => !Number.isFinite(w))) return [];
  const durationMs = Number((progress.durationMs as { triggerExecution?: unknown } | undefined)?.triggerExecution ?? 0) || 0;
  // Whole rows per sample, the remainder spread over the first ones, so the samples add up to the batch.
  const base = Math.floor(rows / waited.length);
  const extra = rows - base * waited.length;
  return waited
    .map((w, i) => ({ seconds: Math.max(0, w + durationMs) / 1000, rows: base + (i < extra ? 1 : 0) }))
    .filter((s) => s.rows > 0);
}

/**
 * One observed-metrics row of a progress, as field → value. Spark 3.5 writes
 * it as `{values: [...], schema: {fields: [{name}]}}`; a plain object is taken as is.
 */
export function observedRow(progress: Record<string, unknown>, name: string): Record<string, unknown> | undefined {
  const raw = (progress.observedMetrics as Record<string, unknown> | undefined)?.[name] as
    | { values?: unknown[]; schema?: { fields?: { name: string }[] } }
    | Record<string, unknown>
    | undefined;
  if (!raw) return undefined;
  const { values, schema } = raw as { values?: unknown[]; schema?: { fields?: { name: string }[] } };
  if (Array.isArray(values) && Array.isArray(schema?.fields)) return Object.fromEntries(schema.fields.map((f, i) => [f.name, values[i]]));
  return raw as Record<string, unknown>;
}
