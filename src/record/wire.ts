/**
 * A record read straight from its bytes, when it is exactly what the
 * producer writes: `JSON.stringify` of a record, its fields in record order,
 * no whitespace, and no escape in any value. Then each value's bytes in the
 * message are its UTF-8 text, the form Cassandra stores a text column in, so
 * the node engine can hand the driver slices of the message instead of
 * decoding it into strings that its garbage collector would copy while the
 * row waits to be written (docs/BENCHMARKS.md, item 16).
 *
 * This only recognises; it never decides what is valid. A message it does
 * not recognise goes through `parseRecord`, which decides and says why, and
 * what it recognises is a record `parseRecord` accepts with the same values
 * (test/unit/record/wire.test.ts checks both over mutated messages).
 */
import { isUtf8 } from 'node:buffer';
import { MAX_MESSAGE_BYTES, RECORD_FIELDS, isDateTime, isUuid } from './record.ts';

/** Numbers per record in a slice table: the start and end of each field's value bytes. */
export const WIRE_SLOTS = RECORD_FIELDS.length * 2;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const CLOSE = 0x7d;

/** What comes before each value: `{"id":"` for the first, `","<field>":"` after the one before. */
const PREFIXES = RECORD_FIELDS.map((f, i) => Buffer.from(`${i === 0 ? '{' : '",'}"${f}":"`));
const ID = RECORD_FIELDS.indexOf('id');
const INGESTED_AT = RECORD_FIELDS.indexOf('ingested_at');

/**
 * Whether `value` is a record in the producer's form. If it is, writes the
 * start and end offset of each field's value bytes, in record order, into
 * `slices` from `at` on (WIRE_SLOTS numbers); what it writes otherwise means
 * nothing.
 */
export function readWire(value: Buffer, slices: Uint32Array, at: number): boolean {
  const end = value.length;
  if (end > MAX_MESSAGE_BYTES) return false;
  let pos = 0;
  for (let i = 0; i < PREFIXES.length; i++) {
    const prefix = PREFIXES[i]!;
    if (pos + prefix.length > end) return false;
    for (let k = 0; k < prefix.length; k++) if (value[pos + k] !== prefix[k]) return false;
    pos += prefix.length;
    slices[at + 2 * i] = pos;
    // The value runs to the next quote; an escape or a control character means JSON.parse would read other text.
    for (;;) {
      if (pos === end) return false;
      const b = value[pos]!;
      if (b === QUOTE) break;
      if (b === BACKSLASH || b < 0x20) return false;
      pos++;
    }
    slices[at + 2 * i + 1] = pos;
  }
  // The last value's quote, the object's end, and nothing after it.
  if (pos + 2 !== end || value[pos + 1] !== CLOSE) return false;
  return isUtf8(value) && isUuid(wireText(value, slices, at, ID)) && isDateTime(wireText(value, slices, at, INGESTED_AT));
}

/** A field's value as a string (ASCII fields: `id`, `ingested_at`). */
export function wireText(value: Buffer, slices: Uint32Array, at: number, field: number): string {
  return value.toString('latin1', slices[at + 2 * field], slices[at + 2 * field + 1]);
}

/** The index of a field in record order, for `wireText`. */
export const WIRE_FIELD = { id: ID, ingested_at: INGESTED_AT } as const;
