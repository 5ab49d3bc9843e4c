/**
 * The dead-letter topic, read and replayed. Each dead letter is the original
 * key and bytes, with headers saying why it was refused and where it came
 * from (engines/node/dead-letter.ts and the Spark engine's DLQ query write
 * the same ones). A replay sends the chosen dead letters back to their
 * source topic as they were, with a header naming the DLQ offset; a
 * replayed message refused again is dead-lettered again with that header,
 * so it is known, and a later replay leaves it out unless asked.
 */
import { Producer, ProduceAcks, stringSerializer } from '@platformatic/kafka';
import type { Config } from '../config/options.ts';
import { ErrorCodes, UserstreamError } from '../errors.ts';
import { kafkaError, topicEndOffsets, topicStartOffsets, withAdmin } from '../kafka/admin.ts';
import { baseKafkaOptions } from '../kafka/client-options.ts';
import { readRanges } from '../kafka/reader.ts';

/** The headers of a dead letter. */
export const DLQ_HEADERS = {
  reason: 'userstream.reason',
  topic: 'userstream.source.topic',
  partition: 'userstream.source.partition',
  offset: 'userstream.source.offset',
  timestamp: 'userstream.source.timestamp',
  /** On a replayed message, and on its dead letter if it is refused again: `<dlq topic>:<partition>:<offset>`. */
  replayOf: 'userstream.replay.of',
} as const;

export interface DeadLetterEntry {
  partition: number;
  offset: bigint;
  /** When it was dead-lettered. */
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  reason: string;
  source: { topic: string; partition: number; offset: bigint; timestamp: bigint } | undefined;
  /** The dead letter a replay sent, which was refused again. */
  replayOf: string | undefined;
}

export type DlqConfig = Pick<Config, 'kafkaBrokers' | 'dlqTopic'> & Partial<Config>;

/** Dead letters in [from, to] (inclusive, per partition; default: all of them). */
export async function readDeadLetters(config: DlqConfig, range: { from?: bigint; to?: bigint } = {}): Promise<DeadLetterEntry[]> {
  const [starts, ends] = await withAdmin(config, `reading ${config.dlqTopic}`, (admin) => Promise.all([topicStartOffsets(admin, config.dlqTopic), topicEndOffsets(admin, config.dlqTopic)]));
  if (ends.size === 0) throw new UserstreamError(ErrorCodes.KAFKA, `the dead-letter topic ${config.dlqTopic} does not exist (no engine has run on this topic yet, or --dlq-topic is not the one)`);
  const ranges = new Map(
    [...ends].map(([p, end]) => {
      const from = range.from !== undefined && range.from > (starts.get(p) ?? 0n) ? range.from : (starts.get(p) ?? 0n);
      const to = range.to !== undefined && range.to + 1n < end ? range.to + 1n : end;
      return [p, { from, to }];
    }),
  );
  const out: DeadLetterEntry[] = [];
  await readRanges(config, config.dlqTopic, ranges, (m) => {
    const h = m.headers;
    const topic = h.get(DLQ_HEADERS.topic);
    out.push({
      partition: m.partition,
      offset: m.offset,
      timestamp: m.timestamp,
      key: m.key,
      value: m.value,
      reason: h.get(DLQ_HEADERS.reason) ?? '(no reason header)',
      source: topic
        ? { topic, partition: Number(h.get(DLQ_HEADERS.partition)), offset: BigInt(h.get(DLQ_HEADERS.offset) ?? '-1'), timestamp: BigInt(h.get(DLQ_HEADERS.timestamp) ?? '-1') }
        : undefined,
      replayOf: h.get(DLQ_HEADERS.replayOf),
    });
  });
  return out.sort((a, b) => a.partition - b.partition || (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
}

export interface ReasonSummary {
  reason: string;
  count: number;
  /** How many of them were replays refused again. */
  replayed: number;
  first: bigint;
  last: bigint;
  example: DeadLetterEntry;
}

/**
 * Dead letters by reason, most frequent first. A reason that names a number
 * of bytes is grouped by its limit ("value is N bytes, over the 65536-byte
 * limit"), so one kind of refusal is one line.
 */
export function byReason(entries: DeadLetterEntry[]): ReasonSummary[] {
  const groups = new Map<string, ReasonSummary>();
  for (const e of entries) {
    const reason = reasonKind(e.reason);
    const g = groups.get(reason);
    if (!g) {
      groups.set(reason, { reason, count: 1, replayed: e.replayOf ? 1 : 0, first: e.offset, last: e.offset, example: e });
      continue;
    }
    g.count++;
    if (e.replayOf) g.replayed++;
    if (e.offset < g.first) g.first = e.offset;
    if (e.offset > g.last) g.last = e.offset;
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

/** The kind of a reason: its words with a message's own size left out. */
export function reasonKind(reason: string): string {
  return reason.replace(/^value is \d+ bytes, over/, 'value is N bytes, over');
}

export interface ReplayOptions {
  /** Only dead letters whose reason contains this text (case-insensitive). */
  reason?: string;
  from?: bigint;
  to?: bigint;
  /** Also replays that were refused again (left out by default, so repeated replays do not resend them). */
  includeReplayed?: boolean;
}

/** The dead letters a replay takes. The range ends where the DLQ ends now: what the replay itself sends back is never in it. */
export function selectForReplay(entries: DeadLetterEntry[], options: ReplayOptions): DeadLetterEntry[] {
  const needle = options.reason?.toLowerCase();
  return entries.filter(
    (e) =>
      e.source !== undefined &&
      (options.includeReplayed || !e.replayOf) &&
      (needle === undefined || e.reason.toLowerCase().includes(needle)),
  );
}

/** Where a replayed message says it came from: `<dlq topic>:<partition>:<offset>`. */
export function replayTag(config: DlqConfig, e: DeadLetterEntry): string {
  return `${config.dlqTopic}:${e.partition}:${e.offset}`;
}

/**
 * Sends dead letters back to their source topics with their original key
 * and bytes, and the replay header; resolves once Kafka acknowledged all.
 */
export async function replayDeadLetters(config: DlqConfig, entries: DeadLetterEntry[]): Promise<number> {
  if (entries.length === 0) return 0;
  const producer = new Producer({
    ...baseKafkaOptions(config as Config, 'userstream-dlq-replay'),
    idempotent: true,
    acks: ProduceAcks.ALL,
    serializers: { headerKey: stringSerializer, headerValue: stringSerializer },
  });
  try {
    await producer.send({
      messages: entries.map((e) => ({
        topic: e.source!.topic,
        ...(e.key === null ? {} : { key: e.key }),
        value: e.value ?? Buffer.alloc(0),
        headers: new Map([[DLQ_HEADERS.replayOf, replayTag(config, e)]]),
      })),
    });
  } catch (error) {
    throw kafkaError(`replaying ${entries.length} dead letters`, config, error);
  } finally {
    await producer.close().catch(() => {});
  }
  return entries.length;
}
