import type { Logger } from 'pino';
import { DAG_ID } from '../../airflow/client.ts';
import type { IngestProgress } from '../../ingest/ingest.ts';
import { formatIngestSummary, parseIngestSummary } from '../../ingest/summary.ts';
import { airflowClient, failureReason, runConf, runDag } from '../dag-run.ts';
import { Command } from 'commander';
import type cassandra from 'cassandra-driver';
import { countRows } from '../../cassandra/schema.ts';
import { cassandraView, kafkaView, sparkWorkersView } from '../../cluster/health.ts';
import { RunTally } from '../../engines/tally.ts';
import { endOffsets } from '../../kafka/admin.ts';
import { connectCassandra } from '../../cassandra/session.ts';
import type { Config } from '../../config/options.ts';
import { sparkMasterUiUrl } from '../../config/stack-addresses.ts';
import { startDashboard } from '../../dashboard/run.ts';
import { type EngineName, checkEngine, createEngine } from '../../engines/index.ts';
import { engineServices, ingestServices } from '../../engines/services.ts';
import { ErrorCodes, UserstreamError } from '../../errors.ts';
import { localStackClientConfig } from '../../stack/index.ts';
import { configFrom, withOptions } from '../options.ts';
import { onShutdown } from '../shutdown.ts';
import { runIngest } from '../ingest-run.ts';
import { bringUp } from '../bring-up.ts';

/**
 * The main job's pace unless --rate says otherwise: a steady stream both
 * engines keep up with on a 2-core machine, so rows arrive while the ingest
 * runs and the job ends soon after it. `--rate 0` removes the ceiling.
 */
export const UP_DEFAULT_RATE = 2000;

/** The services the main job needs: the engine's, and the registry and Airflow for its ingest. */
function upServices(engine: EngineName, airflow: boolean, schemaRegistryUrl: string | undefined): string[] {
  return [...engineServices(engine), ...ingestServices(schemaRegistryUrl), ...(airflow ? ['airflow'] : [])];
}

/** The ingest, run as the Airflow DAG's task: trigger, wait, read the task log. */
async function ingestThroughAirflow(config: Config, log: Logger): Promise<IngestProgress> {
  const started = performance.now();
  const { run, log: taskLog } = await runDag(airflowClient(config), runConf(config), (s) => log.info(`airflow: ${s}`));
  if (run.state !== 'success') {
    throw new UserstreamError(ErrorCodes.AIRFLOW, `Airflow run ${run.dag_run_id} of ${DAG_ID} failed: ${failureReason(taskLog)}`);
  }
  // The task runs `userstream ingest --summary-json`: its summary is one JSON line of the log.
  const summary = parseIngestSummary(taskLog);
  if (!summary) throw new UserstreamError(ErrorCodes.AIRFLOW, `Airflow run ${run.dag_run_id} succeeded but its task log has no ingest summary`);
  log.info(`airflow: run ${run.dag_run_id} succeeded; its log is in the Airflow UI, ${config.airflowUrl}/dags/${DAG_ID}`);
  return { ...summary, elapsedMs: summary.elapsedMs || performance.now() - started };
}

/** The cluster the run went through, in one line: brokers and the topic's replication, nodes and the keyspace's, workers. */
async function clusterLine(config: Config, client: cassandra.Client, engine: string): Promise<string> {
  const kafka = await kafkaView(config, [config.topic], Array.from({ length: config.kafkaNodes }, (_, i) => i + 1));
  const nodes = await cassandraView(client);
  const ks = client.metadata.keyspaces[config.keyspace] as unknown as { strategy?: string; strategyOptions?: Record<string, string> } | undefined;
  const replication = ks?.strategyOptions ? Object.entries(ks.strategyOptions).filter(([k]) => k !== 'class').map(([k, v]) => `${k}:${v}`).join(',') : '?';
  const workers = engine === 'spark' ? await sparkWorkersView(sparkMasterUiUrl(config)) : undefined;
  const up = (n: number, of: number, what: string) => `${n === of ? of : `${n} of ${of}`} ${what}${of === 1 ? '' : 's'}`;
  return [
    `${up(kafka.brokers.filter((b) => b.up).length, kafka.brokers.length, 'Kafka broker')} (${config.topic} replicated ${kafka.replication[config.topic] ?? '?'} times)`,
    `${up(nodes.filter((n) => n.up).length, nodes.length, 'Cassandra node')} (${config.keyspace} ${ks?.strategy?.replace(/^.*\./, '') ?? '?'} ${replication}, writes ${config.writeConsistency})`,
    // The master keeps a killed worker listed as DEAD for a while beside the one that replaced it: count the live ones.
    ...(workers ? [up(workers.filter((w) => w.state === 'ALIVE').length, config.sparkWorkers, 'Spark worker')] : []),
  ].join(', ');
}

export function upCommand(): Command {
  return withOptions(new Command('up'), ['ingest', 'kafka', 'registry', 'cassandra', 'spark', 'airflow', 'stack', 'dashboard', 'general'])
    .description('the main job: start the local stack, run the engine, ingest for --duration seconds as the Airflow DAG run, wait until every record is in Cassandra, print a summary')
    .option('--engine <engine>', 'stream engine: spark (Structured Streaming over Spark Connect, like the original) or node', 'spark')
    .option('--follow', 'keep ingesting and streaming until Ctrl-C (runs the ingest here, not in Airflow), with the live dashboard')
    .option('--no-dashboard', 'with --follow: do not serve the dashboard')
    .option('--no-airflow', 'run the ingest here instead of as the Airflow DAG run (and do not start Airflow)')
    .option('--drain-timeout <seconds>', 'how long to wait for the engine to catch up after the ingest', '300')
    .action(async (opts: { engine: string; follow?: boolean; airflow: boolean; dashboard: boolean; drainTimeout: string }, command: Command) => {
      const viaAirflow = opts.airflow && !opts.follow;
      const engineName = checkEngine(opts.engine);
      const drainTimeout = Number(opts.drainTimeout);
      if (!Number.isFinite(drainTimeout) || drainTimeout <= 0) {
        throw new UserstreamError(ErrorCodes.USAGE, `invalid --drain-timeout ${JSON.stringify(opts.drainTimeout)}: expected seconds > 0`);
      }
      const { config: base, log } = configFrom(command);
      const config: Config = { ...base, ...localStackClientConfig(base), rate: base.rate ?? UP_DEFAULT_RATE };
      const started = performance.now();

      await bringUp(config, upServices(engineName, viaAirflow, config.schemaRegistryUrl), (line) => log.warn(line));

      if (config.secure) {
        log.info(`secure: Kafka over SASL_SSL (${config.kafkaSaslMechanism.toUpperCase()}) at ${config.kafkaBrokers.join(',')} as ${config.kafkaSaslUsername}; Cassandra as ${config.cassandraUsername}`);
      }
      const engine = createEngine(engineName, { config, log });
      // The summary counts from what Kafka holds: the engine's committed position now and at the end.
      const tally = await RunTally.begin(config, await engine.committed());
      const endsBefore = await endOffsets(config, config.topic);
      const controller = new AbortController();
      onShutdown(() => {
        log.warn('stopping (Ctrl-C again to quit at once)');
        controller.abort();
      });
      await engine.start();
      const dashboard = opts.follow && opts.dashboard ? await startDashboard(config, engineName, log) : undefined;
      if (dashboard) log.info(`dashboard on ${dashboard.url}`);
      const failed = engine.finished.then(
        () => undefined,
        (error: Error) => error,
      );

      const ingestConfig = opts.follow ? { ...config, duration: Number.MAX_SAFE_INTEGER / 1000 } : config;
      const ingestStarted = performance.now();
      const ingested = viaAirflow ? await ingestThroughAirflow(config, log) : await runIngest(ingestConfig, log, controller.signal);
      log.info(formatIngestSummary(ingested));

      // Every message up to the topic's end is processed (written or dead-lettered): node
      // engine, the group's lag is 0; Spark engine, both queries' checkpoints reach the end.
      const drainDeadline = Date.now() + drainTimeout * 1000;
      let nextNote = Date.now() + 2000;
      // Ctrl-C during the ingest ends the ingest and still waits for the engine (how
      // --follow ends); Ctrl-C during this wait stops waiting.
      const abortedDuringIngest = controller.signal.aborted;
      let interrupted = false;
      for (;;) {
        const error = await Promise.race([failed, new Promise<undefined>((r) => setTimeout(() => r(undefined), 250))]);
        if (error) throw error;
        if (controller.signal.aborted && !abortedDuringIngest) {
          // What is not written yet stays in Kafka for the next run.
          interrupted = true;
          break;
        }
        const lag = await engine.lag();
        if (lag === 0n) break;
        if (Date.now() >= nextNote) {
          log.info(`waiting for the ${engineName} engine: ${lag} messages still to process`);
          nextNote = Date.now() + 5000;
        }
        if (Date.now() > drainDeadline) {
          await engine.stop().catch(() => {});
          throw new UserstreamError(ErrorCodes.TIMEOUT, `the ${engineName} engine still had ${lag} messages to process after ${opts.drainTimeout} s`);
        }
      }
      if (interrupted) process.exitCode = 130;
      const drainedSecs = (performance.now() - ingestStarted) / 1000;
      await engine.stop();
      await dashboard?.close();

      const committed = (await engine.committed()) ?? new Map<number, bigint>();
      const totals = await tally.totals(committed);
      const waiting = tally.waiting(endsBefore);
      const client = await connectCassandra(config);
      const rows = await countRows(client, config);
      const cluster = config.cluster ? await clusterLine(config, client, engineName).catch((error: Error) => `(not read: ${error.message})`) : undefined;
      await client.shutdown();
      const secs = (performance.now() - started) / 1000;
      const s = engine.stats;
      process.stdout.write(
        [
          interrupted ? 'userstream up: interrupted (the rest stays in Kafka for the next run)' : 'userstream up: done',
          `  produced       ${ingested.produced} (${(ingested.produced / Math.max(ingested.elapsedMs / 1000, 0.001)).toFixed(0)} records/s into Kafka)`,
          ...(waiting > 0 ? [`  waiting before ${waiting} (messages earlier runs left in Kafka; processed in this one)`] : []),
          `  written        ${totals.written} (upserts by id; ${s.batches} batches, ${s.retries} retried)`,
          `  dead-lettered  ${totals.deadLettered} (topic ${config.dlqTopic})`,
          `  end to end     ${(totals.written / Math.max(drainedSecs, 0.001)).toFixed(0)} records/s (first fetch to last row written, ${drainedSecs.toFixed(1)} s)`,
          `  rows in ${config.keyspace}.${config.table}: ${rows} (earlier runs included)`,
          ...(cluster ? [`  cluster        ${cluster}`] : []),
          `  elapsed        ${secs.toFixed(1)} s`,
          '',
        ].join('\n'),
      );
    });
}
