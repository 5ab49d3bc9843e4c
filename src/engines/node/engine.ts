import type cassandra from 'cassandra-driver';
import type { Logger } from 'pino';
import type { Config } from '../../config/options.ts';
import { connectCassandra } from '../../cassandra/session.ts';
import { CassandraWriter, RECORD_ROWS, type RowEncoding } from '../../cassandra/writer.ts';
import { ErrorCodes, UserstreamError, describeError } from '../../errors.ts';
import { committedOffsets, groupLag, kafkaError, withAdmin } from '../../kafka/admin.ts';
import { preparePipeline } from '../prepare.ts';
import { closeConsumer, consumeTopic, createRawConsumer, type RawConsumer, type RawMessage, type RawStream } from '../../kafka/consumer.ts';
import { createRecordProducer, type RecordProducer } from '../../kafka/producer.ts';
import { jsonPayload, parseRecord, type UserRecord } from '../../record/record.ts';
import { KEY_BYTES, WIRE_FIELD, WIRE_SLOTS, readWire, writeKeys } from '../../record/wire.ts';
import { type DeadLetter, sendDeadLetters } from './dead-letter.ts';
import { metrics, observeLatency } from '../../metrics/metrics.ts';

export type NodeEngineConfig = Pick<
  Config,
  | 'kafkaBrokers' | 'topic' | 'dlqTopic' | 'partitions' | 'groupId' | 'maxMessageBytes'
  | 'cassandraHosts' | 'cassandraDc' | 'keyspace' | 'table' | 'concurrency'
>;

export interface EngineStats {
  consumed: number;
  written: number;
  deadLettered: number;
  batches: number;
  /** Batch attempts that failed and were retried. */
  retries: number;
}

export interface NodeEngineOptions {
  config: NodeEngineConfig;
  log: Logger;
  clientId?: string;
  /** Messages per batch before it is written without waiting for more. */
  batchSize?: number;
  /** How long a partial batch waits for more messages. */
  lingerMs?: number;
  /**
   * Batches written at the same time. With 2 the next batch's writes start
   * while the last one's tail is still in flight; offsets are still committed
   * in batch order, each only after every batch before it.
   */
  pipeline?: number;
  /** How long Kafka may be unreachable (a broker restart) before the engine gives up. */
  kafkaOutageMs?: number;
}

/**
 * The consumer-group engine: validate → upsert into Cassandra → commit.
 * A batch is committed only after its rows are written and its bad messages
 * are acknowledged by the DLQ topic; a batch that fails is retried whole
 * (the writes are idempotent upserts), so nothing accepted is lost and
 * nothing is written twice with different content.
 */
export class NodeEngine {
  readonly stats: EngineStats = { consumed: 0, written: 0, deadLettered: 0, batches: 0, retries: 0 };
  readonly #config: NodeEngineConfig;
  readonly #log: Logger;
  readonly #clientId: string;
  readonly #batchSize: number;
  readonly #lingerMs: number;
  readonly #kafkaOutageMs: number;
  #reconnecting = false;
  /** Which consumer the batches come from: a reconnect replaces it, and a batch of the old one cannot be committed. */
  #generation = 0;
  #client: cassandra.Client | undefined;
  #writer: CassandraWriter | undefined;
  #dlq: RecordProducer | undefined;
  #consumer: RawConsumer | undefined;
  #stream: RawStream | undefined;
  /** Full batches waiting for the pipeline, oldest first. */
  #queue: Batch[] = [];
  /** The batch messages are added to; taken when full or after the linger. */
  #open: Batch;
  #timer: NodeJS.Timeout | undefined;
  #timerDelay = 0;
  readonly #pipeline: number;
  /** The last batch started: resolves once it and every batch before it are written and their commits sent. */
  #tail: Promise<void> = Promise.resolve();
  /** Per partition, the last message whose offset the group acknowledged from this engine. */
  readonly #acked = new Map<number, bigint>();
  /** Commits sent and not yet settled: `stop` waits for them. */
  readonly #commits = new Set<Promise<void>>();
  #flushing = 0;
  #stopping = false;
  #failure: Error | undefined;
  #done: { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void };

  constructor(options: NodeEngineOptions) {
    this.#config = options.config;
    this.#log = options.log;
    this.#clientId = options.clientId ?? `userstream-node-${process.pid}`;
    // 8,000 rows (1,000 requests) per batch: at each batch's end the requests
    // in flight run out, and a Cassandra with fewer writes to do spends more
    // CPU on each; four times fewer ends drained about 10% faster (docs/BENCHMARKS.md).
    this.#batchSize = options.batchSize ?? 8000;
    this.#open = new Batch(this.#batchSize, this.#config.maxMessageBytes);
    this.#lingerMs = options.lingerMs ?? 25;
    this.#pipeline = Math.max(1, options.pipeline ?? 2);
    this.#kafkaOutageMs = options.kafkaOutageMs ?? 300_000;
    this.#done = Promise.withResolvers<void>();
    this.#done.promise.catch(() => {});
  }

  /** Connects, creates what is missing, and starts consuming. Resolves once subscribed. */
  async start(): Promise<void> {
    const c = this.#config;
    this.#client = await connectCassandra(c, { concurrency: c.concurrency });
    await preparePipeline(c, this.#client, this.#log);
    this.#writer = new CassandraWriter(this.#client, { ...c, concurrency: c.concurrency });
    this.#dlq = createRecordProducer(c, `${this.#clientId}-dlq`);
    await this.#subscribeUntil(Date.now() + this.#kafkaOutageMs);
    this.#log.info(`node engine: consuming ${c.topic} as group ${c.groupId} into ${c.keyspace}.${c.table}`);
  }

  /** Subscribes, trying again every 2 s while Kafka does not answer, until the deadline. */
  async #subscribeUntil(deadline: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#subscribe();
        if (attempt > 1) this.#log.info(`node engine: consuming ${this.#config.topic} again (attempt ${attempt})`);
        return;
      } catch (error) {
        await closeConsumer(this.#consumer);
        if (this.#stopping) return;
        if (Date.now() > deadline) {
          throw new UserstreamError(ErrorCodes.KAFKA, `Kafka unreachable for ${this.#kafkaOutageMs / 1000} s: ${describeError(error)}`, { cause: error });
        }
        this.#log.warn(`node engine: cannot subscribe yet (${describeError(error)}); trying again in 2 s`);
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
  }

  async #subscribe(): Promise<void> {
    const c = this.#config;
    const consumer = createRawConsumer(c, this.#clientId);
    this.#consumer = consumer;
    const stream = await consumeTopic(consumer, c, c.topic);
    this.#stream = stream;
    stream.on('data', (message: RawMessage) => this.#onMessage(message));
    stream.on('error', (error: Error) => void this.#reconnect(kafkaError(`consuming ${c.topic}`, c, error), stream));
  }

  /**
   * Kafka went away (a broker restart, a network cut): drop the consumer and
   * what it buffered, and subscribe again until Kafka answers or the outage
   * outlasts `kafkaOutageMs`. Nothing buffered was committed, so the group
   * delivers it again from its committed offsets; a batch being written
   * finishes, and its commit, if it fails, only means a second delivery.
   */
  async #reconnect(error: Error, from: RawStream): Promise<void> {
    if (this.#stopping || this.#reconnecting || from !== this.#stream) return;
    this.#reconnecting = true;
    this.#generation++;
    const c = this.#config;
    this.#log.warn(`node engine: lost Kafka (${describeError(error)}); subscribing again; uncommitted messages will be delivered again`);
    from.removeAllListeners('data');
    from.on('error', () => {});
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#queue = [];
    this.#open = new Batch(this.#batchSize, this.#config.maxMessageBytes);
    await from.close().catch(() => {});
    await closeConsumer(this.#consumer);
    try {
      await this.#subscribeUntil(Date.now() + this.#kafkaOutageMs);
      this.#log.info(`node engine: consuming ${c.topic} again`);
    } catch (fatal) {
      this.#fail(fatal as Error);
    } finally {
      this.#reconnecting = false;
    }
  }

  /** The group's committed offsets: below them every message is written or dead-lettered. */
  committed(): Promise<Map<number, bigint>> {
    const c = this.#config;
    return withAdmin(c, `reading the offsets of group ${c.groupId}`, (admin) => committedOffsets(admin, c.groupId, c.topic));
  }

  /** Messages after the group's committed offsets: not yet written (or dead-lettered) and committed. */
  lag(): Promise<bigint> {
    return groupLag(this.#config, this.#config.groupId, this.#config.topic);
  }

  /** True when the group has committed every message up to the topic's current end. */
  async caughtUp(): Promise<boolean> {
    return (await this.lag()) === 0n;
  }

  /** Resolves when the engine has stopped; rejects if it failed. */
  get finished(): Promise<void> {
    return this.#done.promise;
  }

  /** Writes and commits what it holds, then closes every connection. */
  async stop(): Promise<void> {
    if (this.#stopping) return this.#done.promise;
    this.#stopping = true;
    this.#stream?.pause();
    clearTimeout(this.#timer);
    await this.#tail.catch(() => {});
    while (this.#pending() && !this.#failure) await this.#startFlush().catch(() => {});
    // Each is bounded by COMMIT_MS.
    await Promise.allSettled([...this.#commits]);
    await this.#stream?.close().catch(() => {});
    await closeConsumer(this.#consumer);
    await this.#dlq?.close().catch(() => {});
    await this.#client?.shutdown().catch(() => {});
    if (this.#failure) this.#done.reject(this.#failure);
    else this.#done.resolve();
    return this.#done.promise;
  }

  #onMessage(message: RawMessage): void {
    // Validated on arrival, so a batch waiting for the pipeline holds rows,
    // not Kafka's message objects: less for the garbage collector to copy.
    this.#open.add(message);
    this.stats.consumed++;
    if (this.#open.size >= this.#batchSize) {
      this.#queue.push(this.#open);
      this.#open = new Batch(this.#batchSize, this.#config.maxMessageBytes);
      // Backpressure: a full batch waits here, the rest stays in Kafka. Without
      // the pause a backlog would be read into memory faster than it is written.
      this.#stream?.pause();
      if (this.#canFlush()) this.#schedule(0);
    } else if (this.#canFlush() && !this.#timer) {
      this.#schedule(this.#lingerMs);
    }
  }

  #schedule(delay: number): void {
    // A flush already due at once stays due: re-arming it on every message
    // would put it off for as long as messages keep arriving.
    if (this.#timer && this.#timerDelay === 0) return;
    clearTimeout(this.#timer);
    this.#timerDelay = delay;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.#canFlush() || this.#stopping || !this.#pending()) return;
      this.#startFlush()
        .catch((error: Error) => this.#fail(error))
        .finally(() => this.#next());
      // The next batch fills while this one is written.
      this.#next();
    }, delay);
  }

  /**
   * After a batch is taken or done: read on while the buffer holds less than
   * a batch, and schedule what it holds if the pipeline has room (a full
   * batch at once, a partial one after the linger).
   */
  #next(): void {
    if (this.#stopping) return;
    if (this.#queue.length === 0) this.#stream?.resume();
    if (this.#pending() && this.#canFlush()) this.#schedule(this.#queue.length > 0 ? 0 : this.#lingerMs);
  }

  #pending(): boolean {
    return this.#queue.length > 0 || this.#open.size > 0;
  }

  #canFlush(): boolean {
    return this.#flushing < this.#pipeline;
  }

  /** Takes the next batch (the oldest full one, else the one filling); resolves once it is written and its commit sent. */
  #startFlush(): Promise<void> {
    let batch = this.#queue.shift();
    if (!batch) {
      batch = this.#open;
      this.#open = new Batch(this.#batchSize, this.#config.maxMessageBytes);
    }
    // Counted as a batch is taken, not per message: a labelled increment costs more than the rest of a message's bookkeeping.
    metrics.consumed.labels('node').inc(batch.size);
    const before = this.#tail;
    this.#flushing++;
    const done = this.#flush(batch, before, this.#generation).finally(() => this.#flushing--);
    this.#tail = done;
    return done;
  }

  async #flush(batch: Batch, before: Promise<void>, generation: number): Promise<void> {
    const { rows, bad } = batch;
    const written = [...rows.values()];
    for (let attempt = 0; ; attempt++) {
      try {
        await withDeadline(
          Promise.all([this.#writer!.writeBatch(written, batch.encoding), sendDeadLetters(this.#dlq!, this.#config.dlqTopic, bad)]),
          BATCH_ATTEMPT_MS,
          `the batch of ${batch.size} was not acknowledged within ${BATCH_ATTEMPT_MS / 1000} s`,
        );
        break;
      } catch (error) {
        if (this.#stopping && attempt >= 2) throw error;
        this.stats.retries++;
        metrics.retries.labels('node').inc();
        const delay = Math.min(10_000, 250 * 2 ** attempt);
        this.#log.warn(`node engine: batch of ${batch.size} failed (${describeError(error)}); retrying in ${delay} ms`);
        // A DLQ send that failed or hung may hold metadata of a broker that is gone
        // (the cluster suite saw one never settle): the next attempt gets a fresh producer.
        if (bad.length > 0) this.#renewDeadLetterProducer();
        await new Promise((r) => setTimeout(r, delay));
      }
    }
    // The latency runs to the rows acknowledged by Cassandra, now; it is
    // observed with the count, once the commit covers them.
    const acknowledged = Date.now();
    const ingestedAt = Float64Array.from(batch.ingestedAt(written));
    for (const b of bad) this.#log.warn(`node engine: dead-lettered ${b.message.topic}/${b.message.partition}@${b.message.offset}: ${b.reason}`);
    // Offsets move forward in batch order only: a batch before this one that
    // failed rejects here, and this batch's offsets, which are past its
    // messages, are not committed.
    await before;
    if (generation !== this.#generation) {
      // Its consumer was closed by a reconnect: a commit through it fails or
      // never answers (the cluster suite waited 30 s on each), and the new
      // consumer starts from the committed offsets, so these messages come
      // again and are upserted again.
      this.#log.warn(`node engine: not committing a batch of ${batch.size} read before Kafka was lost; its messages will be re-delivered`);
      return;
    }
    // Sent, not awaited: the next batch is written while this commit is on
    // its way. A commit waits on the group coordinator alone, and awaiting
    // one from a coordinator that stops answering (a paused broker) would
    // hold every write behind it for the 30 s of the request timeout while
    // the partitions' new leaders serve the messages. The consumer sends
    // one commit at a time and merges those waiting, keeping the highest
    // offset of each partition, so a later batch's commit never moves a
    // partition back; the batch order above is what makes an offset safe to
    // send.
    this.#track(this.#commit(batch.last), { size: batch.size, good: batch.good, bad: bad.length, ingestedAt, acknowledged });
  }

  /**
   * Counts a batch once its commit is acknowledged (so a count says what the
   * group committed), or says it will be delivered again.
   */
  #track(commit: Promise<void>, batch: { size: number; good: number; bad: number; ingestedAt: Float64Array; acknowledged: number }): void {
    const settled = withDeadline(commit, COMMIT_MS, `the commit was not acknowledged within ${COMMIT_MS / 1000} s`).then(
      () => {
        this.stats.written += batch.good;
        this.stats.deadLettered += batch.bad;
        this.stats.batches++;
        metrics.written.labels('node').inc(batch.good);
        if (batch.bad > 0) metrics.deadLettered.labels('node').inc(batch.bad);
        metrics.batches.labels('node').inc();
        observeLatency('node', batch.ingestedAt, batch.acknowledged);
      },
      (error: Error) => {
        // Bounded by the deadline: a commit sent on a consumer that a
        // reconnect closed, or to a coordinator that died, may never settle.
        // The rows are written; an offset that cannot be committed (a
        // rebalance moved the partition, the coordinator restarted) only
        // means these messages are delivered again and upserted again: no
        // loss, no change. A later batch's commit covers the partitions it
        // shares with this one, and then they are not.
        this.#log.warn(`node engine: commit failed (${describeError(error)}); ${batch.size} messages will be delivered again unless a later commit covers them`);
      },
    );
    this.#commits.add(settled);
    void settled.finally(() => this.#commits.delete(settled));
  }

  #renewDeadLetterProducer(): void {
    const old = this.#dlq;
    this.#dlq = createRecordProducer(this.#config, `${this.#clientId}-dlq`);
    // Not awaited: a producer stuck on a dead broker may not close promptly.
    void old?.close().catch(() => {});
  }

  /**
   * Commits the offset after the last message of each partition in the
   * batch, except where that would move the group back (commitsToSend).
   */
  async #commit(last: Map<number, RawMessage>): Promise<void> {
    const assigned = this.#consumer?.assignments?.find((a) => a.topic === this.#config.topic);
    const owned = assigned ? new Set(assigned.partitions) : undefined;
    const acked = this.#acked;
    await Promise.all(
      commitsToSend(last.values(), owned, acked).map(async (m) => {
        await m.commit();
        if ((acked.get(m.partition) ?? -1n) < m.offset) acked.set(m.partition, m.offset);
      }),
    );
  }

  #fail(error: Error): void {
    if (this.#failure) return;
    this.#failure = error;
    this.#log.error(`node engine: ${describeError(error)}`);
    void this.stop();
  }
}

/**
 * How long one attempt at a batch (its rows written, its dead letters
 * acknowledged) may take before it is given up and tried again. The writes
 * are upserts and the dead letters at-least-once, so an attempt that
 * finishes late does no harm; one that never finishes would hold back every
 * later commit.
 */
const BATCH_ATTEMPT_MS = 60_000;

/**
 * Which of a batch's last messages (one per partition) to commit. A commit
 * is an offset set, not a maximum: Kafka keeps the last one it is sent,
 * and a commit that lands late moves the partition back. Two cases:
 * - a partition a rebalance gave to another member: its batch may still be
 *   in flight here when the new owner, which started from the committed
 *   offset, commits past it (the cluster bench saw the group's offsets go
 *   back this way with two and three instances). The new owner writes
 *   those messages again and commits them.
 * - an offset at or below one the group acknowledged from this engine:
 *   after a rebalance the consumer starts again from the committed offsets
 *   of the partitions it keeps, and the batches it is still writing have
 *   moved them on, so the messages delivered again end below.
 * Skipping a commit never loses a record, it only means a second delivery.
 * `owned` undefined: the assignment is not known, every partition is kept.
 * Not covered: a commit made while the consumer is rejoining, which
 * @platformatic/kafka holds and sends after the join under the new
 * generation (waiting for the consumer's isActive() instead held every
 * commit on the cluster: it is false for long stretches between heartbeats).
 */
export function commitsToSend<M extends { partition: number; offset: bigint }>(
  last: Iterable<M>,
  owned: ReadonlySet<number> | undefined,
  acked: ReadonlyMap<number, bigint>,
): M[] {
  const out: M[] = [];
  for (const m of last) {
    if (owned && !owned.has(m.partition)) continue;
    if ((acked.get(m.partition) ?? -1n) >= m.offset) continue;
    out.push(m);
  }
  return out;
}

/** How long a batch's offset commit may take; past it the batch counts as not committed (delivered again). */
const COMMIT_MS = 30_000;

/** `work`, or a rejection with `message` once `ms` pass (the work itself goes on). */
export function withDeadline<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UserstreamError(ErrorCodes.TIMEOUT, message, { canRetry: true })), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

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
class Batch {
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
