import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/options.ts';
import type { PrepareContext, ServiceDefinition } from './service.ts';
import {
  SPARK_CONNECT_CLASS, SPARK_MASTER_CLASS, SPARK_WORKER_CLASS, connectConf, masterArgs, sparkArtifacts, sparkJvmArgs,
  sparkLog4jConfig, workerArgs, type SparkTopology,
} from './spark-recipe.ts';

export type SparkStackConfig = Pick<
  Config,
  'sparkVersion' | 'sparkMasterPort' | 'sparkMasterUiPort' | 'sparkWorkerUiPort' | 'sparkConnectPort' | 'sparkDriverHeapMb' | 'sparkExecutorMemoryMb'
>;

/** Cores the worker offers; the machine kind has two, shared with Kafka and Cassandra. */
const WORKER_CORES = 2;

interface MasterJson {
  status?: string;
  workers?: { state?: string; webuiaddress?: string }[];
}

async function masterJson(t: SparkTopology): Promise<MasterJson | undefined> {
  const res = await fetch(`http://${t.host}:${t.masterUiPort}/json/`, { signal: AbortSignal.timeout(2000) });
  return res.ok ? ((await res.json()) as MasterJson) : undefined;
}

function log4jFile(ctx: PrepareContext): string {
  return join(ctx.dirs.conf, 'log4j2.properties');
}

function writeLog4j(ctx: PrepareContext): void {
  writeFileSync(log4jFile(ctx), sparkLog4jConfig(join(ctx.dirs.data, 'spark.log')));
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
  const t: SparkTopology = {
    host: '127.0.0.1',
    masterPort: config.sparkMasterPort,
    masterUiPort: config.sparkMasterUiPort,
    workerUiPort: config.sparkWorkerUiPort,
    connectPort: config.sparkConnectPort,
  };
  const common = { version: config.sparkVersion, artifacts: sparkArtifacts(config.sparkVersion), classpath: 'spark' };

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

  const worker: ServiceDefinition = {
    ...common,
    name: 'spark-worker',
    after: ['spark-master'],
    ports: [{ port: t.workerUiPort, what: 'Spark worker UI', flag: '--spark-worker-ui-port' }],
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
        ...sparkJvmArgs({ heapMb: 512, log4jFile: log4jFile(ctx) }),
        '-cp', join(ctx.dirs.lib, '*'),
        SPARK_WORKER_CLASS,
        ...workerArgs(t, { cores: WORKER_CORES, memoryMb: config.sparkExecutorMemoryMb, workDir: join(ctx.dirs.data, 'work') }),
      ];
    },
    // Up when the master lists it as an alive worker.
    probe: async () =>
      ((await masterJson(t))?.workers ?? []).some((w) => w.state === 'ALIVE' && (w.webuiaddress ?? '').endsWith(`:${t.workerUiPort}`)),
  };

  const connect: ServiceDefinition = {
    ...common,
    name: 'spark-connect',
    after: ['spark-worker'],
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
        executorMemoryMb: config.sparkExecutorMemoryMb,
        cores: WORKER_CORES,
        warehouseDir: join(ctx.dirs.data, 'warehouse'),
        localDir: join(ctx.dirs.data, 'tmp'),
      });
      return [...sparkJvmArgs({ heapMb: config.sparkDriverHeapMb, log4jFile: log4jFile(ctx), conf }), '-cp', join(ctx.dirs.lib, '*'), SPARK_CONNECT_CLASS];
    },
    probe: () => sparkConnectAnswers(`sc://${t.host}:${t.connectPort}`),
  };

  return [master, worker, connect];
}

/** True when a Spark Connect server answers a version request at `url`. */
export async function sparkConnectAnswers(url: string, timeoutMs = 3000): Promise<boolean> {
  // Loaded on use: the generated protobuf code exists only after `npm run gen`.
  const { SparkSession } = await import('../spark-connect/index.ts');
  const spark = SparkSession.connect(url, { retry: { retries: 0, initialBackoffMs: 0, maxBackoffMs: 0 }, timeoutMs });
  try {
    return (await spark.version()).length > 0;
  } catch {
    return false;
  } finally {
    spark.stop();
  }
}
