/**
 * A look at a topic's messages without Kafka's shell scripts: the newest
 * ones, or a few from one offset on, each as a plain JSON object (what
 * `userstream peek` prints). It reads with readRanges, as a throwaway group
 * that never commits, so no engine's position moves.
 */
import { isUtf8 } from 'node:buffer';
import type { Config } from '../config/options.ts';
import { ErrorCodes, UserstreamError } from '../errors.ts';
import { jsonPayload } from '../record/record.ts';
import { topicEndOffsets, topicStartOffsets, withAdmin } from './admin.ts';
import { type Ranges, type TopicMessage, readRanges } from './reader.ts';

export interface PeekOptions {
  /** How many messages, at most. */
  limit: number;
  /** Only this partition. */
  partition?: number;
  /** With `partition`: the first offset to read (default: its last `limit` messages). */
  offset?: bigint;
}

/**
 * The offsets that hold what `options` asks for, from each partition's first
 * and end offsets: from `offset` on in one partition, or the last `limit` of
 * each partition asked (the newest `limit` of the topic are among them).
 */
export function peekRanges(starts: Map<number, bigint>, ends: Map<number, bigint>, options: PeekOptions): Ranges {
  const limit = BigInt(options.limit);
  const ranges: Ranges = new Map();
  for (const [partition, end] of ends) {
    if (options.partition !== undefined && partition !== options.partition) continue;
    const start = starts.get(partition) ?? 0n;
    if (options.offset !== undefined) {
      const from = options.offset > start ? options.offset : start;
      const to = from + limit < end ? from + limit : end;
      // Past the end: nothing to read.
      ranges.set(partition, { from, to: to > from ? to : from });
    } else {
      ranges.set(partition, { from: end - limit > start ? end - limit : start, to: end });
    }
  }
  return ranges;
}

/** Messages in the order they were written (timestamp, then partition and offset); the last `limit`, or the first from an offset. */
export function pickMessages(messages: TopicMessage[], options: PeekOptions): TopicMessage[] {
  const sorted = [...messages].sort(
    (a, b) => cmp(a.timestamp, b.timestamp) || a.partition - b.partition || cmp(a.offset, b.offset),
  );
  return options.offset !== undefined ? sorted.slice(0, options.limit) : sorted.slice(-options.limit);
}

const cmp = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);

/** Reads the messages `options` asks for from `topic`. A missing topic or partition is an error naming it. */
export async function peekMessages(config: Pick<Config, 'kafkaBrokers'> & Partial<Config>, topic: string, options: PeekOptions): Promise<TopicMessage[]> {
  const [starts, ends] = await withAdmin(config, `reading offsets of ${topic}`, (admin) => Promise.all([topicStartOffsets(admin, topic), topicEndOffsets(admin, topic)]));
  if (ends.size === 0) throw new UserstreamError(ErrorCodes.KAFKA, `the topic ${topic} does not exist (nothing has produced to it yet, or --topic is not the one)`);
  if (options.partition !== undefined && !ends.has(options.partition)) {
    throw new UserstreamError(ErrorCodes.USAGE, `${topic} has partitions 0-${ends.size - 1}; there is no partition ${options.partition}`);
  }
  const out: TopicMessage[] = [];
  await readRanges(config, topic, peekRanges(starts, ends, options), (m) => out.push(m));
  return pickMessages(out, options);
}

/** Bytes as a JSON value: their JSON when they are JSON (a big number kept as written), else their text, else base64. */
function bytesJson(bytes: Buffer): { json: boolean; value: unknown } {
  if (!isUtf8(bytes) || bytes.includes(0)) return { json: false, value: { base64: bytes.toString('base64') } };
  const text = bytes.toString('utf8');
  try {
    // A number JavaScript cannot hold (a 20-digit post code) stays as the message writes it.
    const exact = (_key: string, v: unknown, context?: { source?: string }) =>
      typeof v === 'number' && context?.source !== undefined && String(v) !== context.source ? (JSON as unknown as { rawJSON(s: string): unknown }).rawJSON(context.source) : v;
    return { json: true, value: JSON.parse(text, exact as (key: string, value: unknown) => unknown) as unknown };
  } catch {
    return { json: false, value: text };
  }
}

/**
 * One message as JSON: where it is, when it was written, its key and
 * headers as text, its size in bytes, and its value: JSON shown as JSON, in
 * Confluent's wire format (a zero byte, a 4-byte schema id, the JSON) with
 * the schema id beside the JSON; other text as a string, other bytes in base64.
 */
export function messageJson(topic: string, m: TopicMessage): Record<string, unknown> {
  const bytes = m.value ?? Buffer.alloc(0);
  const payload = jsonPayload(bytes);
  const framed = payload !== bytes ? bytesJson(payload) : undefined;
  const value = framed?.json ? framed : bytesJson(bytes);
  return {
    topic,
    partition: m.partition,
    offset: String(m.offset),
    timestamp: new Date(Number(m.timestamp)).toISOString(),
    key: m.key === null ? null : isUtf8(m.key) ? m.key.toString('utf8') : { base64: m.key.toString('base64') },
    headers: Object.fromEntries(m.headers),
    bytes: bytes.length,
    ...(framed?.json ? { schemaId: bytes.readUInt32BE(1) } : {}),
    value: bytes.length === 0 ? null : value.value,
  };
}
