/**
 * `npm run bench`: end-to-end throughput, latency, CPU and memory of the
 * pipeline on the real local stack, for each engine, with the ceilings of
 * the same machine beside them. See docs/BENCHMARKS.md. This file is the
 * single-node run in order and the process's exit code; the run's state is
 * bench.ts, each phase a module of its own (ceilings.ts, engine-phase.ts,
 * drain.ts, soak.ts), and options.ts, results.ts and cluster.ts the command
 * line, what a run writes, and the run on the local cluster.
 */
import { connectCassandra } from '../cassandra/session.ts';
import { DEFAULT_ROWS_PER_REQUEST } from '../cassandra/writer.ts';
import { loadConfig } from '../config/load.ts';
import { engineServices, ingestServices } from '../engines/services.ts';
import { ErrorCodes, UserstreamError, exitCode, withCode } from '../errors.ts';
import { Bench, cleanUp, say } from './bench.ts';
import { cassandraCeiling, producerCeiling, warmCassandra } from './ceilings.ts';
import { runCli } from './children.ts';
import { clusterMain } from './cluster.ts';
import { drainPhase } from './drain.ts';
import { enginePhase } from './engine-phase.ts';
import { parseArgs } from './options.ts';
import { type BenchResult, goals, renderMarkdown } from './report.ts';
import { carried, publish, runFacts } from './results.ts';
import { soak } from './soak.ts';

export async function main(argv: string[]): Promise<number> {
  const opts = parseArgs(argv);
  if (opts.cluster) return clusterMain(opts);
  const config = loadConfig({}, process.env);
  const startedAt = new Date().toISOString();
  // The bench's producer ingests like `up` does: the registry too, when one is configured.
  const services = [...engineServices(...opts.engines), ...ingestServices(config.schemaRegistryUrl)];
  say(`starting the stack: ${services.join(', ')}`);
  if ((await runCli(['stack', 'up', ...services])) !== 0) throw new UserstreamError(ErrorCodes.STACK_START, 'bench: the local stack did not start');

  const bench = new Bench(config, opts);
  bench.cassandra = await connectCassandra(config);
  try {
    await bench.startSource();
    await producerCeiling(bench);
    await warmCassandra(bench);
    await cassandraCeiling(bench, 1);
    await cassandraCeiling(bench, DEFAULT_ROWS_PER_REQUEST);
    for (const engine of opts.engines) {
      for (const rate of opts.rates) await enginePhase(bench, engine, rate);
      if (opts.max) {
        await enginePhase(bench, engine, 0);
        await drainPhase(bench, engine);
      }
    }
    if (opts.soakMinutes > 0 && opts.engines.includes('node')) await soak(bench);
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
