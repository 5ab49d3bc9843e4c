/**
 * The node engine's batch: the messages taken from Kafka for one write,
 * validated as they arrive and kept in the form the Cassandra writer reads
 * (Batch), and how long one attempt at writing a batch may take before it is
 * tried again (BATCH_ATTEMPT_MS). What a batch keeps of each message, and in
 * which form, has rules of its own (the class comment says why bytes and not
 * strings); they sit apart from engine.ts, which decides when a batch is
 * taken, written, retried and committed.
 */
import { RECORD_ROWS, type RowEncoding } from '../../cassandra/writer.ts';
import type { RawMessage } from '../../kafka/consumer.ts';
import { jsonPayload, parseRecord, type UserRecord } from '../../record/record.ts';
import { KEY_BYTES, WIRE_FIELD, WIRE_SLOTS, readWire, writeKeys } from '../../record/wire.ts';
import type { DeadLetter } from './dead-letter.ts';

/**
 * How long one attempt at a batch (its rows written, its dead letters
 * acknowledged) may take before it is given up and tried again. The writes
 * are upserts and the dead letters at-least-once, so an attempt that
 * finishes late does no harm; one that never finishes would hold back every
 * later commit.
 */
export const BATCH_ATTEMPT_MS = 60_000;

/**
 * Messages taken from Kafka for one write, validated as they arrive. It keeps
 * what the write and the commit need — the valid rows by id, the bad
 * messages for the DLQ, the last message of each partition — and lets go of
 * the rest of each message at once.
 *
 * A message in the producer's own form (record/wire.ts: nearly all of them)
 * stays as its bytes, with where each value lies in them, and its
 * parameters are slices of those bytes; any other message is parsed into a
 * record. Strings and parsed objects held until the write would be copied
 * by every scavenge they live through and promoted; bytes outside the heap
 * are not (docs/BENCHMARKS.md, item 16).
 */
export class Batch {
  /** Messages added. */
  size = 0;
  /** Valid messages added, duplicates included. */
  good = 0;
  /** Valid rows by id, as the index of the message that has it: duplicates of one id within a batch (a replayed page) need one write, the last one's. */
  readonly rows = new Map<string, number>();
  readonly bad: DeadLetter[] = [];
  /** The last message of each partition: committing it moves the group past the whole batch. */
  readonly last = new Map<number, RawMessage>();
  /** By message index: the bytes of a message in the producer's form, or the parsed record; nothing for a bad one. */
  readonly #kept: (Buffer | UserRecord | undefined)[] = [];
  /** By message index: the id of a valid message (the same strings as the keys of `rows`). */
  readonly #ids: string[] = [];
  /** By message index, WIRE_SLOTS each: where each value lies in a message kept as bytes. */
  #slices: Uint32Array;
  /** By message index: `ingested_at` in milliseconds since the epoch. */
  #times: Float64Array;
  /** By message index, KEY_BYTES each: the `id` and `ingested_at` of a message kept as bytes, as Cassandra reads them. */
  #keys: Buffer;

  readonly #maxBytes: number;

  constructor(capacity: number, maxBytes: number) {
    this.#maxBytes = maxBytes;
    this.#slices = new Uint32Array(capacity * WIRE_SLOTS);
    this.#times = new Float64Array(capacity);
    this.#keys = Buffer.allocUnsafe(capacity * KEY_BYTES);
  }

  add(message: RawMessage): void {
    const i = this.size++;
    if (i === this.#times.length) this.#grow();
    const value = message.value;
    // The JSON, also of a message in Confluent's wire format (which parseRecord strips itself).
    const json = value ? jsonPayload(value) : undefined;
    const wire = json ? readWire(json, this.#slices, i * WIRE_SLOTS, this.#maxBytes) : undefined;
    if (wire) {
      const ms = Date.parse(wire.ingestedAt);
      writeKeys(json!, this.#slices[i * WIRE_SLOTS + 2 * WIRE_FIELD.id]!, ms, this.#keys, i * KEY_BYTES);
      this.#keep(i, wire.id, json!, ms);
    } else {
      const parsed = parseRecord(value, this.#maxBytes);
      // No ingested_at (the original project's messages): NaN, which the latency histogram leaves out and counts.
      if (parsed.ok) this.#keep(i, parsed.record.id, parsed.record, parsed.record.ingested_at === null ? Number.NaN : Date.parse(parsed.record.ingested_at));
      else this.bad.push({ message, reason: parsed.reason });
    }
    const prev = this.last.get(message.partition);
    if (!prev || message.offset > prev.offset) this.last.set(message.partition, message);
  }

  #keep(i: number, id: string, row: Buffer | UserRecord, ingestedAt: number): void {
    this.good++;
    this.#kept[i] = row;
    this.#ids[i] = id;
    this.#times[i] = ingestedAt;
    this.rows.set(id, i);
  }

  #grow(): void {
    const capacity = Math.max(1, this.#times.length * 2);
    const slices = new Uint32Array(capacity * WIRE_SLOTS);
    slices.set(this.#slices);
    const times = new Float64Array(capacity);
    times.set(this.#times);
    const keys = Buffer.allocUnsafe(capacity * KEY_BYTES);
    this.#keys.copy(keys);
    this.#slices = slices;
    this.#times = times;
    this.#keys = keys;
  }

  /** The `ingested_at` of the rows at these indexes, in milliseconds. */
  *ingestedAt(indexes: Iterable<number>): Iterable<number> {
    for (const i of indexes) yield this.#times[i]!;
  }

  /** The rows, by message index, as the writer reads them. */
  readonly encoding: RowEncoding<number> = {
    id: (i) => this.#ids[i]!,
    params: (i) => {
      const row = this.#kept[i]!;
      if (!Buffer.isBuffer(row)) return RECORD_ROWS.params(row);
      const at = i * WIRE_SLOTS;
      const params: unknown[] = [];
      const k = i * KEY_BYTES;
      for (let f = 0; f < WIRE_SLOTS / 2; f++) {
        // The id and the time as the bytes Cassandra reads, which the driver sends as they are.
        if (f === WIRE_FIELD.id) params.push(this.#keys.subarray(k, k + 16));
        else if (f === WIRE_FIELD.ingested_at) params.push(this.#keys.subarray(k + 16, k + KEY_BYTES));
        // A text column as its UTF-8 bytes, which the driver sends as they are.
        else params.push(row.subarray(this.#slices[at + 2 * f], this.#slices[at + 2 * f + 1]));
      }
      return params;
    },
  };
}
