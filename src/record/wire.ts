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

/** The two fields of a record in the producer's form that are also needed as strings. */
export interface WireStrings {
  id: string;
  ingestedAt: string;
}

/**
 * Whether `value` is a record in the producer's form: if it is, its `id` and
 * `ingested_at` (read to check their formats), and the start and end offset
 * of each field's value bytes, in record order, written into `slices` from
 * `at` on (WIRE_SLOTS numbers); if not, undefined, and what it wrote into
 * `slices` means nothing.
 */
export function readWire(value: Buffer, slices: Uint32Array, at: number, maxBytes = MAX_MESSAGE_BYTES): WireStrings | undefined {
  const end = value.length;
  if (end > maxBytes) return undefined;
  let pos = 0;
  for (let i = 0; i < PREFIXES.length; i++) {
    const prefix = PREFIXES[i]!;
    if (pos + prefix.length > end) return undefined;
    for (let k = 0; k < prefix.length; k++) if (value[pos + k] !== prefix[k]) return undefined;
    pos += prefix.length;
    slices[at + 2 * i] = pos;
    // The value runs to the next quote; an escape or a control character means JSON.parse would read other text.
    for (;;) {
      if (pos === end) return undefined;
      const b = value[pos]!;
      if (b === QUOTE) break;
      if (b === BACKSLASH || b < 0x20) return undefined;
      pos++;
    }
    slices[at + 2 * i + 1] = pos;
  }
  // The last value's quote, the object's end, and nothing after it.
  if (pos + 2 !== end || value[pos + 1] !== CLOSE || !isUtf8(value)) return undefined;
  // Read as Latin-1, a byte is a character: the formats, all ASCII, reject any other byte.
  const id = value.toString('latin1', slices[at + 2 * ID], slices[at + 2 * ID + 1]);
  const ingestedAt = value.toString('latin1', slices[at + 2 * INGESTED_AT], slices[at + 2 * INGESTED_AT + 1]);
  return isUuid(id) && isDateTime(ingestedAt) ? { id, ingestedAt } : undefined;
}

/** The index in record order of the two fields that are not text columns. */
export const WIRE_FIELD = { id: ID, ingested_at: INGESTED_AT } as const;

/** Bytes per row of `writeKeys`: the `id` as a UUID's 16 bytes, then `ingested_at` as a CQL timestamp's 8. */
export const KEY_BYTES = 24;

/**
 * Writes a row's `id` and `ingested_at` at `at` in `out` as Cassandra reads
 * them (a uuid's 16 bytes; a timestamp's milliseconds since the epoch as a
 * big-endian 64-bit integer), so the driver sends them as they are instead
 * of making a Uuid, a Date and a Long for each. `text` holds the UUID from
 * `start` on, already checked (`isUuid`); `ms` is a whole number.
 */
export function writeKeys(text: Buffer, start: number, ms: number, out: Buffer, at: number): void {
  let o = at;
  for (let p = start; p < start + 36; p++) {
    const hi = text[p]!;
    if (hi === 0x2d) continue;
    const lo = text[++p]!;
    out[o++] = (hexValue(hi) << 4) | hexValue(lo);
  }
  const high = Math.floor(ms / 0x1_0000_0000);
  out.writeInt32BE(high, at + 16);
  out.writeUInt32BE(ms - high * 0x1_0000_0000, at + 20);
}

/** A hex digit's value, either case. */
function hexValue(c: number): number {
  return c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57;
}
