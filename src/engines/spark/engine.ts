/**
 * The Spark engine: the original's Structured Streaming job — Kafka →
 * from_json → Cassandra with a checkpoint — sent as plans to a Spark Connect
 * server by the TypeScript client, plus a second query over the same topic
 * that routes the messages the first one rejects to the DLQ topic.
 *
 * Delivery: the Cassandra query's checkpoint advances only after a batch is
 * written, and a replayed batch upserts the same rows by id, so each accepted
 * record is in Cassandra exactly once. The DLQ query writes with Kafka's
 * at-least-once sink: after a crash a dead letter may appear twice.
 */
import type { Logger } from 'pino';
import { preparePipeline } from '../prepare.ts';
import { connectCassandra } from '../../cassandra/session.ts';
import type { Config } from '../../config/options.ts';
import { ErrorCodes, UserstreamError, describeError, errorDetail, javaReason } from '../../errors.ts';
import { endOffsets } from '../../kafka/admin.ts';
import { every, until } from '../../retry.ts';
import { partitionStates, totalLag } from '../../kafka/lag.ts';
import { SparkConnectError, SparkSession, type StreamingQuery } from '../../spark-connect/index.ts';
import type { EngineStats } from '../node/engine.ts';
import type { SparkConnectionConfig } from './connection-options.ts';
import { latencySamples, unmeasuredRows } from './query.ts';
import { pipelineNames } from './names.ts';
import { pipelineQueries } from './plans.ts';
import { DATA_LOSS, dataLossError, launchRetryMs, startQuery } from './recovery.ts';
import { metrics, observeLatencySamples } from '../../metrics/metrics.ts';
import { RunTally, type Offsets as TopicOffsets, type Totals } from '../tally.ts';
import { committedSparkOffsets, slowerOf } from './checkpoint.ts';

export type SparkEngineConfig = Pick<
  Config,
  | 'kafkaBrokers' | 'topic' | 'dlqTopic' | 'partitions' | 'maxMessageBytes'
  | 'cassandraHosts' | 'cassandraDc' | 'keyspace' | 'table'
  | 'sparkConnectUrl' | 'sparkCheckpointDir' | 'sparkKafkaBrokers' | 'sparkCassandraHosts'
> & SparkConnectionConfig;

export interface SparkEngineOptions {
  config: SparkEngineConfig;
  log: Logger;
  /** Micro-batch interval (default 1 second). */
  trigger?: string;
  /** Upper bound of Kafka messages per micro-batch. */
  maxOffsetsPerTrigger?: number;
  /** More options for the Cassandra sink (`spark.cassandra.output.*`). */
  sinkOptions?: Record<string, string>;
  /**
   * How long the engine keeps starting its queries again after they stop
   * with an error or Spark Connect goes away (a broker, node or server
   * restart) before it gives up.
   */
  outageMs?: number;
}

/** Kafka source offsets of a progress report: topic → partition → next offset. */
type Offsets = Record<string, Record<string, number>>;

export class SparkEngine {
  readonly stats: EngineStats = { consumed: 0, written: 0, deadLettered: 0, batches: 0, retries: 0 };
  readonly #config: SparkEngineConfig;
  readonly #log: Logger;
  readonly #trigger: string;
  readonly #maxOffsets: number;
  readonly #sinkOptions: Record<string, string>;
  #spark: SparkSession | undefined;
  #rows: StreamingQuery | undefined;
  #dlq: StreamingQuery | undefined;
  #seen = { rows: new Set<number>(), dlq: new Set<number>() };
  #ends = { rows: {} as Offsets, dlq: {} as Offsets };
  #watch: NodeJS.Timeout | undefined;
  #stopping = false;
  readonly #outageMs: number;
  #recovering = false;
  /** Since when the queries have been failing without a rows batch committed in between. */
  #failingSince: number | undefined;
  /** Since when polling has failed with transient errors (Spark Connect unreachable). */
  #unreachableSince: number | undefined;
  #done = Promise.withResolvers<void>();
  /** Counts what the queries committed since start(); the stats and counters follow it. */
  #tally: RunTally | undefined;
  #counted: Totals = { processed: 0, written: 0, deadLettered: 0 };
  #countedAt = 0;
  #counting: Promise<void> | undefined;

  constructor(options: SparkEngineOptions) {
    this.#config = options.config;
    this.#log = options.log;
    this.#trigger = options.trigger ?? '1 second';
    this.#maxOffsets = options.maxOffsetsPerTrigger ?? 200_000;
    this.#sinkOptions = options.sinkOptions ?? {};
    this.#outageMs = options.outageMs ?? 300_000;
    this.#done.promise.catch(() => {});
  }

  /** Creates what is missing, (re)starts both queries, and watches them. */
  async start(): Promise<void> {
    const c = this.#config;
    const client = await connectCassandra(c);
    try {
      await preparePipeline(c, client, this.#log);
    } finally {
      await client.shutdown();
    }
    this.#tally = await RunTally.begin(c, await this.committed());
    try {
      await this.#launch();
    } catch (error) {
      // Spark Connect restarting: keep trying for a minute (not the whole
      // outage window: a server that is not there at all is one clear error).
      this.#log.warn(`spark engine: ${describeError(error)}; trying again in 5 s`);
      await this.#relaunchUntil(Date.now() + Math.min(launchRetryMs(error), this.#outageMs));
    }
  }

  /** Starts the queries again every 5 s until it works; throws when the deadline passes. */
  async #relaunchUntil(deadline: number): Promise<void> {
    await this.#stopQueries();
    await new Promise((r) => setTimeout(r, 5000));
    let attempt = 0;
    let last: unknown;
    await until(
      'the Spark queries to run again',
      async () => {
        if (this.#stopping) return { done: true, value: undefined };
        attempt++;
        try {
          await this.#launch();
          this.#log.info(`spark engine: queries running again (attempt ${attempt})`);
          return { done: true, value: undefined };
        } catch (retryError) {
          last = retryError;
          await this.#stopQueries();
          return { done: false, saw: describeError(retryError) };
        }
      },
      {
        deadline,
        pause: every(5000),
        onWait: (saw) => this.#log.warn(`spark engine: not yet (${saw}); trying again in 5 s`),
        fail: () => (last instanceof UserstreamError ? last : new UserstreamError(ErrorCodes.SPARK, describeError(last), { cause: last })),
      },
    );
  }

  /** Connects to Spark Connect and (re)starts both queries from their checkpoints. */
  async #launch(): Promise<void> {
    const c = this.#config;
    const names = pipelineNames(c);
    const url = `${c.sparkConnectUrl.replace(/\/?(;.*)?$/, '')}/;session_id=${names.sessionId}`;
    const spark = SparkSession.connect(url);
    this.#spark = spark;
    try {
      await spark.version();
    } catch (error) {
      throw new UserstreamError(ErrorCodes.SPARK, `cannot reach Spark Connect at ${c.sparkConnectUrl}: ${(error as Error).message}`, { cause: error });
    }
    // Queries a previous run of this pipeline left running: stop them, then
    // start again from the checkpoints (which is where they were).
    for (const q of await spark.streams.active()) {
      if (q.name === names.rowsQuery || q.name === names.dlqQuery) {
        this.#log.warn(`spark engine: stopping ${q.name}, left running by an earlier run; it resumes from its checkpoint`);
        await q.stop();
      }
    }

    const { rows, dlq } = pipelineQueries(spark, c, names, { trigger: this.#trigger, maxOffsets: this.#maxOffsets, sinkOptions: this.#sinkOptions });
    this.#rows = await startQuery(names.rowsQuery, () => rows.start());
    this.#dlq = await startQuery(names.dlqQuery, () => dlq.start());
    this.#log.info(`spark engine: ${c.topic} → ${c.keyspace}.${c.table} (query ${names.rowsQuery}), rejects → ${c.dlqTopic}; checkpoints in ${c.sparkCheckpointDir}`);
    this.#watch = setInterval(() => void this.#poll(), 1000);
  }

  /** Resolves when the engine has stopped; rejects if a query failed. */
  get finished(): Promise<void> {
    return this.#done.promise;
  }

  /** Reads the queries' progress: counts what they wrote, notices a failure. */
  async #poll(): Promise<void> {
    if (this.#stopping || this.#recovering) return;
    try {
      for (const [kind, q] of [['rows', this.#rows], ['dlq', this.#dlq]] as const) {
        if (!q) continue;
        if (!(await q.isActive())) {
          const error = await q.exception();
          const first = error?.message.split('\n')[0] ?? 'no error reported';
          // Spark's Kafka source stops when the topic no longer has what the checkpoint
          // expects; starting again from the same checkpoint stops the same way.
          if (DATA_LOSS.test(first)) this.#fail(dataLossError(this.#config, first, error));
          else void this.#recover(new UserstreamError(ErrorCodes.SPARK, `Spark query ${q.name} stopped: ${error ? javaReason(error.message) : first}`, { cause: error }));
          return;
        }
        for (const p of await q.recentProgress()) this.#account(kind, p);
      }
      this.#unreachableSince = undefined;
      void this.#count();
    } catch (error) {
      if (error instanceof SparkConnectError && error.transient) {
        this.#unreachableSince ??= Date.now();
        // A short blip passes; a server that stays away took the queries with it.
        if (Date.now() - this.#unreachableSince < 10_000) {
          this.#log.warn(`spark engine: ${error.message}; will ask again`);
          return;
        }
      }
      void this.#recover(error as Error);
    }
  }

  /**
   * A query stopped with an error (Kafka or Cassandra went away under it) or
   * Spark Connect did (the server restarted): start the queries again from
   * their checkpoints, every 5 s, until it works or the outage outlasts
   * `outageMs`. Batches that did not commit are read again and upserted again.
   */
  async #recover(error: Error): Promise<void> {
    if (this.#stopping || this.#recovering) return;
    this.#recovering = true;
    this.#unreachableSince = undefined;
    clearInterval(this.#watch);
    // A query that starts and fails again, batch after batch, is not an outage that passes.
    this.#failingSince ??= Date.now();
    if (Date.now() - this.#failingSince > this.#outageMs) {
      this.#recovering = false;
      this.#fail(new UserstreamError(ErrorCodes.SPARK, `the Spark queries kept stopping for ${Math.round(this.#outageMs / 1000)} s without a batch written; the last error: ${describeError(error)}`, { cause: error }));
      return;
    }
    this.#log.warn(`spark engine: ${describeError(error)}; starting the queries again from their checkpoints (the Java stack is in the Spark Connect server's log; --verbose prints it here)`);
    this.#log.debug(`spark engine: ${errorDetail(error)}`);
    try {
      await this.#relaunchUntil(Date.now() + this.#outageMs);
      this.stats.retries++;
    } catch (fatal) {
      this.#recovering = false;
      this.#fail(fatal as Error);
      return;
    }
    this.#recovering = false;
  }

  /**
   * A progress report: the batch count and latency samples (rows batches),
   * and each query's position, from its cumulative end offsets. What was
   * written and dead-lettered is not summed from reports — a restart loses
   * the reports of batches that ended just before it — but counted from the
   * committed offsets (#count).
   */
  #account(kind: 'rows' | 'dlq', progress: Record<string, unknown>): void {
    const batch = Number(progress.batchId);
    if (this.#seen[kind].has(batch)) return;
    this.#seen[kind].add(batch);
    if (kind === 'rows') {
      this.#failingSince = undefined;
      this.stats.batches++;
      metrics.batches.labels('spark').inc();
      observeLatencySamples('spark', latencySamples(progress));
      const unmeasured = unmeasuredRows(progress);
      if (unmeasured > 0) metrics.unmeasured.labels('spark').inc(unmeasured);
    }
    const sources = (progress.sources ?? []) as { endOffset?: string | Offsets }[];
    for (const s of sources) {
      const end = typeof s.endOffset === 'string' ? (JSON.parse(s.endOffset) as Offsets) : s.endOffset;
      if (end) this.#ends[kind] = end;
    }
  }

  /**
   * The pipeline's committed position: the slower query's checkpoint, read
   * from the checkpoint folder when the driver shares this disk (the local
   * stack), else from the queries' progress reports.
   */
  async committed(): Promise<TopicOffsets | undefined> {
    const c = this.#config;
    const local = committedSparkOffsets(pipelineNames(c), c.topic);
    if (local) return local;
    const fromProgress = (kind: 'rows' | 'dlq') => {
      const at = this.#ends[kind][c.topic];
      return at ? new Map(Object.entries(at).map(([p, o]) => [Number(p), BigInt(o)])) : undefined;
    };
    return slowerOf(fromProgress('rows'), fromProgress('dlq'));
  }

  /**
   * Brings `stats` and the counters up to what is committed: messages
   * processed, written and dead-lettered since start() (src/engines/tally.ts).
   * At most every 5 s unless `now`; the counters only grow. A count that
   * cannot be made (Kafka unreachable for a moment) is a warning, and the
   * next one catches up: the counts come from offsets, not from increments.
   */
  #count(now = false): Promise<void> {
    return this.#countOnce(now).catch((error: Error) => this.#log.warn(`spark engine: counting what was written: ${describeError(error)}`));
  }

  async #countOnce(now: boolean): Promise<void> {
    if (!this.#tally || (!now && Date.now() - this.#countedAt < 5000)) return;
    const running = this.#counting;
    if (running) {
      // One asked for now must see the position after the count running.
      await running.catch(() => {});
      if (!now) return;
    }
    this.#counting = (async () => {
      const committed = await this.committed();
      if (!committed) return;
      const t = await this.#tally!.totals(committed);
      const was = this.#counted;
      // A count that read an older position than the last one applied changes nothing.
      if (t.processed < was.processed) return;
      metrics.consumed.labels('spark').inc(Math.max(0, t.processed - was.processed));
      metrics.written.labels('spark').inc(Math.max(0, t.written - was.written));
      metrics.deadLettered.labels('spark').inc(Math.max(0, t.deadLettered - was.deadLettered));
      this.#counted = t;
      this.stats.consumed = t.processed;
      this.stats.written = t.written;
      this.stats.deadLettered = t.deadLettered;
      this.#countedAt = Date.now();
    })().finally(() => {
      this.#counting = undefined;
    });
    return this.#counting;
  }

  /**
   * Messages after the last committed batch of the slower query: both have
   * to reach the topic's end before every message is in Cassandra or the DLQ.
   */
  async lag(): Promise<bigint> {
    await this.#poll();
    const [ends, done] = await Promise.all([endOffsets(this.#config, this.#config.topic), this.committed()]);
    // Nothing committed yet: the whole topic waits.
    const lag = BigInt(totalLag(partitionStates(ends, done ?? new Map())) ?? 0);
    // Caught up: the counts are final for now.
    if (lag === 0n) await this.#count(true);
    return lag;
  }

  async caughtUp(): Promise<boolean> {
    return (await this.lag()) === 0n;
  }

  /** Stops both queries (the current batch finishes or is redone from the checkpoint) and disconnects. */
  async stop(): Promise<void> {
    if (this.#stopping) return this.#done.promise;
    this.#stopping = true;
    clearInterval(this.#watch);
    await this.#stopQueries();
    // What the queries committed before they stopped.
    await this.#count(true);
    this.#done.resolve();
    return this.#done.promise;
  }

  /** Stops both queries (errors ignored: they may be gone already) and closes the session. */
  async #stopQueries(): Promise<void> {
    await Promise.all([this.#rows?.stop().catch(() => {}), this.#dlq?.stop().catch(() => {})]);
    this.#spark?.stop();
  }

  #fail(error: Error): void {
    if (this.#stopping) return;
    this.#log.error(`spark engine: ${error.message}`);
    this.#stopping = true;
    clearInterval(this.#watch);
    void this.#stopQueries().finally(() => this.#done.reject(error));
  }
}
