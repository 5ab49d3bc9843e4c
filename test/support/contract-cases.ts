/**
 * The message contract as cases both engines must agree on: each message is
 * accepted with exactly these column values, or rejected with exactly this
 * reason. The node engine's unit tests run them through parseRecord; the
 * engines' integration test sends them through Kafka to both engines and
 * reads what Cassandra and the DLQ hold.
 *
 * Three forms of a user: the producer's (JSON.stringify of a record), the
 * original project's (its format_data and json.dumps: `", "` and `": "`
 * between items, non-ASCII as \u escapes, `post_code` the API's value — an
 * integer for most nationalities — and no `ingested_at`; `id` as
 * str(uuid4()), the one fix it needs to run), and either one in Confluent's
 * JSON Schema wire format (a zero byte and a 4-byte schema id before it).
 * Near-misses of each are rejected.
 */
import { randomUUID } from 'node:crypto';
import { toRecord } from '../../src/record/from-random-user.ts';
import { MAX_MESSAGE_BYTES, type UserRecord } from '../../src/record/record.ts';
import { generateUsers } from '../../src/source/builtin/index.ts';
import type { RandomUser } from '../../src/source/types.ts';

/** A row as the table holds it: the columns as text, `ingested_at` as an ISO time or null. */
export type Row = Record<keyof UserRecord, string | null>;

export interface ContractCase {
  name: string;
  value: Buffer;
  expect: { row: Row } | { reason: string };
}

/**
 * The original project's message for a user, as its DAG task writes it: our
 * record's fields in the same order (toRecord is its format_data with the
 * holes fixed), with the API's post code as it came and no ingested_at.
 */
export function originalMessage(user: RandomUser, id: string = randomUUID(), postcode: unknown = user.location.postcode): Record<string, unknown> {
  const { ingested_at: _none, ...fields } = toRecord(user, new Date(0));
  return { ...fields, id, post_code: postcode };
}

/**
 * Python's json.dumps with its defaults, for objects of strings and numbers:
 * `", "` and `": "` separators, and every character past ASCII as a \u
 * escape (ensure_ascii). `raw` values are written as they are (number text).
 */
export function pyDumps(o: Record<string, unknown>, raw: Record<string, string> = {}): string {
  const ascii = (json: string) => json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `{${Object.entries(o)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${ascii(JSON.stringify(k))}: ${k in raw ? raw[k] : ascii(JSON.stringify(v))}`)
    .join(', ')}}`;
}

/** Confluent's wire format: magic byte 0, the schema id big-endian, then the JSON. */
export function framed(json: string, schemaId = 7): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(schemaId, 1);
  return Buffer.concat([header, Buffer.from(json)]);
}

/** The row a record makes. */
export function rowOf(r: UserRecord): Row {
  return { ...r, id: r.id.toLowerCase(), ingested_at: r.ingested_at === null ? null : new Date(r.ingested_at).toISOString() };
}

function user(seed: string, nat?: string): RandomUser {
  return generateUsers({ results: 1, seed, ...(nat ? { nat } : {}) }).results[0]!;
}

const AT = new Date('2026-12-01T10:00:00.000Z');

export function contractCases(): ContractCase[] {
  const cases: ContractCase[] = [];
  const accept = (name: string, value: Buffer | string, row: Row) => cases.push({ name, value: Buffer.from(value), expect: { row } });
  const reject = (name: string, value: Buffer | string, reason: string) => cases.push({ name, value: Buffer.from(value), expect: { reason } });
  let n = 0;
  /** A record of a user of its own, so each accepted case is a row of its own. */
  const record = () => toRecord(user(`contract-${n++}`), AT);
  const violation = (field: string, message: string) => `schema violation at ${field}: ${message}`;

  // ---- the producer's form --------------------------------------------------
  let r = record();
  accept("producer's form", JSON.stringify(r), rowOf(r));
  r = record();
  accept("producer's form, the id in upper case", JSON.stringify({ ...r, id: r.id.toUpperCase() }), rowOf(r));
  r = record();
  accept("producer's form, spaced out, with a key the contract does not have", JSON.stringify({ ...r, extra: 7 }, null, 2), rowOf(r));
  r = record();
  accept("producer's form, ingested_at with an offset and a fraction", JSON.stringify({ ...r, ingested_at: '2024-02-29T23:59:59.5+05:30' }), rowOf({ ...r, ingested_at: '2024-02-29T23:59:59.5+05:30' }));
  r = record();
  accept("producer's form, post_code an integer", JSON.stringify({ ...r, post_code: 46021 }), rowOf({ ...r, post_code: '46021' }));
  r = record();
  accept("producer's form without ingested_at", JSON.stringify({ ...r, ingested_at: undefined }), rowOf({ ...r, ingested_at: null }));
  r = record();
  accept("producer's form, ingested_at null", JSON.stringify({ ...r, ingested_at: null }), rowOf({ ...r, ingested_at: null }));
  r = record();
  accept("producer's form in the wire format (json-sr)", framed(JSON.stringify(r)), rowOf(r));

  // ---- the original project's form ------------------------------------------
  const original = (name: string, u: RandomUser, o: Record<string, unknown>, raw: Record<string, string> = {}, expect?: Partial<Row>) => {
    const base = toRecord(u, AT);
    const row: Row = { ...rowOf({ ...base, id: String(o.id) }), post_code: raw.post_code ?? String(o.post_code), ingested_at: null, ...expect };
    return { text: pyDumps(o, raw), row, name };
  };
  for (const c of [
    // Persian script, sent as \u escapes; an integer post code.
    (() => {
      const u = user('contract-original-ir', 'IR');
      return original("original's form (json.dumps): an integer post_code, no ingested_at, \\u escapes", u, originalMessage(u, randomUUID(), 71452));
    })(),
    (() => {
      const u = user('contract-original-gb', 'GB');
      return original("original's form, a GB post code (a string)", u, originalMessage(u, randomUUID(), 'EH4 7QX'));
    })(),
    (() => {
      const u = user('contract-original-big');
      return original("original's form, a 20-digit post code, every digit kept", u, originalMessage(u, randomUUID(), 0), { post_code: '12345678901234567890' });
    })(),
    (() => {
      const u = user('contract-original-zero');
      return original("original's form, post_code 0", u, originalMessage(u, randomUUID(), 0));
    })(),
    (() => {
      const u = user('contract-original-negative');
      return original("original's form, a negative integer post_code", u, originalMessage(u, randomUUID(), -5));
    })(),
  ]) {
    accept(c.name, c.text, c.row);
  }
  {
    const u = user('contract-original-order');
    const o = originalMessage(u, randomUUID(), 10115);
    const reversed = Object.fromEntries(Object.entries(o).reverse());
    accept("original's form, keys in another order", pyDumps(reversed), { ...rowOf({ ...toRecord(u, AT), id: String(o.id), post_code: '10115' }), ingested_at: null });
  }
  {
    const u = user('contract-original-framed');
    const o = originalMessage(u, randomUUID(), 8001);
    accept("original's form in the wire format (json-sr)", framed(pyDumps(o)), { ...rowOf({ ...toRecord(u, AT), id: String(o.id), post_code: '8001' }), ingested_at: null });
  }

  // ---- near-misses ---------------------------------------------------------------
  const good = record();
  const o = originalMessage(user('contract-near'), randomUUID(), 46021);
  reject('empty', '', 'empty message');
  reject('a wire-format header and nothing after it', framed(''), 'empty message');
  reject('shorter than a wire-format header', Buffer.from([0, 1, 2]), 'value is not JSON');
  reject('not UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 'value is not valid UTF-8');
  reject('not JSON', 'hello, not a user', 'value is not JSON');
  reject("the original's form cut short", pyDumps(o).slice(0, -10), 'value is not JSON');
  reject("the original's form, then more text", `${pyDumps(o)} x`, 'value is not JSON');
  reject("the producer's form with single quotes", JSON.stringify(good).replaceAll('"', "'"), 'value is not JSON');
  reject('the wire format around text that is not JSON', framed('not json'), 'value is not JSON');
  reject('an array of a record', JSON.stringify([good]), violation('value', 'expected an object'));
  reject('null', 'null', violation('value', 'expected an object'));
  const big = JSON.stringify({ ...good, address: 'x'.repeat(MAX_MESSAGE_BYTES) });
  reject('over the size limit', big, `value is ${Buffer.byteLength(big)} bytes, over the ${MAX_MESSAGE_BYTES}-byte limit`);
  reject('id not a UUID', JSON.stringify({ ...good, id: 'not-a-uuid' }), violation('id', 'expected a UUID'));
  // The original's own bug: json.dumps cannot write uuid.uuid4(), so a message without an id.
  reject("the original's form without its id", pyDumps({ ...o, id: undefined }), violation('id', 'expected a string'));
  reject('first_name a number', JSON.stringify({ ...good, first_name: 42 }), violation('first_name', 'expected a string'));
  reject('email missing', JSON.stringify({ ...good, email: undefined }), violation('email', 'expected a string'));
  reject('gender null', JSON.stringify({ ...good, gender: null }), violation('gender', 'expected a string'));
  for (const [what, text] of [
    ['a fraction', '46021.5'],
    ['an exponent', '4.6e4'],
    ['-0', '-0'],
    ['an integer written as a float (46021.0)', '46021.0'],
    ['true', 'true'],
    ['null', 'null'],
  ] as const) {
    reject(`the original's form, post_code ${what}`, pyDumps(o, { post_code: text }), violation('post_code', 'expected a string or an integer'));
  }
  reject("the producer's form, post_code an object", JSON.stringify({ ...good, post_code: { code: 1 } }), violation('post_code', 'expected a string or an integer'));
  reject('ingested_at not a time', JSON.stringify({ ...good, ingested_at: 'yesterday' }), violation('ingested_at', 'expected an ISO-8601 date-time with seconds and a zone'));
  reject('ingested_at without seconds', JSON.stringify({ ...good, ingested_at: '2026-11-30T07:00Z' }), violation('ingested_at', 'expected an ISO-8601 date-time with seconds and a zone'));
  reject('ingested_at a number', JSON.stringify({ ...good, ingested_at: 1764583200000 }), violation('ingested_at', 'expected a string'));
  reject("the original's form, phone a number", pyDumps({ ...o, phone: 5551234 }), violation('phone', 'expected a string'));
  return cases;
}
