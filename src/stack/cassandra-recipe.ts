/**
 * How to run Apache Cassandra 5.0 as a plain local Java process: the Maven
 * coordinates of its classpath, a small cassandra.yaml, a logback config and
 * the JVM flags that bin/cassandra + conf/jvm17-server.options would add.
 *
 * Pure functions only; the caller resolves the artifacts (maven.ts), writes the
 * files and starts `java <cassandraJvmArgs()> -cp '<lib>/*' CASSANDRA_MAIN_CLASS`.
 *
 * Verified with cassandra-all 5.0.9 on OpenJDK 17 (2 cores), run as root:
 * 100 jars / 69 MB; CQL answers ~6 s after `java` starts; RSS ~0.7 GB.
 * Running as root is fine: only the tarball's bin/cassandra refuses root
 * (without -R); CassandraDaemon itself does not check.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { logbackAppender } from './log-config.ts';
import { LOOPBACK } from '../config/stack-addresses.ts';

export const CASSANDRA_MAIN_CLASS = 'org.apache.cassandra.service.CassandraDaemon';

/**
 * Maven coordinates whose runtime closure is Cassandra's classpath.
 * cassandra-all's pom already brings logback-classic (the SLF4J binding),
 * jamm, JNA, netty and every other jar of the tarball's lib/; nothing else is
 * needed. (The tarball's lib/x86_64 AmazonCorrettoCryptoProvider jar is not on
 * Maven's path; the yaml below does not ask for it.)
 */
export function cassandraArtifacts(version: string): string[] {
  return [`org.apache.cassandra:cassandra-all:${version}`];
}

export interface CassandraConfigOptions {
  /** Root for data, commitlog, hints, saved caches and CDC; absolute. */
  dataDir: string;
  cqlPort: number;
  storagePort: number;
  /** Also used as rpc_address (and as the only seed, alone). */
  listenAddress: string;
  /**
   * In a container: the CQL port binds every address (rpc_address 0.0.0.0),
   * and drivers are told `listenAddress` (its name on the container network).
   */
  cqlOnEveryAddress?: boolean;
  clusterName: string;
  authenticator?: 'AllowAllAuthenticator' | 'PasswordAuthenticator';
  /** As one node of a ring: every node's address (all are seeds) and this node's token. */
  ring?: { seeds: string[]; initialToken: string };
}

/**
 * Balanced Murmur3 tokens for a ring of `n` single-token nodes: node i
 * (0-based) starts at i * 2^64 / n - 2^63, so each owns 1/n of the ring, as
 * Cassandra's ccm assigns them. Assigned up front, a fresh ring needs no
 * token allocation at first boot, and its nodes can start together.
 */
export function ringTokens(n: number): string[] {
  return Array.from({ length: n }, (_, i) => (BigInt(i) * (2n ** 64n / BigInt(n)) - 2n ** 63n).toString());
}

/**
 * A minimal single-node cassandra.yaml. Everything not written here takes
 * Cassandra's built-in default; the keys below are the ones it refuses to
 * start without (partitioner, endpoint_snitch, seed_provider, commitlog_sync)
 * plus the ones that must point away from the tarball layout or be small.
 */
export function cassandraConfigYaml(opts: CassandraConfigOptions): string {
  const auth = opts.authenticator ?? 'AllowAllAuthenticator';
  const authorizer = auth === 'PasswordAuthenticator' ? 'CassandraAuthorizer' : 'AllowAllAuthorizer';
  const dir = (name: string) => q(join(opts.dataDir, name));
  const lines = [
    '# Written by userstream: one local Cassandra node for development.',
    `cluster_name: ${q(opts.clusterName)}`,
    // One token: a single node owns the whole ring either way, and fewer
    // tokens mean less work at first boot.
    'num_tokens: 1',
    'partitioner: org.apache.cassandra.dht.Murmur3Partitioner',
    'endpoint_snitch: SimpleSnitch',
    'seed_provider:',
    '  - class_name: org.apache.cassandra.locator.SimpleSeedProvider',
    '    parameters:',
    `      - seeds: ${q((opts.ring?.seeds ?? [opts.listenAddress]).map((s) => `${s}:${opts.storagePort}`).join(','))}`,
    // A ring's nodes are all seeds with their tokens given: none bootstraps (streams data
    // from the others), so they start together, and a restarted one rejoins at once.
    ...(opts.ring ? [`initial_token: ${q(opts.ring.initialToken)}`, 'auto_bootstrap: false'] : []),
    `listen_address: ${opts.listenAddress}`,
    ...(opts.cqlOnEveryAddress ? ['rpc_address: 0.0.0.0', `broadcast_rpc_address: ${opts.listenAddress}`] : [`rpc_address: ${opts.listenAddress}`]),
    `storage_port: ${opts.storagePort}`,
    'start_native_transport: true',
    `native_transport_port: ${opts.cqlPort}`,
    'data_file_directories:',
    `  - ${dir('data')}`,
    `commitlog_directory: ${dir('commitlog')}`,
    `hints_directory: ${dir('hints')}`,
    `saved_caches_directory: ${dir('saved_caches')}`,
    `cdc_raw_directory: ${dir('cdc_raw')}`,
    'commitlog_sync: periodic',
    'commitlog_sync_period: 10000ms',
    // A small dev disk: no snapshot on TRUNCATE/DROP, a bounded commitlog.
    'auto_snapshot: false',
    'snapshot_before_compaction: false',
    'commitlog_total_space: 512MiB',
    'concurrent_compactors: 1',
    // Use the JRE's crypto provider: the Amazon Corretto one Cassandra prefers
    // ships only in the tarball's lib/<arch>/, not in Maven's closure.
    'crypto_provider:',
    '  - class_name: org.apache.cassandra.security.JREProvider',
    `authenticator: ${auth}`,
    `authorizer: ${authorizer}`,
    'role_manager: CassandraRoleManager',
    // Alone, no other node to hint for; in a ring, a node that was down gets the writes it missed.
    `hinted_handoff_enabled: ${opts.ring ? 'true' : 'false'}`,
    // Several nodes on two cores: fewer threads than the defaults (32 each).
    ...(opts.ring ? ['concurrent_reads: 8', 'concurrent_writes: 16', 'concurrent_counter_writes: 4', 'memtable_flush_writers: 1', 'native_transport_max_threads: 32'] : []),
    '',
  ];
  return lines.join('\n');
}

/** Logback: INFO to one rolling file or the console (log-config.ts), through an async appender. */
export function cassandraLogbackXml(logFile: string | undefined): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by userstream. -->
<configuration scan="false" debug="false">
  <statusListener class="ch.qos.logback.core.status.NopStatusListener"/>
${logbackAppender({ file: logFile, pattern: '%-5level [%thread] %date{ISO8601} %F:%L - %msg%n' }, xml)}
  <appender name="ASYNC" class="ch.qos.logback.classic.AsyncAppender">
    <queueSize>1024</queueSize>
    <discardingThreshold>0</discardingThreshold>
    <includeCallerData>true</includeCallerData>
    <appender-ref ref="OUT"/>
  </appender>
  <logger name="org.apache.cassandra" level="INFO"/>
  <logger name="com.thinkaurelius.thrift" level="ERROR"/>
  <logger name="io.netty" level="WARN"/>
  <logger name="com.datastax" level="WARN"/>
  <root level="INFO">
    <appender-ref ref="ASYNC"/>
  </root>
</configuration>
`;
}

export interface CassandraJvmOptions {
  heapMb: number;
  /** Absolute path of cassandra.yaml. */
  configFile: string;
  /** Absolute path of logback.xml. */
  logbackFile: string;
  /** Same folder as the yaml's dataDir; heap dumps and crash logs go here. */
  dataDir: string;
  /** Local-only JMX (for nodetool); omitted = JMX off. */
  jmxPort?: number;
  /** The replication of system_auth when it is first created (a ring: logins survive a node down). */
  systemAuthRf?: number;
  /** One node of a ring (several nodes gossiping), not a node alone. */
  ring?: boolean;
}

/**
 * The JVM flags for Java 17+, in the order `java` takes them (before -cp).
 * The JPMS list is Cassandra 5.0's conf/jvm17-server.options (plus the
 * java.nio / java.util.concurrent opens its JDK 21+ list has, minus
 * jdk.internal.util.jar, which JDK 21 no longer has and warns about), so the
 * same flags serve JDK 17 and 21. Reuse the --add-* part for nodetool
 * (org.apache.cassandra.tools.NodeTool, same classpath) when jmxPort is set.
 */
export function cassandraJvmArgs(opts: CassandraJvmOptions): string[] {
  const maxMb = Math.max(256, Math.floor(opts.heapMb));
  // Upstream pins -Xms to -Xmx. Not here: Cassandra calls mlockall(MCL_CURRENT)
  // at boot, and as root (CAP_IPC_LOCK) that succeeds and faults in and pins
  // every committed heap page: Xms=Xmx=2048m measured 2.6 GB RSS and +2 s boot,
  // Xms=256m 0.7 GB. The heap still grows to -Xmx when needed.
  const minMb = Math.min(maxMb, 256);
  const exports = [
    'java.base/jdk.internal.misc',
    'java.base/jdk.internal.ref',
    'java.base/java.lang.ref',
    'java.base/sun.nio.ch',
    'java.management.rmi/com.sun.jmx.remote.internal.rmi',
    'java.rmi/sun.rmi.registry',
    'java.rmi/sun.rmi.server',
    'java.sql/java.sql',
    'jdk.unsupported/sun.misc',
    'jdk.compiler/com.sun.tools.javac.file',
    'jdk.attach/sun.tools.attach',
  ];
  const opens = [
    'java.base/java.io',
    'java.base/java.lang',
    'java.base/java.lang.module',
    'java.base/java.lang.reflect',
    'java.base/java.nio',
    'java.base/java.util',
    'java.base/java.util.concurrent',
    'java.base/java.util.concurrent.atomic',
    'java.base/jdk.internal.loader',
    'java.base/jdk.internal.math',
    'java.base/jdk.internal.module',
    'java.base/jdk.internal.ref',
    'java.base/jdk.internal.reflect',
    'java.base/sun.nio.ch',
    'jdk.compiler/com.sun.tools.javac',
    'jdk.management/com.sun.management.internal',
  ];
  const jmx =
    opts.jmxPort === undefined
      ? [] // CassandraDaemon then starts no JMX server (one WARN line).
      : [
          `-Dcassandra.jmx.local.port=${opts.jmxPort}`,
          '-Dcom.sun.management.jmxremote.authenticate=false',
          `-Djava.rmi.server.hostname=${LOOPBACK}`,
        ];
  return [
    `-Xms${minMb}m`,
    `-Xmx${maxMb}m`,
    // GC and threads as conf/jvm17-server.options and jvm-server.options.
    '-XX:+UseG1GC',
    '-XX:+ParallelRefProcEnabled',
    '-XX:MaxTenuringThreshold=1',
    '-XX:G1RSetUpdatingPauseTimePercent=5',
    '-XX:MaxGCPauseMillis=300',
    '-XX:+UseThreadPriorities',
    '-XX:+UseTLAB',
    '-XX:+ResizeTLAB',
    '-Xss256k',
    // Dev machine: no multi-GB heap dump on OOM; die and let the supervisor say so.
    '-XX:+ExitOnOutOfMemoryError',
    `-XX:ErrorFile=${join(opts.dataDir, 'hs_err_pid%p.log')}`,
    '-ea',
    '-da:net.openhft...',
    // JPMS: Cassandra, netty, chronicle and jamm reach into JDK internals.
    ...exports.flatMap((p) => ['--add-exports', `${p}=ALL-UNNAMED`]),
    ...opens.flatMap((p) => ['--add-opens', `${p}=ALL-UNNAMED`]),
    // Upstream also passes -javaagent:<lib>/jamm-0.4.0.jar; not needed: jamm 0.4
    // falls back to its non-agent strategies and Cassandra logs nothing about it.
    '-Djdk.attach.allowAttachSelf=true',
    '-Dio.netty.tryReflectionSetAccessible=true',
    '-Dio.netty.allocator.useCacheForAllThreads=true',
    '-Dio.netty.allocator.maxOrder=11',
    '-Djava.net.preferIPv4Stack=true',
    // Where things are.
    `-Dcassandra.config=${pathToFileURL(opts.configFile).href}`,
    `-Dlogback.configurationFile=${opts.logbackFile}`,
    `-Dcassandra.storagedir=${opts.dataDir}`,
    `-Dcassandra.logdir=${opts.dataDir}`,
    // Trigger jars are looked for here (none); the default, conf/triggers, does not exist and warns.
    `-Dcassandra.triggers_dir=${opts.dataDir}`,
    // Stay in the foreground and keep stdout/stderr open (the supervisor reads them).
    '-Dcassandra-foreground=yes',
    // Nothing to wait for in gossip (a node alone; a ring's nodes have their
    // tokens given), and the default superuser (PasswordAuthenticator) is
    // created at once instead of after 10 s.
    '-Dcassandra.skip_wait_for_gossip_to_settle=0',
    '-Dcassandra.superuser_setup_delay_ms=0',
    // A node alone needs no ring delay. A ring keeps Cassandra's (30 s): it
    // also sets how long gossip keeps a member that has not shown its tokens
    // yet (a "fat client", dropped after silence of one ring delay). Nodes of
    // a ring that start together look like that to each other for a moment;
    // at 1 s a node dropped another from gossip, then never sent it a schema
    // change nor pulled one from it, and the other missed a new table for
    // minutes.
    ...(opts.ring ? [] : ['-Dcassandra.ring_delay_ms=1000']),
    // A schema change reaches the other nodes by one push from its
    // coordinator, sent once and not retried. A node that gossip shows a
    // newer schema than its own pulls it, but only after migration_delay_ms
    // (60 s by default, to give the push time to arrive), and then again
    // every schema_pull_interval_ms (60 s). When the push is lost, the node
    // misses a new keyspace or table for a minute or more, refusing the
    // statements and replica reads it coordinates or serves. A ring of a few
    // nodes pulls within a second instead; a pull of a version already
    // received is skipped.
    '-Dcassandra.migration_delay_ms=1000',
    '-Dcassandra.schema_pull_interval_ms=10000',
    ...(opts.systemAuthRf ? [`-Dcassandra.system_auth.default_rf=${opts.systemAuthRf}`] : []),
    ...jmx,
  ];
}

/** YAML double-quoted scalar. */
function q(value: string): string {
  return JSON.stringify(value);
}

function xml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
