import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type MasterWorker, masterJsonUrl } from '../cluster/health.ts';
import type { Config } from '../config/options.ts';
import { peerHost, serviceHost, sparkConnectStackUrl, sparkMasterUiUrl } from '../config/stack-addresses.ts';
import { ErrorCodes, UserstreamError } from '../errors.ts';
import { every, until } from '../retry.ts';
import type { PrepareContext, ServiceDefinition } from './service.ts';
import {
  SPARK_CONNECT_CLASS, SPARK_MASTER_CLASS, SPARK_WORKER_CLASS, connectConf, masterArgs, sparkArtifacts, sparkJvmArgs,
  sparkLog4jConfig, workerArgs, type SparkTopology,
} from './spark-recipe.ts';

export type SparkStackConfig = Pick<
  Config,
  'sparkVersion' | 'sparkMasterPort' | 'sparkMasterUiPort' | 'sparkWorkerUiPort' | 'sparkConnectPort' | 'sparkDriverHeapMb' | 'sparkExecutorMemoryMb'
> & Partial<Pick<Config, 'cluster' | 'sparkWorkers' | 'stackHost'>>;

/**
 * Cores a worker offers. The machine kind has two, shared with Kafka and
 * Cassandra: the one worker offers both; a cluster's workers one each.
 */
const WORKER_CORES = 2;
const CLUSTER_WORKER_CORES = 1;

/** A worker of the local stack: its service name and web UI port (the port the master lists it by). */
export function sparkWorkerNodes(config: Pick<Config, 'sparkWorkerUiPort'> & Partial<Pick<Config, 'cluster' | 'sparkWorkers'>>): { name: string; uiPort: number }[] {
  if (!config.cluster) return [{ name: 'spark-worker', uiPort: config.sparkWorkerUiPort }];
  return Array.from({ length: config.sparkWorkers ?? 2 }, (_, i) => ({ name: `spark-worker-${i + 1}`, uiPort: config.sparkWorkerUiPort + i }));
}

interface MasterJson {
  status?: string;
  workers?: MasterWorker[];
}

async function masterJson(t: { masterUiUrl: string }): Promise<MasterJson | undefined> {
  const res = await fetch(masterJsonUrl(t.masterUiUrl), { signal: AbortSignal.timeout(2000) });
  return res.ok ? ((await res.json()) as MasterJson) : undefined;
}

function log4jFile(ctx: PrepareContext): string {
  return join(ctx.dirs.conf, 'log4j2.properties');
}

function writeLog4j(ctx: PrepareContext): void {
  writeFileSync(log4jFile(ctx), sparkLog4jConfig(ctx.ownLog));
}

/** The executors' log config, written by the Connect server that starts them: they log to its data folder. */
function executorLog4jFile(ctx: PrepareContext): string {
  return join(ctx.dirs.conf, 'log4j2-executor.properties');
}

/**
 * Spark standalone, like the original's spark-master and spark-worker
 * containers, plus a Spark Connect server: the driver that the TypeScript
 * client sends its plans to.
 */
export function sparkServices(config: SparkStackConfig): ServiceDefinition[] {
  // As local processes all on loopback; in containers each by its name (the master binds its name's address, the driver every address).
  const own = serviceHost(config);
  const t: SparkTopology & { masterUiUrl: string } = {
    host: own.advertised,
    bind: own.bind,
    masterHost: peerHost(config, 'spark-master'),
    masterUiUrl: sparkMasterUiUrl(config),
    masterPort: config.sparkMasterPort,
    masterUiPort: config.sparkMasterUiPort,
    workerUiPort: config.sparkWorkerUiPort,
    connectPort: config.sparkConnectPort,
  };
  const workers = sparkWorkerNodes(config);
  const cores = config.cluster ? CLUSTER_WORKER_CORES : WORKER_CORES;
  // Several executors share the machine: a smaller one each (docs/cluster.md).
  const executorMemoryMb = config.cluster ? Math.min(config.sparkExecutorMemoryMb, 1024) : config.sparkExecutorMemoryMb;
  const common = { version: config.sparkVersion, artifacts: sparkArtifacts(config.sparkVersion), classpath: 'spark', ownLog: 'spark.log' };

  const master: ServiceDefinition = {
    ...common,
    name: 'spark-master',
    ports: [
      { port: t.masterPort, what: 'Spark master', flag: '--spark-master-port' },
      { port: t.masterUiPort, what: 'Spark master UI', flag: '--spark-master-ui-port' },
    ],
    startTimeoutMs: 90_000,
    async prepare(ctx) {
      writeLog4j(ctx);
    },
    javaArgs(ctx) {
      return [...sparkJvmArgs({ heapMb: 512, log4jFile: log4jFile(ctx) }), '-cp', join(ctx.dirs.lib, '*'), SPARK_MASTER_CLASS, ...masterArgs(t)];
    },
    probe: async () => (await masterJson(t))?.status === 'ALIVE',
  };

  const worker = ({ name, uiPort }: { name: string; uiPort: number }): ServiceDefinition => ({
    ...common,
    name,
    after: ['spark-master'],
    excludes: config.cluster ? ['spark-worker'] : Array.from({ length: 8 }, (_, i) => `spark-worker-${i + 1}`),
    ports: [{ port: uiPort, what: 'Spark worker UI', flag: '--spark-worker-ui-port' }],
    startTimeoutMs: 90_000,
    async prepare(ctx) {
      writeLog4j(ctx);
      // The worker launches executors with SPARK_HOME/jars as their classpath.
      const home = join(ctx.dirs.conf, 'spark-home');
      mkdirSync(home, { recursive: true });
      if (!existsSync(join(home, 'jars'))) symlinkSync(ctx.dirs.lib, join(home, 'jars'));
    },
    env: (ctx) => ({ SPARK_HOME: join(ctx.dirs.conf, 'spark-home'), SPARK_SCALA_VERSION: '2.12' }),
    javaArgs(ctx) {
      return [
        ...sparkJvmArgs({ heapMb: config.cluster ? 256 : 512, log4jFile: log4jFile(ctx) }),
        '-cp', join(ctx.dirs.lib, '*'),
        SPARK_WORKER_CLASS,
        ...workerArgs(t, { cores, memoryMb: executorMemoryMb, workDir: join(ctx.dirs.data, 'work'), uiPort }),
      ];
    },
    // Up when the master lists it as an alive worker.
    probe: async () =>
      ((await masterJson(t))?.workers ?? []).some((w) => w.state === 'ALIVE' && (w.webuiaddress ?? '').endsWith(`:${uiPort}`)),
  });

  const connect: ServiceDefinition = {
    ...common,
    name: 'spark-connect',
    // Sized for the cluster's workers: not reused by the single-node stack, nor it by a cluster.
    ...(config.cluster ? { variant: 'cluster' } : {}),
    after: workers.map((w) => w.name),
    // Its executors keep Kafka and Cassandra sessions (the connector caches them).
    holdsSessionsTo: ['kafka', 'cassandra'],
    ports: [{ port: t.connectPort, what: 'Spark Connect', flag: '--spark-connect-port' }],
    startTimeoutMs: 120_000,
    async prepare(ctx) {
      writeLog4j(ctx);
      writeFileSync(executorLog4jFile(ctx), sparkLog4jConfig(join(ctx.dirs.data, 'executor.log')));
    },
    javaArgs(ctx) {
      const conf = connectConf(t, {
        executorLog4jFile: executorLog4jFile(ctx),
        executorMemoryMb,
        cores: cores * workers.length,
        workers: { count: workers.length, cores },
        warehouseDir: join(ctx.dirs.data, 'warehouse'),
        localDir: join(ctx.dirs.data, 'tmp'),
      });
      return [...sparkJvmArgs({ heapMb: config.sparkDriverHeapMb, log4jFile: log4jFile(ctx), conf }), '-cp', join(ctx.dirs.lib, '*'), SPARK_CONNECT_CLASS];
    },
    probe: () => sparkConnectAnswers(sparkConnectStackUrl(config)),
    // A cluster: up once the Connect server's executors run on every worker.
    ...(workers.length > 1 ? { afterStart: (ctx: PrepareContext) => waitForExecutors(t, workers.length, ctx) } : {}),
  };

  return [master, ...workers.map(worker), connect];
}

/** Waits until the master lists `count` alive workers, each running an executor (cores in use). */
async function waitForExecutors(t: { masterUiUrl: string }, count: number, ctx: PrepareContext): Promise<void> {
  let alive = 0;
  let busy = 0;
  await until(
    `${count} workers with an executor`,
    async () => {
      const workers = ((await masterJson(t).catch(() => undefined))?.workers ?? []).filter((w) => w.state === 'ALIVE');
      alive = workers.length;
      busy = workers.filter((w) => (w.coresused ?? 0) > 0).length;
      return alive >= count && busy >= count ? { done: true, value: undefined } : { done: false, saw: `${busy} of ${count} workers have one` };
    },
    {
      deadline: Date.now() + 120_000,
      pause: every(1000),
      onWait: (saw) => ctx.reporter(`waiting for executors: ${saw}`),
      fail: () => new UserstreamError(ErrorCodes.STACK_START, `spark: ${alive} of ${count} workers alive, ${busy} with an executor, after 120 s; see ${ctx.dirs.log}`),
    },
  );
}

/** True when a Spark Connect server answers a version request at `url`. */
export async function sparkConnectAnswers(url: string, timeoutMs = 3000): Promise<boolean> {
  // Loaded on use: the generated protobuf code exists only after `npm run gen`.
  const { NO_RETRY, SparkSession } = await import('../spark-connect/index.ts');
  const spark = SparkSession.connect(url, { retry: NO_RETRY, timeoutMs });
  try {
    return (await spark.version()).length > 0;
  } catch {
    return false;
  } finally {
    spark.stop();
  }
}
