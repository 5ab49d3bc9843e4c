/**
 * How to run Apache Spark 3.5 standalone — a master, one worker and a Spark
 * Connect server as the driver — as plain local Java processes, without a
 * Spark distribution: the Maven coordinates of the classpath, the JVM flags
 * spark-submit would add on Java 17, the command lines and a log config.
 *
 * Pure functions only; spark.ts writes the files and the supervisor starts
 * the processes.
 */

import { sparkCassandraDriverProperties } from '../cassandra/java-driver.ts';
import { log4j2Appender } from './log-config.ts';

export const SPARK_MASTER_CLASS = 'org.apache.spark.deploy.master.Master';
export const SPARK_WORKER_CLASS = 'org.apache.spark.deploy.worker.Worker';
export const SPARK_CONNECT_CLASS = 'org.apache.spark.sql.connect.service.SparkConnectServer';

/** The spark-cassandra-connector release that matches Spark 3.5. */
export const CASSANDRA_CONNECTOR_VERSION = '3.5.1';

/**
 * One classpath for all three processes (and the executors): Spark SQL (which
 * brings core and catalyst), the Connect server, the Kafka source and sink,
 * and the Cassandra connector. spark-connect declares Spark itself as
 * `provided`, so spark-sql is named explicitly.
 */
export function sparkArtifacts(version: string): string[] {
  return [
    `org.apache.spark:spark-sql_2.12:${version}`,
    `org.apache.spark:spark-connect_2.12:${version}`,
    `org.apache.spark:spark-sql-kafka-0-10_2.12:${version}`,
    `com.datastax.spark:spark-cassandra-connector_2.12:${CASSANDRA_CONNECTOR_VERSION}`,
  ];
}

/**
 * The module openings Spark needs on Java 17 (spark-submit's launcher adds
 * the same set; Spark adds them to executors itself).
 */
export const JAVA17_MODULE_OPTIONS = [
  '-XX:+IgnoreUnrecognizedVMOptions',
  ...[
    'java.base/java.lang', 'java.base/java.lang.invoke', 'java.base/java.lang.reflect', 'java.base/java.io',
    'java.base/java.net', 'java.base/java.nio', 'java.base/java.util', 'java.base/java.util.concurrent',
    'java.base/java.util.concurrent.atomic', 'java.base/jdk.internal.ref', 'java.base/sun.nio.ch',
    'java.base/sun.nio.cs', 'java.base/sun.security.action', 'java.base/sun.util.calendar',
    'java.security.jgss/sun.security.krb5',
  ].map((pkg) => `--add-opens=${pkg}=ALL-UNNAMED`),
  '-Djdk.reflect.useDirectMethodHandle=false',
];

export interface SparkJvmOptions {
  heapMb: number;
  log4jFile: string;
  /** `spark.*` settings, passed as system properties (SparkConf reads them). */
  conf?: Record<string, string | number | boolean>;
}

export function sparkJvmArgs(o: SparkJvmOptions): string[] {
  return [
    `-Xms${Math.min(256, o.heapMb)}m`,
    `-Xmx${o.heapMb}m`,
    ...JAVA17_MODULE_OPTIONS,
    `-Dlog4j.configurationFile=file:${o.log4jFile}`,
    ...Object.entries(o.conf ?? {}).map(([k, v]) => `-D${k}=${v}`),
  ];
}

export interface SparkTopology {
  /** The address this process advertises (and, for the master and workers, binds). */
  host: string;
  /** The address the Connect server's driver binds (in a container: every address). */
  bind: string;
  /** Where the master is reached: `host` as local processes, its name on a container network. */
  masterHost: string;
  masterPort: number;
  masterUiPort: number;
  workerUiPort: number;
  connectPort: number;
}

export const masterUrl = (t: Pick<SparkTopology, 'masterHost' | 'masterPort'>) => `spark://${t.masterHost}:${t.masterPort}`;

export function masterArgs(t: SparkTopology): string[] {
  return ['--host', t.host, '--port', String(t.masterPort), '--webui-port', String(t.masterUiPort)];
}

export function workerArgs(t: SparkTopology, o: { cores: number; memoryMb: number; workDir: string; uiPort: number }): string[] {
  return [
    '--host', t.host,
    '--webui-port', String(o.uiPort),
    '--cores', String(o.cores),
    '--memory', `${o.memoryMb}m`,
    '--work-dir', o.workDir,
    masterUrl(t),
  ];
}

/**
 * The Connect server's settings: the driver of every query the TypeScript
 * client sends, on the standalone master, with one executor on the worker.
 */
export function connectConf(
  t: SparkTopology,
  o: { executorMemoryMb: number; cores: number; warehouseDir: string; localDir: string; executorLog4jFile: string; workers?: { count: number; cores: number } },
): Record<string, string | number | boolean> {
  // Several workers: one executor on each (its cores fill the worker), and no
  // query starts before every executor registered, so the tasks spread over all.
  const cluster: Record<string, string | number> = o.workers && o.workers.count > 1
    ? {
        'spark.executor.cores': o.workers.cores,
        'spark.scheduler.minRegisteredResourcesRatio': '1.0',
        'spark.scheduler.maxRegisteredResourcesWaitingTime': '60s',
        // A worker killed on purpose (the fault suite) loses tasks more than once.
        'spark.task.maxFailures': 8,
      }
    : {};
  return {
    'spark.master': masterUrl(t),
    'spark.app.name': 'userstream-spark-connect',
    'spark.driver.host': t.host,
    'spark.driver.bindAddress': t.bind,
    'spark.connect.grpc.binding.port': t.connectPort,
    'spark.executor.memory': `${o.executorMemoryMb}m`,
    // Executors log like the other processes (to a file, the chattiest loggers
    // at WARN), not Spark's default INFO to the worker's stderr file, which
    // grows by every Kafka consumer's lifecycle and never rotates.
    // And with the Cassandra driver settings the connector has no option for.
    'spark.executor.extraJavaOptions': javaOptions({ 'log4j.configurationFile': `file:${o.executorLog4jFile}`, ...sparkCassandraDriverProperties() }),
    'spark.cores.max': o.cores,
    'spark.sql.shuffle.partitions': Math.max(2, o.cores * 2),
    'spark.sql.warehouse.dir': o.warehouseDir,
    'spark.local.dir': o.localDir,
    'spark.ui.showConsoleProgress': false,
    'spark.sql.extensions': 'com.datastax.spark.connector.CassandraSparkExtensions',
    ...cluster,
  };
}

/** System properties as one extraJavaOptions value: each -D quoted, as Spark splits it like a shell. */
export function javaOptions(props: Record<string, string>): string {
  return Object.entries(props)
    .map(([k, v]) => `'-D${k}=${v.replace(/'/g, `'\\''`)}'`)
    .join(' ');
}

/** Log4j 2 properties: INFO to one rolling file or the console (log-config.ts), Spark's chattiest loggers at WARN. */
export function sparkLog4jConfig(logFile: string | undefined): string {
  return [
    '# Written by userstream.',
    'rootLogger.level = info',
    ...log4j2Appender({ file: logFile, pattern: '%d{ISO8601} %-5p %c{1}: %m%n%ex' }),
    ...['org.sparkproject.jetty', 'org.apache.spark.storage', 'org.apache.spark.scheduler', 'org.apache.hadoop', 'org.apache.kafka']
      .flatMap((name, i) => [`logger.q${i}.name = ${name}`, `logger.q${i}.level = warn`]),
    '',
  ].join('\n');
}
