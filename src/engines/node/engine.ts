import type cassandra from 'cassandra-driver';
import type { Logger } from 'pino';
import type { Config } from '../../config/options.ts';
import { connectCassandra } from '../../cassandra/session.ts';
import { CassandraWriter } from '../../cassandra/writer.ts';
import { ErrorCodes, UserstreamError, describeError } from '../../errors.ts';
import { kafkaError } from '../../kafka/admin.ts';
import { engineCommitted, engineLag } from '../committed.ts';
import { preparePipeline } from '../prepare.ts';
import { closeConsumer, consumeTopic, createRawConsumer, type RawConsumer, type RawMessage, type RawStream } from '../../kafka/consumer.ts';
import { createRecordProducer, type RecordProducer } from '../../kafka/producer.ts';
import { sendDeadLetters } from './dead-letter.ts';
import { BATCH_ATTEMPT_MS, Batch } from './batch.ts';
import { COMMIT_MS, commitsToSend } from './commits.ts';
import { withDeadline } from './deadline.ts';
import { metrics, observeLatency } from '../../metrics/metrics.ts';
import { BACKOFF, backoffMs, every, until } from '../../retry.ts';

export type NodeEngineConfig = Pick<Config, 'kafkaBrokers' | 'topic' | 'dlqTopic' | 'partitions' | 'groupId' | 'maxMessageBytes' | 'cassandraHosts' | 'cassandraDc' | 'keyspace' | 'table' | 'concurrency'>;

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
    let attempt = 0;
    let last: unknown;
    await until(`Kafka to take the subscription to ${this.#config.topic}`, async () => {
      attempt++;
      try {
        await this.#subscribe();
        if (attempt > 1) this.#log.info(`node engine: consuming ${this.#config.topic} again (attempt ${attempt})`);
        return { done: true, value: undefined };
      } catch (error) {
        await closeConsumer(this.#consumer);
        last = error;
        return this.#stopping ? { done: true, value: undefined } : { done: false, saw: describeError(error) };
      }
    }, {
      deadline,
      pause: every(2000),
      onWait: (saw) => this.#log.warn(`node engine: cannot subscribe yet (${saw}); trying again in 2 s`),
      fail: () => new UserstreamError(ErrorCodes.KAFKA, `Kafka unreachable for ${this.#kafkaOutageMs / 1000} s: ${describeError(last)}`, { cause: last }),
    });
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
    return engineCommitted('node', this.#config);
  }

  /** Messages after the group's committed offsets: not yet written (or dead-lettered) and committed. */
  async lag(): Promise<bigint> {
    return BigInt((await engineLag('node', this.#config)).total ?? 0);
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
        const delay = backoffMs(attempt, BACKOFF.engineBatch);
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
