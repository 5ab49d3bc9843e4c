/**
 * How to run Apache ZooKeeper as one standalone local Java process for Kafka
 * in ZooKeeper mode (the original's topology): its Maven coordinates, a
 * zoo.cfg, a Log4j 2 config and JVM flags. Pure functions; zookeeper.ts
 * writes the files and the supervisor starts
 * `java <zookeeperJvmArgs()> -cp '<lib>/*' ZOOKEEPER_MAIN_CLASS zoo.cfg`.
 */
import { log4j2Appender } from './log-config.ts';

export const ZOOKEEPER_MAIN_CLASS = 'org.apache.zookeeper.server.ZooKeeperServerMain';

/**
 * ZooKeeper's pom brings the server, Netty and the SLF4J 2 API but no
 * binding (its tarball adds Logback); Log4j 2's SLF4J 2 binding writes the
 * log, with the same properties syntax as the other services. Its metrics
 * library and Snappy (snapshots) are `provided` dependencies that the server
 * loads at start.
 */
export function zookeeperArtifacts(version: string): string[] {
  return [
    `org.apache.zookeeper:zookeeper:${version}`,
    'io.dropwizard.metrics:metrics-core:4.1.12.1',
    'org.xerial.snappy:snappy-java:1.1.10.8',
    'org.apache.logging.log4j:log4j-core:2.26.1',
    'org.apache.logging.log4j:log4j-slf4j2-impl:2.26.1',
  ];
}

export interface ZookeeperOptions {
  dataDir: string;
  host: string;
  port: number;
}

/**
 * zoo.cfg for one standalone server on loopback. The embedded admin HTTP
 * server is off (it would take port 8080, Airflow's); of the four-letter
 * commands only read-only ones are allowed: health for the probe, `dump`
 * (sessions and ephemeral nodes) to see a broker's stale registration.
 */
export function zookeeperConfig(o: ZookeeperOptions): string {
  return [
    '# Written by userstream: one standalone ZooKeeper server for Kafka in ZooKeeper mode.',
    'tickTime=2000',
    'initLimit=10',
    'syncLimit=5',
    `dataDir=${o.dataDir}`,
    `clientPort=${o.port}`,
    `clientPortAddress=${o.host}`,
    'maxClientCnxns=60',
    'admin.enableServer=false',
    '4lw.commands.whitelist=ruok,srvr,mntr,dump',
    // Keep three snapshots, purge daily: a dev disk does not fill up.
    'autopurge.snapRetainCount=3',
    'autopurge.purgeInterval=24',
    '',
  ].join('\n');
}

/** Log4j 2 (properties syntax): INFO to one rolling file. */
export function zookeeperLog4jConfig(logFile: string | undefined): string {
  return [
    '# Written by userstream.',
    'status = error',
    'name = userstream-zookeeper',
    ...log4j2Appender({ file: logFile, pattern: '%d{ISO8601} [myid:%X{myid}] - %-5p [%t:%C{1}@%L] - %m%n', maxSize: '10MB' }),
    'rootLogger.level = INFO',
    '',
  ].join('\n');
}

export interface ZookeeperJvmOptions {
  heapMb: number;
  log4jFile: string;
  logDir: string;
}

/** JVM flags as zkServer.sh sets them, sized by heapMb. */
export function zookeeperJvmArgs(o: ZookeeperJvmOptions): string[] {
  const heap = Math.max(64, Math.floor(o.heapMb));
  return [
    `-Xmx${heap}m`,
    '-XX:+ExitOnOutOfMemoryError',
    `-XX:ErrorFile=${o.logDir}/hs_err_pid%p.log`,
    '-Djava.net.preferIPv4Stack=true',
    `-Dlog4j2.configurationFile=${o.log4jFile}`,
    `-Dzookeeper.log.dir=${o.logDir}`,
    // The four-letter-word probe is answered on the client port.
    '-Dzookeeper.4lw.commands.whitelist=ruok,srvr,mntr,dump',
  ];
}

/** True when a four-letter-word answer says the server is serving. */
export function isHealthyAnswer(command: 'ruok' | 'srvr', answer: string): boolean {
  if (command === 'ruok') return answer.trim() === 'imok';
  // srvr answers "Mode: standalone" (or leader/follower) once it serves; not while it loads.
  return /^Mode: (standalone|leader|follower)$/m.test(answer);
}

/**
 * Whether a `dump` answer still lists a broker's registration: after a
 * broker is killed, its ephemeral /brokers/ids/<id> lives on until its
 * ZooKeeper session times out, and a new broker with that id refuses to start.
 */
export function brokerStillRegistered(dump: string, brokerId: number): boolean {
  return new RegExp(`^\\s*/brokers/ids/${brokerId}\\s*$`, 'm').test(dump);
}
