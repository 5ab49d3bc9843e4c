import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toRecord } from '../../../src/record/from-random-user.ts';
import { MAX_MESSAGE_BYTES, RECORD_FIELDS, parseRecord, type UserRecord } from '../../../src/record/record.ts';
import cassandra from 'cassandra-driver';
import { KEY_BYTES, WIRE_FIELD, WIRE_SLOTS, type WireStrings, readWire, writeKeys } from '../../../src/record/wire.ts';
import { generateUsers } from '../../../src/source/builtin/index.ts';

/** Records as the ingest makes them from the built-in source, and as the producer writes them. */
const records = generateUsers({ results: 500, seed: 'wire' }).results.map((u, i) => toRecord(u, new Date(Date.UTC(2026, 10, 30, 7, 0, 0, i))));
const written = (r: UserRecord) => Buffer.from(JSON.stringify(r));

/** What readWire found, checked against what parseRecord makes of the same bytes. */
function assertSameAsParsed(value: Buffer, found: WireStrings, slices: Uint32Array, at: number, what: string): void {
  const parsed = parseRecord(value);
  assert.ok(parsed.ok, `${what}: readWire took a message parseRecord rejects (${parsed.ok ? '' : parsed.reason}): ${JSON.stringify(value.toString('latin1'))}`);
  RECORD_FIELDS.forEach((f, i) => {
    const bytes = value.subarray(slices[at + 2 * i], slices[at + 2 * i + 1]);
    assert.deepEqual(bytes, Buffer.from(parsed.record[f] ?? ''), `${what}: ${f}`);
  });
  assert.equal(found.id, parsed.record.id);
  assert.equal(found.ingestedAt, parsed.record.ingested_at);
}

test('records as the producer writes them are read from their bytes, each value the UTF-8 of the parsed string', () => {
  const slices = new Uint32Array(records.length * WIRE_SLOTS);
  const accents = { ...records[0]!, first_name: 'Zoë', last_name: 'Çelik 日本 🙂', address: 'Straße 1, Dörfli' };
  for (const [i, r] of [...records, accents].entries()) {
    const at = (i % records.length) * WIRE_SLOTS;
    const found = readWire(written(r), slices, at);
    assert.ok(found, `record ${i}`);
    assertSameAsParsed(written(r), found, slices, at, `record ${i}`);
  }
});

test('anything else is left to parseRecord, which decides', () => {
  const r = records[1]!;
  const text = JSON.stringify(r);
  const slices = new Uint32Array(WIRE_SLOTS);
  const others: [string, string | Buffer][] = [
    ['spaced out', JSON.stringify(r, null, 1)],
    ['an escape', JSON.stringify({ ...r, address: 'a "quoted" street' })],
    ['a newline inside a value', JSON.stringify({ ...r, address: 'line\nbreak' })],
    ['fields in another order', JSON.stringify(Object.fromEntries(Object.entries(r).reverse()))],
    ['a field more', JSON.stringify({ ...r, extra: 'x' })],
    ['a field less', JSON.stringify({ ...r, phone: undefined })],
    ['a number', JSON.stringify({ ...r, post_code: 1234 })],
    ['a byte-order mark first', `\uFEFF${text}`],
    ['a newline after', `${text}\n`],
    ['more after', `${text}{}`],
    ['an id that is not a UUID', JSON.stringify({ ...r, id: 'not-a-uuid' })],
    ['a time without a zone', JSON.stringify({ ...r, ingested_at: '2026-11-30T07:00:00' })],
    ['too large', JSON.stringify({ ...r, address: 'x'.repeat(MAX_MESSAGE_BYTES) })],
    ['invalid UTF-8', Buffer.concat([Buffer.from(text.slice(0, 30)), Buffer.from([0xff]), Buffer.from(text.slice(30))])],
    ['empty', ''],
  ];
  for (const [what, value] of others) assert.equal(readWire(Buffer.from(value), slices, 0), undefined, what);
  // A valid record written another way is still a record: parseRecord takes it.
  for (const what of ['spaced out', 'an escape', 'a newline inside a value', 'fields in another order', 'a field more', 'a byte-order mark first', 'a newline after']) {
    assert.ok(parseRecord(Buffer.from(others.find(([w]) => w === what)![1])).ok, what);
  }
});

test('every one-byte change, deletion and insertion: what readWire takes, parseRecord takes with the same values', () => {
  const bytes = [0x22, 0x5c, 0x00, 0x1f, 0x20, 0x09, 0x7b, 0x7d, 0x2c, 0x3a, 0x41, 0x66, 0x30, 0x2d, 0x5a, 0xff, 0xc3, 0xa9, 0xe6];
  const slices = new Uint32Array(WIRE_SLOTS);
  let taken = 0;
  let left = 0;
  const tryOne = (value: Buffer, what: string) => {
    const found = readWire(value, slices, 0);
    if (found) {
      taken++;
      assertSameAsParsed(value, found, slices, 0, what);
    } else {
      left++;
    }
  };
  for (const r of [records[2]!, { ...records[3]!, last_name: 'Éloïse 日本' }]) {
    const base = written(r);
    for (let p = 0; p <= base.length; p++) {
      for (const b of bytes) {
        if (p < base.length) {
          const changed = Buffer.from(base);
          changed[p] = b;
          tryOne(changed, `byte ${p} → ${b}`);
        }
        tryOne(Buffer.concat([base.subarray(0, p), Buffer.from([b]), base.subarray(p)]), `${b} inserted at ${p}`);
      }
      if (p < base.length) tryOne(Buffer.concat([base.subarray(0, p), base.subarray(p + 1)]), `byte ${p} deleted`);
    }
  }
  // Both kinds occur: changes inside a free-text value stay records, changes to the frame do not.
  assert.ok(taken > 1000 && left > 1000, `taken ${taken}, left ${left}`);
});

test('the id and ingested_at are written as the bytes the driver makes of a Uuid and a Date', () => {
  // The driver's own encoder: exported at run time, missing from its type definitions.
  const { Encoder } = cassandra as unknown as { Encoder: new (protocolVersion: number, options: object) => { encode(value: unknown, type: number): Buffer } };
  const encoder = new Encoder(4, {});
  const { uuid, timestamp } = cassandra.types.dataTypes;
  const times = ['2026-11-30T16:00:00.000Z', '1960-02-29T23:59:59.999Z', '1970-01-01T00:00:00Z', '1969-12-31T23:59:59.999Z', '2262-04-11T23:47:16.854+05:30', '2026-11-30T07:00:00.123456Z'];
  const ids = [...records.slice(0, 50).map((r) => r.id), 'ABCDEF01-2345-4789-8ABC-DEF012345678', '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff'];
  const out = Buffer.alloc(KEY_BYTES * 3);
  const slices = new Uint32Array(WIRE_SLOTS);
  for (const [n, id] of ids.entries()) {
    const at = KEY_BYTES * (n % 3);
    const text = written({ ...records[0]!, id, ingested_at: times[n % times.length]! });
    assert.ok(readWire(text, slices, 0), id);
    const ms = Date.parse(times[n % times.length]!);
    writeKeys(text, slices[2 * WIRE_FIELD.id]!, ms, out, at);
    assert.deepEqual(out.subarray(at, at + 16), encoder.encode(cassandra.types.Uuid.fromString(id), uuid), id);
    assert.deepEqual(out.subarray(at + 16, at + KEY_BYTES), encoder.encode(new Date(ms), timestamp), times[n % times.length]);
  }
});
