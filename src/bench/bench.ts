/**
 * One bench run (Bench): its config and options, its id (the prefix of every
 * topic, keyspace and group it makes), the phases measured so far, what to
 * clean up, and what every phase uses — the built-in source, a producer, the
 * stack's processes to sample, the names of a phase's topic and keyspace, and
 * dropping a keyspace; cleanUp undoes what the run left. The phases
 * (ceilings.ts, engine-phase.ts, drain.ts, soak.ts) are functions of a Bench,
 * each in its own module, so this one holds only what they share.
 */
import { randomBytes } from 'node:crypto';
import type cassandra from 'cassandra-driver';
import { changeSchema } from '../cassandra/agreement.ts';
import type { Config } from '../config/options.ts';
import type { EngineName } from '../engines/index.ts';
import { ErrorCodes, UserstreamError, describeError } from '../errors.ts';
import { deleteTopicsWithPrefix, endOffsets, offsetTotal } from '../kafka/admin.ts';
import { stackServices } from '../stack/index.ts';
import { stackPaths } from '../stack/paths.ts';
import { isOurs, readRunInfo } from '../stack/process.ts';
import { type Child, CLI, startChild, stopChild } from './children.ts';
import type { BenchOptions } from './options.ts';
import { ProcSampler, findPids } from './proc.ts';
import type { PhaseResult } from './report.ts';

export const say = (s: string) => process.stderr.write(`bench: ${s}\n`);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Bench {
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
}

/** Stops the source, drops what the run left in Cassandra and Kafka, and closes the session. */
export async function cleanUp(bench: Bench): Promise<void> {
  if (bench.source) await stopChild(bench.source);
  for (const c of bench.cleanup) await c();
  // The run's topics hold millions of records (gigabytes on disk).
  await deleteTopicsWithPrefix(bench.config, bench.names('').topic).catch((error: Error) => say(`could not delete the run's topics: ${error.message}`));
  await bench.cassandra.shutdown();
}
