/**
 * The bench on the local cluster (`npm run bench -- --cluster`, clusterMain):
 * the raw Cassandra ceiling on the ring, then each engine draining a backlog
 * at each size, with sizeSpark resizing the Spark cluster between sizes. A
 * run of its own kind, with its own settings and table, so it has its own
 * module beside main.ts's single-node run.
 */
import { connectCassandra } from '../cassandra/session.ts';
import { DEFAULT_ROWS_PER_REQUEST } from '../cassandra/writer.ts';
import { loadConfig } from '../config/load.ts';
import { ErrorCodes, UserstreamError } from '../errors.ts';
import { Bench, cleanUp, say } from './bench.ts';
import { cassandraCeiling, warmCassandra } from './ceilings.ts';
import { runCli } from './children.ts';
import { drainPhase } from './drain.ts';
import type { BenchOptions } from './options.ts';
import { type BenchResult, CLUSTER_MARKERS, renderClusterMarkdown } from './report.ts';
import { publish, runFacts } from './results.ts';

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
export async function clusterMain(opts: BenchOptions): Promise<number> {
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
    await warmCassandra(bench);
    await cassandraCeiling(bench, DEFAULT_ROWS_PER_REQUEST);
    if (opts.engines.includes('node')) for (const n of opts.nodeInstances) await drainPhase(bench, 'node', { instances: n });
    if (opts.engines.includes('spark')) {
      for (const w of opts.sparkWorkers.length > 0 ? opts.sparkWorkers : [size]) {
        if (w !== size) {
          size = w; // before the restart: a failed one is restored below too
          await sizeSpark(bench, w);
        }
        await drainPhase(bench, 'spark', { sparkWorkers: w });
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
