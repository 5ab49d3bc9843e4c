/**
 * `npm run bench`: end-to-end throughput, latency, CPU and memory of the
 * pipeline on the real local stack, for each engine, with the ceilings of
 * the same machine beside them. See docs/BENCHMARKS.md.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { cpus, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import cassandra from 'cassandra-driver';
import { Command, InvalidArgumentError } from 'commander';
import { countRows, tokenRanges } from '../cassandra/schema.ts';
import { changeSchema } from '../cassandra/agreement.ts';
import { ErrorCodes, UserstreamError, describeError, exitCode, withCode } from '../errors.ts';
import { connectCassandra } from '../cassandra/session.ts';
import { DEFAULT_ROWS_PER_REQUEST } from '../cassandra/writer.ts';
import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/options.ts';
import { type EngineName, checkEngine } from '../engines/index.ts';
import { pipelineNames } from '../engines/spark/names.ts';
import { Admin } from '@platformatic/kafka';
import { committedOffsets, deleteTopicsWithPrefix, endOffsets, ensureTopics, offsetTotal } from '../kafka/admin.ts';
import { baseKafkaOptions } from '../kafka/client-options.ts';
import { stackServices } from '../stack/index.ts';
import { stackPaths } from '../stack/paths.ts';
import { isOurs, readRunInfo } from '../stack/process.ts';
import { type Child, CLI, runCli, startChild, stopChild, succeeded } from './children.ts';
import { ProcSampler, findPids, machineCpu } from './proc.ts';
import { type BenchResult, CLUSTER_MARKERS, type PhaseResult, goals, renderClusterMarkdown, renderMarkdown, replaceBetweenMarkers } from './report.ts';
import { type LandedRow, busyShare, latenciesIn, latencySummary, perSecondSeries, slope, throughputIn } from './stats.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const ENGINE_CHILD = new URL('./engine-child.ts', import.meta.url).pathname;
const RAW_WRITER = new URL('./raw-writer.ts', import.meta.url).pathname;
import type { RawWriteResult, RawWriterArgs } from './raw-writer.ts';

interface BenchOptions {
  engines: EngineName[];
  rates: number[];
  max: boolean;
  duration: number;
  warmup: number;
  soakMinutes: number;
  rawConcurrency: number;
  /** Seconds of raw writes, not measured, before the Cassandra ceilings: a node just started runs its code cold. */
  cassandraWarmup: number;
  smoke: boolean;
  out: string;
  docs: boolean;
  keep?: string;
  /** Scale-out on the local cluster instead of the single-node phases. */
  cluster: boolean;
  /** --cluster: node engine instances in one group, one drain each. */
  nodeInstances: number[];
  /** --cluster: Spark workers, one drain each; none: one drain on the workers the cluster runs. */
  sparkWorkers: number[];
}

/** A smoke's drain backlog, in records: more than any engine here drains in a smoke's window. */
const SMOKE_BACKLOG = 40_000;
const say = (s: string) => process.stderr.write(`bench: ${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function positive(name: string, allowZero = false) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) throw new InvalidArgumentError(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} number`);
    return n;
  };
}

function parseArgs(argv: string[]): BenchOptions {
  const program = new Command('bench')
    .description('end-to-end throughput, latency, CPU and memory of userstream on the local stack, per engine, beside the producer and raw Cassandra ceilings')
    .option('--engines <list>', 'engines to measure, comma-separated', 'node,spark')
    .option('--rates <list>', 'stepped producer rates (records/s), comma-separated', '1000,5000')
    .option('--no-max', 'skip the unthrottled (max rate) phase')
    .option('--duration <s>', 'seconds measured at steady state per phase', positive('--duration'), 60)
    .option('--warmup <s>', 'seconds run before measuring', positive('--warmup', true), 10)
    .option('--soak-minutes <m>', 'node engine memory run at 1,000 records/s (0 skips)', positive('--soak-minutes', true), 10)
    .option('--raw-concurrency <n>', 'in-flight writes of the raw Cassandra ceiling', positive('--raw-concurrency'), 256)
    .option('--cassandra-warmup <s>', 'seconds of raw writes, not measured, before the Cassandra ceilings (a node just started is slow for a while)', positive('--cassandra-warmup', true), 30)
    .option('--smoke', 'a few seconds per phase, node engine only, no docs: checks the bench works (CI)')
    .option('--out <dir>', 'folder for the JSON results', join(ROOT, 'bench', 'results'))
    .option('--no-docs', 'do not rewrite the table in docs/BENCHMARKS.md')
    .option('--keep <json>', "carry the phases of engines this run does not measure (and the soak, when skipped) over from an earlier run's results")
    .option('--cluster', 'scale-out on the local cluster (stack up --cluster): the raw Cassandra ceiling on the ring, then each engine draining a backlog at each size below')
    .option('--node-instances <list>', '--cluster: node engine instances in one consumer group, comma-separated', '1,2,3')
    .option('--spark-workers <list>', '--cluster: Spark workers (one executor each), comma-separated', '1,2')
    .exitOverride();
  program.parse(argv, { from: 'user' });
  const o = program.opts<{
    engines: string; rates: string; max: boolean; duration: number; warmup: number; soakMinutes: number; rawConcurrency: number; cassandraWarmup: number; smoke?: boolean; out: string;
    docs: boolean; keep?: string; cluster?: boolean; nodeInstances: string; sparkWorkers: string;
  }>();
  const smoke = o.smoke === true;
  // Checked after parse(): Commander prints only what fails inside it, so these are usage errors of ours (printed, exit 2).
  const usage = (message: string) => new UserstreamError(ErrorCodes.USAGE, message);
  const list = (flag: string, v: string) =>
    v.split(',').filter(Boolean).map((r) => {
      try {
        return positive(flag)(r);
      } catch (error) {
        throw usage((error as Error).message);
      }
    });
  const whole = (flag: string, v: string) =>
    list(flag, v).map((n) => {
      if (!Number.isInteger(n)) throw usage(`${flag} takes whole numbers`);
      return n;
    });
  const rates = list('--rates', o.rates);
  const engines = o.engines.split(',').filter(Boolean).map(checkEngine);
  const cluster = { cluster: o.cluster === true, nodeInstances: whole('--node-instances', o.nodeInstances), sparkWorkers: whole('--spark-workers', o.sparkWorkers) };
  if (cluster.cluster && o.keep) throw usage('--keep carries single-node phases; it does not go with --cluster');
  return smoke
    ? {
        engines: cluster.cluster ? engines : ['node'], rates: [500], max: false, duration: 3, warmup: 1, soakMinutes: 0, rawConcurrency: o.rawConcurrency, cassandraWarmup: 1, smoke, out: o.out, docs: false,
        // On the cluster: a group of one and of two, and Spark on the workers the cluster runs (no Connect server restart to resize).
        ...cluster, ...(cluster.cluster ? { nodeInstances: [1, 2], sparkWorkers: [], warmup: 2, duration: 4 } : {}),
      }
    : {
        engines, rates, max: o.max, duration: o.duration, warmup: o.warmup, soakMinutes: o.soakMinutes, rawConcurrency: o.rawConcurrency,
        cassandraWarmup: o.cassandraWarmup, smoke, out: o.out, docs: o.docs, ...(o.keep ? { keep: o.keep } : {}), ...cluster,
      };
}

/** Every row's accept time and Cassandra write time, read back in token ranges. */
async function readLanded(client: cassandra.Client, keyspace: string, table: string): Promise<LandedRow[]> {
  const rows: LandedRow[] = [];
  const cql = `SELECT ingested_at, WRITETIME(first_name) AS wt FROM ${keyspace}.${table} WHERE token(id) > ? AND token(id) <= ?`;
  const queue = tokenRanges(32);
  const Long = cassandra.types.Long;
  const worker = async () => {
    for (let range = queue.pop(); range; range = queue.pop()) {
      const params = range.map((t) => Long.fromString(t.toString()));
      await new Promise<void>((resolve, reject) => {
        client.eachRow(
          cql,
          params,
          { prepare: true, fetchSize: 5000, autoPage: true, readTimeout: 60_000 },
          (_n, row) => {
            const wt = row.get('wt') as cassandra.types.Long;
            rows.push({ ingestedAt: (row.get('ingested_at') as Date).getTime(), writtenAt: wt.toNumber() / 1000 });
          },
          (error) => (error ? reject(error) : resolve()),
        );
      });
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return rows;
}

class Bench {
  readonly config: Config;
  readonly opts: BenchOptions;
  readonly run = randomBytes(3).toString('hex');
  readonly phases: PhaseResult[] = [];
  readonly cleanup: (() => Promise<void>)[] = [];
  cassandra!: cassandra.Client;
  sourceUrl = '';
  source: Child | undefined;

  constructor(config: Config, opts: BenchOptions) {
    this.config = config;
    this.opts = opts;
  }

  servicePid(name: string): number | undefined {
    return readRunInfo(stackPaths(this.config.stackHome).runFile(name))?.pid;
  }

  /** The stack's services named like `pattern` that run now (kafka, or kafka-1 … kafka-3 on the cluster). */
  runningServices(pattern: RegExp): string[] {
    const paths = stackPaths(this.config.stackHome);
    return stackServices(this.config, [], { everyMode: true })
      .map((service) => service.name)
      .filter((name) => pattern.test(name) && isOurs(readRunInfo(paths.runFile(name))))
      .sort();
  }

  /** A sampler already tracking the stack's processes that matter for `engine`: every broker and Cassandra node, and Spark's. */
  sampler(engine?: EngineName): ProcSampler {
    const s = new ProcSampler(1000);
    s.track('source', this.source?.pid);
    for (const name of this.runningServices(/^(kafka|cassandra)(-\d+)?$/)) s.track(name, this.servicePid(name));
    if (engine === 'spark') {
      for (const name of this.runningServices(/^spark-(connect|master|worker(-\d+)?)$/)) s.track(name, this.servicePid(name));
      findPids('CoarseGrainedExecutorBackend').forEach((pid, i) => s.track(`spark-executor${i === 0 ? '' : `-${i}`}`, pid));
    }
    return s;
  }

  names(tag: string) {
    const id = `bench_${this.run}_${tag}`;
    return { topic: id, keyspace: id, groupId: id };
  }

  /** Drops the keyspace when the run ends, whatever happens (a phase that fails leaves it behind otherwise). */
  async dropLater(keyspace: string): Promise<void> {
    this.cleanup.push(() => this.drop(keyspace));
  }

  /**
   * Drops a phase's keyspace as soon as the phase is measured: Cassandra
   * compacts what a phase wrote for minutes afterwards (millions of rows
   * after a ceiling), and that work would otherwise share the CPUs with the
   * phases after it.
   */
  async drop(keyspace: string): Promise<void> {
    // As every schema change: the next phase's keyspace is created on a ring that agrees.
    try {
      const warnings = await changeSchema(this.cassandra, `DROP KEYSPACE IF EXISTS ${keyspace}`, { doing: `dropping ${keyspace}`, what: `DROP KEYSPACE ${keyspace}`, dc: this.config.cassandraDc });
      for (const warning of warnings) say(`  warning: ${warning}`);
    } catch (error) {
      say(`  warning: ${keyspace} is left behind (drop it by hand): ${describeError(error)}`);
    }
  }

  async startSource(): Promise<void> {
    const port = 18000 + Math.floor(Math.random() * 2000);
    this.source = startChild('source', CLI, ['api', '--port', String(port)]);
    this.sourceUrl = `http://127.0.0.1:${port}/api/`;
    for (let i = 0; ; i++) {
      const ok = await fetch(`${this.sourceUrl}?results=1`).then((r) => r.ok).catch(() => false);
      if (ok) return;
      if (i > 100) throw new UserstreamError(ErrorCodes.BENCH, `bench: the built-in source did not answer on ${this.sourceUrl}\n${this.source.stderrTail()}`);
      await sleep(100);
    }
  }

  /** The producer for `seconds`, or until `count` records if that comes first. */
  ingest(topic: string, rate: number, seconds: number, count?: number): Child {
    return startChild('producer', CLI, [
      'ingest', '--source', this.sourceUrl, '--topic', topic, '--rate', String(rate), '--duration', String(seconds), ...(count ? ['--count', String(count)] : []),
      '--kafka-brokers', this.config.kafkaBrokers.join(','), '--partitions', String(this.config.partitions),
    ], { USERSTREAM_LOG_LEVEL: 'warn' });
  }

  async produced(topic: string): Promise<number> {
    return offsetTotal(await endOffsets(this.config, topic));
  }

  async producerCeiling(): Promise<void> {
    const { topic } = this.names('producer');
    await ensureTopics(this.config, [{ name: topic, partitions: this.config.partitions }]);
    const seconds = this.opts.warmup + this.opts.duration;
    say(`ceiling: the producer alone, built-in source over HTTP → Kafka, unthrottled, ${seconds} s`);
    const sampler = this.sampler();
    const producer = this.ingest(topic, 0, seconds);
    sampler.track('producer', producer.pid, { born: true });
    sampler.start();
    // Kafka's own count after the warm-up, not the producer's word for it.
    await sleep(this.opts.warmup * 1000);
    const atWarm = await this.produced(topic);
    const warmAt = Date.now();
    const producerEnd = await succeeded(producer);
    const processes = sampler.stop();
    const total = await this.produced(topic);
    const seconds_ = (producerEnd - warmAt) / 1000;
    this.phases.push({
      phase: 'ceiling:producer', offeredRate: 0, produced: total, landed: 0,
      steady: { rows: total - atWarm, seconds: seconds_, perSecond: (total - atWarm) / seconds_ },
      processes, perSecond: [],
    });
    say(`  ${Math.round((total - atWarm) / seconds_)} records/s into Kafka (${total} in all)`);
  }

  /** The raw writer in its own process, for `seconds` (the first `warmup` of them not measured). */
  async rawWriter(keyspace: string, rowsPerRequest: number, seconds: number, warmup: number, sampler?: ProcSampler): Promise<{ reported: RawWriteResult; processes: PhaseResult['processes'] }> {
    // The engines' consistency and keyspace replication: on the ring, the same quorum writes.
    const args: RawWriterArgs = {
      cassandraHosts: this.config.cassandraHosts, cassandraDc: this.config.cassandraDc, keyspace, table: this.config.table,
      writeConsistency: this.config.writeConsistency, keyspaceReplication: this.config.keyspaceReplication,
      duration: seconds, warmup, concurrency: this.opts.rawConcurrency, rowsPerRequest,
    };
    const writer = startChild('writer', RAW_WRITER, [JSON.stringify(args)]);
    sampler?.track('writer', writer.pid, { born: true });
    sampler?.start();
    let reported: RawWriteResult | undefined;
    writer.onLine((l) => (reported = JSON.parse(l) as RawWriteResult));
    await succeeded(writer);
    const processes = sampler?.stop() ?? {};
    if (!reported) throw new UserstreamError(ErrorCodes.BENCH, `bench: the raw writer reported nothing\n${writer.stderrTail()}`);
    for (const warning of reported.schemaWarnings) say(`  warning: ${warning}`);
    return { reported, processes };
  }

  /** Raw writes, not measured, so the ceilings are not those of a node still running its code cold. */
  async warmCassandra(): Promise<void> {
    const seconds = this.opts.cassandraWarmup;
    if (seconds <= 0) return;
    const { keyspace } = this.names('warm');
    await this.dropLater(keyspace);
    say(`warming Cassandra up: raw writes for ${seconds} s, not measured`);
    const { reported } = await this.rawWriter(keyspace, DEFAULT_ROWS_PER_REQUEST, seconds, 0);
    await this.drop(keyspace);
    say(`  ${Math.round(reported.written / (reported.elapsedMs / 1000))} rows/s${reported.retried > 0 ? `, ${reported.retried} requests sent again` : ''}`);
  }

  /** Raw writes twice: single INSERTs, and unlogged batches per replica set as the node engine sends them; the better is the ceiling. */
  async cassandraCeiling(rowsPerRequest: number): Promise<void> {
    const variant = rowsPerRequest === 1 ? 'single' : 'batched';
    const { keyspace } = this.names(`raw_${variant}`);
    await this.dropLater(keyspace);
    const seconds = this.opts.warmup + this.opts.duration;
    say(`ceiling: raw Cassandra writes, ${rowsPerRequest === 1 ? 'single INSERTs' : `unlogged batches of ${rowsPerRequest} rows`}, ${this.opts.rawConcurrency} requests in flight, ${seconds} s`);
    const cpuFrom = machineCpu();
    const { reported, processes } = await this.rawWriter(keyspace, rowsPerRequest, seconds, this.opts.warmup, this.sampler());
    const machineBusy = busyShare(cpuFrom, machineCpu());
    // Counted by the writer (its writes after the warm-up); Cassandra's own count checks that each is a row.
    const landed = await countRows(this.cassandra, { ...this.config, keyspace });
    await this.drop(keyspace);
    const steady = { rows: reported.steadyWritten, seconds: reported.steadySeconds, perSecond: reported.steadyWritten / reported.steadySeconds };
    this.phases.push({
      phase: `ceiling:cassandra:${variant}`, offeredRate: 0, rowsPerRequest, produced: reported.written, landed, steady,
      latencyMs: reported.latencyMs, processes, perSecond: [], machineBusy,
    });
    say(`  ${Math.round(steady.perSecond)} rows/s (${landed} rows)${reported.retried > 0 ? `; ${reported.retried} requests failed and were sent again` : ''}`);
  }

  async startEngine(
    engine: EngineName,
    names: { topic: string; keyspace: string; groupId: string },
  ): Promise<{ child: Child; stats: () => { written: number }; series: [number, number][]; heapAfterGc: [number, number][] }> {
    await ensureTopics(this.config, [{ name: names.topic, partitions: this.config.partitions }]);
    const overrides = { topic: names.topic, keyspace: names.keyspace, groupId: names.groupId };
    if (engine === 'spark') {
      // The queries' checkpoints would outlive the run, as its topics and keyspaces would
      // (a folder the Spark driver sees: on the local stack, this machine's).
      const { rowsCheckpoint } = pipelineNames({ ...this.config, ...overrides });
      this.cleanup.push(() => rm(dirname(rowsCheckpoint), { recursive: true, force: true }));
    }
    const child = startChild(`${engine} engine`, ENGINE_CHILD, [engine, JSON.stringify(overrides)]);
    let last = { written: 0 };
    const series: [number, number][] = [];
    /** [time, MB]: the heap in use after the latest full collection, at each report that follows a new one. */
    const heapAfterGc: [number, number][] = [];
    let collections = 0;
    const ready = new Promise<void>((resolve, reject) => {
      child.onLine((line) => {
        const o = JSON.parse(line) as { ready?: boolean; written?: number; heapAfterGc?: { mb: number; gcs: number } };
        if (o.ready) resolve();
        if (o.written !== undefined) {
          last = o as { written: number };
          series.push([Date.now(), o.written]);
        }
        const gc = o.heapAfterGc;
        if (gc && gc.gcs !== collections) {
          collections = gc.gcs;
          heapAfterGc.push([Date.now(), gc.mb]);
        }
      });
      void child.exited.then(() => reject(new UserstreamError(ErrorCodes.BENCH, `bench: the ${engine} engine exited before it was ready\n${child.stderrTail()}`)));
    });
    await ready;
    return { child, stats: () => last, series, heapAfterGc };
  }

  async enginePhase(engine: EngineName, rate: number): Promise<void> {
    const phase = rate === 0 ? 'max' : `rate:${rate}`;
    const names = this.names(`${engine}_${rate === 0 ? 'max' : rate}`);
    await this.dropLater(names.keyspace);
    const seconds = this.opts.warmup + this.opts.duration;
    say(`${engine} engine at ${rate === 0 ? 'max rate' : `${rate} records/s`}: starting the engine`);
    const { child: engineChild, stats } = await this.startEngine(engine, names);
    try {
      const sampler = this.sampler(engine);
      sampler.track('engine', engineChild.pid, { born: true });
      sampler.start();
      say(`  producing for ${seconds} s`);
      const producer = this.ingest(names.topic, rate, seconds);
      sampler.track('producer', producer.pid, { born: true });
      const start = producer.startedAt;
      const producerEnd = await succeeded(producer);
      const produced = await this.produced(names.topic);
      say(`  ${produced} produced; waiting for the engine to write them`);
      const deadline = Date.now() + 120_000 + (produced / 500) * 1000;
      while (stats().written < produced) {
        if (Date.now() > deadline) throw new UserstreamError(ErrorCodes.TIMEOUT, `bench: the ${engine} engine wrote ${stats().written} of ${produced} in time`);
        if (engineChild.proc.exitCode !== null) throw new UserstreamError(ErrorCodes.BENCH, `bench: the ${engine} engine died\n${engineChild.stderrTail()}`);
        await sleep(250);
      }
      const processes = sampler.stop();
      const rows = await readLanded(this.cassandra, names.keyspace, this.config.table);
      await this.drop(names.keyspace);
      if (rows.length !== produced) throw new UserstreamError(ErrorCodes.BENCH, `bench: ${produced} records produced but ${rows.length} rows in ${names.keyspace}`);
      const writtenAt = rows.map((r) => r.writtenAt);
      const lastWrite = writtenAt.reduce((a, b) => Math.max(a, b), -Infinity);
      const window = { from: start + this.opts.warmup * 1000, to: producerEnd };
      const steady = throughputIn(writtenAt, window);
      const drainWindow = { from: producerEnd + 1000, to: lastWrite };
      const drain = rate === 0 && drainWindow.to - drainWindow.from >= 5000 ? throughputIn(writtenAt, drainWindow) : undefined;
      const latencyMs = latencySummary(latenciesIn(rows, window));
      this.phases.push({ phase, engine, offeredRate: rate, produced, landed: rows.length, steady, ...(drain ? { drain } : {}), latencyMs, processes, perSecond: perSecondSeries(writtenAt, start, lastWrite + 1) });
      say(`  landed ${Math.round(steady.perSecond)} rows/s${drain ? `, drained ${Math.round(drain.perSecond)} rows/s` : ''}; latency p50 ${Math.round(latencyMs.p50)} ms, p99 ${Math.round(latencyMs.p99)} ms`);
    } finally {
      await stopChild(engineChild);
    }
  }

  /**
   * The engine's capacity: a backlog is produced first (the producer alone,
   * unthrottled), then the engine drains it alone until warm-up + duration
   * seconds have passed since it first reported rows written. The rate is
   * counted from Cassandra afterwards, as the other phases are: the rows
   * whose write time falls between the first row's write time plus the
   * warm-up and the end of the window. The engines' own counts move one
   * batch (node: 8,000 rows, each instance) or one micro-batch (Spark: up to
   * 200,000) at a time, coarser than a smoke's window on a busy ring, and a
   * group's committed offsets can move back after a rebalance (a revoked
   * partition's last commit landing after its new owner's). With
   * `instances`, that many node engine processes in one consumer group: the
   * group's committed offsets, sampled every second, say when it started
   * and when it is done, and Cassandra must hold at least what the group
   * committed. `sparkWorkers` only labels the phase (the caller sized the
   * Spark cluster).
   */
  async drainPhase(engine: EngineName, scale: { instances?: number; sparkWorkers?: number } = {}): Promise<void> {
    const instances = scale.instances ?? 1;
    const tag = scale.sparkWorkers !== undefined ? `_w${scale.sparkWorkers}` : scale.instances !== undefined ? `_x${instances}` : '';
    const names = this.names(`${engine}_drain${tag}`);
    await this.dropLater(names.keyspace);
    await ensureTopics(this.config, [{ name: names.topic, partitions: this.config.partitions }]);
    const seconds = this.opts.warmup + this.opts.duration;
    // Enough for an engine as fast as the producer to stay busy for the whole window. A smoke's
    // backlog is a count, more than an engine drains in a smoke's window (about 4,000/s on the ring)
    // and no more: Spark takes a whole backlog in one micro-batch (150,000 records took 90 s of the
    // cluster smoke to write and read back), and three seconds of the producer were 12,000 records
    // in one run (too few to fill the window) and 56,000 in another.
    const backlogSeconds = this.opts.smoke ? 60 : Math.ceil(seconds * 1.25);
    const backlogCount = this.opts.smoke ? SMOKE_BACKLOG : undefined;
    const what = `${engine} engine${instances > 1 ? ` × ${instances}` : ''}${scale.sparkWorkers !== undefined ? ` on ${scale.sparkWorkers} Spark worker(s)` : ''}`;
    say(`${what} draining a backlog: producing ${backlogCount ? `${backlogCount} records` : `for ${backlogSeconds} s`} first`);
    await succeeded(this.ingest(names.topic, 0, backlogSeconds, backlogCount));
    const produced = await this.produced(names.topic);
    say(`  ${produced} records waiting; the ${what} drain${instances > 1 ? '' : 's'} them for ${seconds} s`);
    const engines: Awaited<ReturnType<Bench['startEngine']>>[] = [];
    let processes;
    let machineBusy = 0;
    let stoppedAt: number;
    // A group: what it has committed, every second.
    const group = engine === 'node' && scale.instances !== undefined ? { series: [] as [number, number][], admin: new Admin({ ...baseKafkaOptions(this.config, `bench-${this.run}-offsets`), timeout: 5000 }), on: true } : undefined;
    const groupSampler = (async () => {
      while (group?.on) {
        const done = await committedOffsets(group.admin, names.groupId, names.topic).catch(() => undefined);
        if (done) group.series.push([Date.now(), offsetTotal(done)]);
        await sleep(1000);
      }
    })();
    try {
      // Started one after the other, each ready (in the group) before the next; the window starts when all are.
      for (let i = 0; i < instances; i++) engines.push(await this.startEngine(engine, names));
      const written = () => (group ? (group.series.at(-1)?.[1] ?? 0) : engines[0]!.stats().written);
      // The window starts at the first rows written, not at subscription: the
      // capacity, not the start-up (Spark's first micro-batch on a Connect
      // server just started takes seconds).
      for (const until = Date.now() + 120_000; written() === 0 && Date.now() < until; ) {
        for (const e of engines) if (e.child.proc.exitCode !== null) throw new UserstreamError(ErrorCodes.BENCH, `bench: the ${engine} engine died\n${e.child.stderrTail()}`);
        await sleep(250);
      }
      const readyAt = Date.now();
      const sampler = this.sampler(engine);
      engines.forEach((e, i) => sampler.track(instances > 1 ? `engine-${i + 1}` : 'engine', e.child.pid, { born: true }));
      sampler.start();
      const until = readyAt + seconds * 1000;
      let cpuFrom: ReturnType<typeof machineCpu> | undefined;
      while (Date.now() < until && written() < produced) {
        for (const e of engines) if (e.child.proc.exitCode !== null) throw new UserstreamError(ErrorCodes.BENCH, `bench: the ${engine} engine died\n${e.child.stderrTail()}`);
        if (!cpuFrom && Date.now() >= readyAt + this.opts.warmup * 1000) cpuFrom = machineCpu();
        await sleep(250);
      }
      if (cpuFrom) machineBusy = busyShare(cpuFrom, machineCpu());
      processes = sampler.stop();
      stoppedAt = Date.now();
    } finally {
      if (group) group.on = false;
      await groupSampler;
      await group?.admin.close().catch(() => {});
      for (const e of engines) await stopChild(e.child);
    }
    const series = group ? group.series : engines[0]!.series;
    const reported = series.at(-1)?.[1] ?? 0;
    const writtenAt = (await readLanded(this.cassandra, names.keyspace, this.config.table)).map((r) => r.writtenAt);
    const landed = writtenAt.length;
    await this.drop(names.keyspace);
    if (landed < reported) throw new UserstreamError(ErrorCodes.BENCH, `bench: the ${what} ${group ? 'committed' : 'reported written'} ${reported} but ${names.keyspace} has ${landed} rows`);
    const firstWrite = writtenAt.reduce((a, b) => Math.min(a, b), Infinity);
    const lastWrite = writtenAt.reduce((a, b) => Math.max(a, b), -Infinity);
    const window = { from: firstWrite + this.opts.warmup * 1000, to: Math.min(firstWrite + seconds * 1000, stoppedAt, lastWrite + 1) };
    if (!(window.to - window.from >= 1000)) throw new UserstreamError(ErrorCodes.BENCH, `bench: the ${what} wrote too little after its warm-up to measure (${landed} rows)`);
    const drain = throughputIn(writtenAt, window);
    if (window.to === lastWrite + 1 && landed === produced) say('  (the backlog ran out early; the window is shorter)');
    this.phases.push({
      phase: 'drain', engine, offeredRate: 0, produced, landed, steady: drain, drain, processes,
      perSecond: perSecondSeries(writtenAt, firstWrite, lastWrite + 1),
      ...(scale.instances !== undefined ? { instances } : {}),
      ...(scale.sparkWorkers !== undefined ? { sparkWorkers: scale.sparkWorkers } : {}),
      machineBusy,
    });
    say(`  drained ${Math.round(drain.perSecond)} rows/s over ${drain.seconds.toFixed(0)} s (${landed} rows), the machine's cores ${Math.round(machineBusy * 100)}% busy`);
  }

  async soak(): Promise<void> {
    const minutes = this.opts.soakMinutes;
    const names = this.names('node_soak');
    await this.dropLater(names.keyspace);
    say(`node engine memory: ${minutes} min at 1,000 records/s`);
    const { child: engineChild, stats, heapAfterGc } = await this.startEngine('node', names);
    try {
      const sampler = this.sampler('node');
      sampler.track('engine', engineChild.pid, { born: true });
      sampler.start();
      const producer = this.ingest(names.topic, 1000, minutes * 60);
      sampler.track('producer', producer.pid, { born: true });
      const start = producer.startedAt;
      const producerEnd = await succeeded(producer);
      const produced = await this.produced(names.topic);
      while (stats().written < produced) await sleep(250);
      const series = sampler.rssSeries('engine');
      const processes = sampler.stop();
      // Growth after the first minute (JIT, pools and buffers fill up first),
      // and over the second half: V8 touching the heap pages it has committed
      // grows RSS fast at first and then levels off; a leak goes on growing.
      const after = series.filter(([t]) => t >= 60);
      const mbPerS = slope(after);
      const lastT = series.at(-1)?.[0] ?? 0;
      const lateMbPerS = slope(series.filter(([t]) => t >= lastT / 2));
      const e = processes.engine!;
      // The heap after each full collection, from the end of the first minute.
      const heap = heapAfterGc.map(([at, mb]): [number, number] => [(at - start) / 1000, mb]).filter(([t]) => t >= 60);
      const heapAfterGcStats = heap.length >= 2
        ? { slopeMbPerMin: slope(heap) * 60, firstMb: heap[0]![1], lastMb: heap.at(-1)![1], samples: heap.length }
        : undefined;
      this.phases.push({
        phase: 'soak', engine: 'node', offeredRate: 1000, produced, landed: stats().written,
        steady: { rows: produced, seconds: (producerEnd - start) / 1000, perSecond: produced / ((producerEnd - start) / 1000) },
        processes, perSecond: [],
        memory: { slopeMbPerMin: mbPerS * 60, lateSlopeMbPerMin: lateMbPerS * 60, firstMb: after[0]?.[1] ?? e.firstRssMb, lastMb: e.lastRssMb, peakMb: e.peakRssMb, minutes: (producerEnd - start) / 60_000,
          ...(heapAfterGcStats ? { heapAfterGc: heapAfterGcStats } : {}),
          rssSeries: series.filter((_, i) => i % 10 === 0).map(([t, mb]) => [Math.round(t), Math.round(mb)]),
        },
      });
      say(`  RSS ${Math.round(after[0]?.[1] ?? 0)} → ${Math.round(e.lastRssMb)} MB, ${(mbPerS * 60).toFixed(2)} MB/min after the first minute, ${(lateMbPerS * 60).toFixed(2)} MB/min in the second half`);
      if (heapAfterGcStats) say(`  heap after full collections ${Math.round(heapAfterGcStats.firstMb)} → ${Math.round(heapAfterGcStats.lastMb)} MB, ${heapAfterGcStats.slopeMbPerMin.toFixed(2)} MB/min (${heapAfterGcStats.samples} samples)`);
    } finally {
      await stopChild(engineChild);
    }
  }
}

function versions(config: Config): Record<string, string> {
  const pkg = (name: string) => {
    try {
      return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return '?';
    }
  };
  return {
    userstream: (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version,
    'Node.js': process.versions.node,
    Kafka: config.kafkaMode === 'zookeeper' ? `${config.kafkaZookeeperVersion} (ZooKeeper mode)` : config.kafkaVersion,
    Cassandra: config.cassandraVersion,
    Spark: config.sparkVersion,
    'cassandra-driver': pkg('cassandra-driver'),
    '@platformatic/kafka': pkg('@platformatic/kafka'),
  };
}

/** The name of a run's results file, from its start time. */
function resultsFile(startedAt: string, smoke = false): string {
  return `${startedAt.replace(/[:.]/g, '-')}${smoke ? '-smoke' : ''}.json`;
}

/** The results file a run wrote, found by its start time in the folder of another; undefined if it is not there. */
function readRun(dir: string, startedAt: string): BenchResult | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, resultsFile(startedAt)), 'utf8')) as BenchResult;
  } catch {
    return undefined;
  }
}

/**
 * Phases of an earlier run this one did not measure, marked with the start of
 * the run that measured them, and the ceilings of that run: a carried engine
 * is divided by the ceiling measured beside it, never by today's.
 */
export function carried(opts: Pick<BenchOptions, 'keep' | 'engines' | 'soakMinutes'>): PhaseResult[] {
  if (!opts.keep) return [];
  const earlier = JSON.parse(readFileSync(opts.keep, 'utf8')) as BenchResult;
  const engines = earlier.phases
    .filter((p) => p.engine && (p.phase === 'soak' ? opts.soakMinutes === 0 : !opts.engines.includes(p.engine)))
    .map((p) => ({ ...p, carriedFrom: p.carriedFrom ?? earlier.startedAt }));
  const ceilings: PhaseResult[] = [];
  for (const run of new Set(engines.map((p) => p.carriedFrom))) {
    const inEarlier = earlier.phases.filter((p) => !p.engine && p.phase.startsWith('ceiling:') && (p.carriedFrom ?? earlier.startedAt) === run);
    const own = inEarlier.length > 0 ? inEarlier : (readRun(dirname(opts.keep), run)?.phases.filter((p) => !p.engine && !p.carriedFrom && p.phase.startsWith('ceiling:')) ?? []);
    ceilings.push(...own.map((p) => ({ ...p, carriedFrom: run })));
  }
  return [...engines, ...ceilings];
}

/** Stops the source, drops what the run left in Cassandra and Kafka, and closes the session. */
async function cleanUp(bench: Bench): Promise<void> {
  if (bench.source) await stopChild(bench.source);
  for (const c of bench.cleanup) await c();
  // The run's topics hold millions of records (gigabytes on disk).
  await deleteTopicsWithPrefix(bench.config, bench.names('').topic).catch((error: Error) => say(`could not delete the run's topics: ${error.message}`));
  await bench.cassandra.shutdown();
}

/** What every results file says about its run: when, the machine, the versions. */
function runFacts(startedAt: string, opts: BenchOptions, config: Config): Pick<BenchResult, 'startedAt' | 'finishedAt' | 'smoke' | 'machine' | 'versions'> {
  return {
    startedAt,
    finishedAt: new Date().toISOString(),
    smoke: opts.smoke,
    machine: { cpus: cpus().length, model: cpus()[0]?.model.trim() ?? '?', memoryGb: totalmem() / 2 ** 30, kernel: release() },
    versions: versions(config),
  };
}

/** Writes the results file and, unless told not to, the table between `markers` in docs/BENCHMARKS.md; prints the markdown. */
function publish(result: BenchResult, opts: BenchOptions, markdown: string, markers?: { begin: string; end: string }, suffix = ''): void {
  mkdirSync(opts.out, { recursive: true });
  const file = join(opts.out, resultsFile(result.startedAt, opts.smoke).replace(/\.json$/, `${suffix}.json`));
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  say(`results: ${file}`);
  if (opts.docs) {
    const docPath = join(ROOT, 'docs', 'BENCHMARKS.md');
    let doc = '# Benchmarks\n';
    try {
      doc = readFileSync(docPath, 'utf8');
    } catch {}
    writeFileSync(docPath, replaceBetweenMarkers(doc, markdown, markers));
    say(`table: ${docPath}`);
  }
  process.stdout.write(`${markdown}\n`);
}

export async function main(argv: string[]): Promise<number> {
  const opts = parseArgs(argv);
  if (opts.cluster) return clusterMain(opts);
  const config = loadConfig({}, process.env);
  const startedAt = new Date().toISOString();
  const services = opts.engines.includes('spark') ? ['kafka', 'cassandra', 'spark'] : ['kafka', 'cassandra'];
  say(`starting the stack: ${services.join(', ')}`);
  if ((await runCli(['stack', 'up', ...services])) !== 0) throw new UserstreamError(ErrorCodes.STACK_START, 'bench: the local stack did not start');

  const bench = new Bench(config, opts);
  bench.cassandra = await connectCassandra(config);
  try {
    await bench.startSource();
    await bench.producerCeiling();
    await bench.warmCassandra();
    await bench.cassandraCeiling(1);
    await bench.cassandraCeiling(DEFAULT_ROWS_PER_REQUEST);
    for (const engine of opts.engines) {
      for (const rate of opts.rates) await bench.enginePhase(engine, rate);
      if (opts.max) {
        await bench.enginePhase(engine, 0);
        await bench.drainPhase(engine);
      }
    }
    if (opts.soakMinutes > 0 && opts.engines.includes('node')) await bench.soak();
  } finally {
    await cleanUp(bench);
  }

  const result: BenchResult = {
    ...runFacts(startedAt, opts, config),
    settings: {
      partitions: config.partitions,
      'engine concurrency': config.concurrency,
      'engine rows per Cassandra request': DEFAULT_ROWS_PER_REQUEST,
      'raw writer requests in flight': opts.rawConcurrency,
      'Cassandra warm-up before the ceilings': `${opts.cassandraWarmup} s`,
      'seconds per phase': `${opts.warmup} warm-up + ${opts.duration}`,
    },
    phases: [...bench.phases, ...carried(opts)],
  };
  publish(result, opts, renderMarkdown(result));
  for (const g of goals(result)) say(`goal: ${g.goal} ${g.target}: ${g.measured}${g.met === false ? ' — NOT MET' : ''}`);
  return 0;
}

/**
 * `npm run bench -- --cluster`: scale-out on the local cluster. The raw
 * Cassandra ceiling on the ring (the engines' consistency and replication),
 * then the node engine draining a backlog with 1, 2, 3 instances in one
 * group, and the Spark engine with 1 and 2 workers (the Connect server
 * restarted for each size other than the running one, so its executors are
 * on exactly those workers).
 * Every phase records how busy the machine's cores were: where they are
 * all busy, more instances cannot go faster here, whatever the design.
 */
async function clusterMain(opts: BenchOptions): Promise<number> {
  // This process, the engines and the CLI it starts all default to the cluster's addresses.
  process.env.USERSTREAM_CLUSTER = 'true';
  const config = loadConfig({}, process.env);
  const startedAt = new Date().toISOString();
  say(`starting the local cluster: ${config.kafkaNodes} brokers, ${config.cassandraNodes} Cassandra nodes, ${config.sparkWorkers} Spark workers`);
  if ((await runCli(['stack', 'up'])) !== 0) throw new UserstreamError(ErrorCodes.STACK_START, 'bench: the local cluster did not start');
  const tooMany = opts.nodeInstances.filter((n) => n > config.partitions);
  if (tooMany.length > 0) say(`note: the topics have ${config.partitions} partitions; instances beyond that (${tooMany.join(', ')}) stand idle in the group`);

  const bench = new Bench(config, opts);
  bench.cassandra = await connectCassandra(config);
  // The Connect server `stack up` started has an executor on each of the cluster's workers.
  let size = config.sparkWorkers;
  try {
    await bench.startSource();
    await bench.warmCassandra();
    await bench.cassandraCeiling(DEFAULT_ROWS_PER_REQUEST);
    if (opts.engines.includes('node')) for (const n of opts.nodeInstances) await bench.drainPhase('node', { instances: n });
    if (opts.engines.includes('spark')) {
      for (const w of opts.sparkWorkers.length > 0 ? opts.sparkWorkers : [size]) {
        if (w !== size) {
          size = w; // before the restart: a failed one is restored below too
          await sizeSpark(bench, w);
        }
        await bench.drainPhase('spark', { sparkWorkers: w });
      }
    }
  } finally {
    await cleanUp(bench);
    // Leave the cluster as `stack up --cluster` makes it.
    if (size !== config.sparkWorkers) await sizeSpark(bench, config.sparkWorkers).catch((error: Error) => say(`could not restore the Spark cluster: ${error.message}`));
  }

  const result: BenchResult = {
    ...runFacts(startedAt, opts, config),
    settings: {
      cluster: `${config.kafkaNodes} Kafka brokers, ${config.cassandraNodes} Cassandra nodes, Spark workers as below`,
      partitions: config.partitions,
      'topic replication': config.replicationFactor === 'auto' ? `auto (${config.kafkaNodes >= 3 ? 3 : 1} here)` : String(config.replicationFactor),
      'keyspace replication': config.keyspaceReplication === 'auto' ? `auto (${config.cassandraNodes >= 3 ? 3 : 1} here)` : String(config.keyspaceReplication),
      'write consistency': config.writeConsistency ?? 'LOCAL_QUORUM',
      'engine concurrency': config.concurrency,
      'raw writer requests in flight': opts.rawConcurrency,
      'seconds per phase': `${opts.warmup} warm-up + ${opts.duration}`,
    },
    phases: bench.phases,
  };
  publish(result, opts, renderClusterMarkdown(result), CLUSTER_MARKERS, '-cluster');
  return 0;
}

/** The Spark cluster with `workers` workers: workers above that stopped, the Connect server started again for that size. */
async function sizeSpark(bench: Bench, workers: number): Promise<void> {
  const extra = bench.runningServices(/^spark-worker-\d+$/).filter((n) => Number(n.split('-').pop()) > workers);
  say(`Spark on ${workers} worker(s): restarting the Connect server${extra.length > 0 ? `, stopping ${extra.join(', ')}` : ''}`);
  if ((await runCli(['stack', 'down', 'spark-connect', ...extra])) !== 0) throw new UserstreamError(ErrorCodes.BENCH, 'bench: could not stop the Spark Connect server');
  if ((await runCli(['stack', 'up', '--spark-workers', String(workers)])) !== 0) throw new UserstreamError(ErrorCodes.STACK_START, `bench: the Spark cluster did not start with ${workers} worker(s)`);
}

if (import.meta.main) {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (error) {
    const e = error as Error & { code?: string };
    if (e.code?.startsWith('commander.')) {
      process.exitCode = e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : 2;
    } else {
      process.stderr.write(`${withCode(e, e.message)}\n`);
      process.exitCode = exitCode(e);
    }
  }
}


