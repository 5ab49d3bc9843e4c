/**
 * The bench's command line: the options of a run (BenchOptions) and how
 * `npm run bench -- …` becomes them (parseArgs, with --smoke and --cluster
 * choosing their own phases and sizes), and ROOT, the checkout, under which
 * the results and docs/BENCHMARKS.md are written. Parsing has its own module
 * so that what a run measures is read in one place, apart from how it is
 * measured (the phase modules) and reported (results.ts).
 */
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { ErrorCodes, UserstreamError } from '../errors.ts';
import { type EngineName, checkEngine } from '../engines/index.ts';

export const ROOT = new URL('../..', import.meta.url).pathname;

export interface BenchOptions {
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

function positive(name: string, allowZero = false) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) throw new InvalidArgumentError(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} number`);
    return n;
  };
}

export function parseArgs(argv: string[]): BenchOptions {
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
