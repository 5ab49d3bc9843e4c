/**
 * How to run Apache Kafka 4.x in KRaft mode as a plain local Java process:
 * the Maven coordinates of its classpath, a server.properties for one node
 * that is both broker and controller, a log4j2 config, the storage-format
 * command and the JVM flags that bin/kafka-server-start.sh would add.
 *
 * Pure functions only; kafka.ts writes the files and the supervisor starts
 * `java <kafkaJvmArgs()> -cp '<lib>/*' KAFKA_MAIN_CLASS server.properties`.
 */
import { randomBytes } from 'node:crypto';
import { log4j2Appender } from './log-config.ts';

export const KAFKA_MAIN_CLASS = 'kafka.Kafka';
export const KAFKA_STORAGE_TOOL_CLASS = 'kafka.tools.StorageTool';

/**
 * Maven coordinates whose runtime closure is the broker's classpath.
 * kafka_2.13's pom brings the server, raft, metadata, storage and clients
 * modules but only the SLF4J API: the tarball's libs/ adds Log4j 2 as the
 * binding, so do we. The config below is a .properties file, which Log4j 2
 * reads without the Jackson YAML module the tarball's default config needs.
 */
export function kafkaArtifacts(version: string): string[] {
  return [
    `org.apache.kafka:kafka_2.13:${version}`,
    'org.apache.logging.log4j:log4j-core:2.26.1',
    // Kafka 4.1 pins slf4j-api 1.7, so the SLF4J 1.x binding, as in the tarball.
    'org.apache.logging.log4j:log4j-slf4j-impl:2.26.1',
  ];
}

export interface KafkaServerOptions {
  nodeId: number;
  /** Absolute folder for the log segments and the KRaft metadata log. */
  logDir: string;
  /** Client listener port. */
  port: number;
  /** Controller listener port. */
  controllerPort: number;
  /** Address the listeners advertise (and bind to, unless `bind` is given). */
  host: string;
  /** Address the listeners bind to (in a container: every address). Default: `host`. */
  bind?: string;
  /** A listener for clients outside a container network: its port and the address they reach it at (a published port). */
  external?: ExternalListener;
  /** Default partition count of auto-created topics. */
  partitions: number;
  /** A SASL_SSL listener for clients too (the secure profile). */
  secure?: SecureListener;
  /**
   * The controller quorum, when this node is one of several (a local
   * cluster): every node lists the same voters. Default: this node alone.
   */
  voters?: { id: number; host: string; controllerPort: number }[];
  /** Replication of the cluster's own topics and of auto-created ones. Default: 1 (one broker). */
  replication?: InternalReplication;
}

/** How the broker replicates its internal topics (offsets, transactions, share state) and new topics by default. */
export interface InternalReplication {
  factor: number;
  minIsr: number;
}

/** A cluster's internal replication: 3 (or every broker when fewer) with a min ISR of 2, so one broker can be down. */
export function clusterReplication(brokers: number): InternalReplication {
  const factor = Math.min(3, brokers);
  return { factor, minIsr: Math.min(2, factor) };
}

export interface SecureListener {
  port: number;
  /** PKCS12 keystore with the broker's key and certificate chain. */
  keystore: string;
  storePassword: string;
}

/** SCRAM mechanisms the secure listener accepts; credentials are stored per mechanism. */
export const SCRAM_MECHANISMS = ['SCRAM-SHA-512', 'SCRAM-SHA-256'] as const;

/** A listener named HOST for clients outside the container network: it binds `port` and advertises `advertised` (host:port). */
export interface ExternalListener {
  port: number;
  advertised: string;
}

/**
 * The client listeners: PLAINTEXT (the broker's own, and the default for
 * clients), with `secure` a SASL_SSL listener named SECURE where clients
 * log in with SCRAM over TLS, and with `external` a PLAINTEXT listener named
 * HOST for clients outside a container network. The brokers' own traffic
 * stays on PLAINTEXT. Each binds `bind` and advertises `host`: locally both
 * are the loopback address; in a container, every address and the name the
 * container network knows the broker by.
 */
function listenerSettings(o: { host: string; bind?: string; port: number; secure?: SecureListener; external?: ExternalListener }, internal: string[]): string[] {
  const bind = o.bind ?? o.host;
  const named = (name: string, host: string, port: number) => `${name}://${host}:${port}`;
  const listen = [named('PLAINTEXT', bind, o.port), ...internal, ...(o.secure ? [named('SECURE', bind, o.secure.port)] : []), ...(o.external ? [named('HOST', bind, o.external.port)] : [])];
  const advertised = [named('PLAINTEXT', o.host, o.port), ...(o.secure ? [named('SECURE', o.host, o.secure.port)] : []), ...(o.external ? [`HOST://${o.external.advertised}`] : [])];
  const names = internal.map((l) => l.split(':')[0]!);
  const map = ['PLAINTEXT:PLAINTEXT', ...names.map((n) => `${n}:PLAINTEXT`), ...(o.secure ? ['SECURE:SASL_SSL'] : []), ...(o.external ? ['HOST:PLAINTEXT'] : [])];
  const lines = [
    `listeners=${listen.join(',')}`,
    `advertised.listeners=${advertised.join(',')}`,
    `listener.security.protocol.map=${map.join(',')}`,
    'inter.broker.listener.name=PLAINTEXT',
  ];
  if (!o.secure) return lines;
  return [
    ...lines,
    `listener.name.secure.sasl.enabled.mechanisms=${SCRAM_MECHANISMS.join(',')}`,
    ...SCRAM_MECHANISMS.map((m) => `listener.name.secure.${m.toLowerCase()}.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;`),
    'listener.name.secure.ssl.keystore.type=PKCS12',
    `listener.name.secure.ssl.keystore.location=${o.secure.keystore}`,
    `listener.name.secure.ssl.keystore.password=${o.secure.storePassword}`,
    'listener.name.secure.ssl.client.auth=none',
  ];
}

/**
 * server.properties for one combined node (broker and controller). Alone,
 * its replication factors are 1 (there is one broker) and the controller
 * quorum is this node; one of a cluster lists every voter and replicates
 * the internal topics as `replication` says. A static voter set either way,
 * so formatting needs no --standalone or --initial-controllers and the file
 * alone describes the quorum.
 */
export function kafkaServerProperties(o: KafkaServerOptions): string {
  const voters = o.voters ?? [{ id: o.nodeId, host: o.host, controllerPort: o.controllerPort }];
  const r = o.replication ?? { factor: 1, minIsr: 1 };
  return [
    `# Written by userstream: ${voters.length === 1 ? 'one local Kafka node' : `node ${o.nodeId} of a local ${voters.length}-node Kafka cluster`} (KRaft broker + controller).`,
    'process.roles=broker,controller',
    `node.id=${o.nodeId}`,
    `controller.quorum.voters=${voters.map((v) => `${v.id}@${v.host}:${v.controllerPort}`).join(',')}`,
    ...listenerSettings(o, [`CONTROLLER://${o.bind ?? o.host}:${o.controllerPort}`]),
    'controller.listener.names=CONTROLLER',
    ...brokerSettings(o, r),
    `share.coordinator.state.topic.replication.factor=${r.factor}`,
    `share.coordinator.state.topic.min.isr=${r.minIsr}`,
    ...(voters.length > 1
      ? [
          // Never elect a replica that missed writes: an acknowledged record is not lost to a leader change.
          'unclean.leader.election.enable=false',
          // A follower that stops fetching (paused, hung) holds every acks=all write of its
          // partitions until the leader drops it from the ISR: after 10 s, not Kafka's 30 s,
          // which outlasts the producers' request timeout. RF 3 with min ISR 2 still needs a
          // second replica for every write.
          'replica.lag.time.max.ms=10000',
        ]
      : []),
    '',
  ].join('\n');
}

/** What a dev broker sets in either mode: storage, replication (1 alone), small thread pools. */
function brokerSettings(o: { logDir: string; partitions: number }, r: InternalReplication = { factor: 1, minIsr: 1 }): string[] {
  return [
    `log.dirs=${o.logDir}`,
    `num.partitions=${o.partitions}`,
    `default.replication.factor=${r.factor}`,
    `min.insync.replicas=${r.minIsr}`,
    `offsets.topic.replication.factor=${r.factor}`,
    'offsets.topic.num.partitions=3',
    `transaction.state.log.replication.factor=${r.factor}`,
    `transaction.state.log.min.isr=${r.minIsr}`,
    // A new consumer group starts at once instead of waiting 3 s for more members.
    'group.initial.rebalance.delay.ms=0',
    // Two small cores: fewer threads than the defaults.
    'num.network.threads=2',
    'num.io.threads=4',
    'num.recovery.threads.per.data.dir=1',
    'background.threads=4',
    // Dev disk: a week of data at most, 256 MiB segments.
    'log.retention.hours=168',
    'log.segment.bytes=268435456',
    'log.retention.check.interval.ms=300000',
    // Messages up to 1 MiB (the default); the app limits its own below that.
    'message.max.bytes=1048588',
  ];
}

export interface KafkaZookeeperModeOptions {
  brokerId: number;
  logDir: string;
  port: number;
  host: string;
  bind?: string;
  external?: ExternalListener;
  partitions: number;
  /** ZooKeeper connection string, host:port. */
  zookeeperConnect: string;
  secure?: SecureListener;
}

/**
 * server.properties for one Kafka 3.x broker in ZooKeeper mode, the
 * original's topology (its compose file ran a Confluent broker on a
 * ZooKeeper). Kafka 4 removed this mode; 3.9 is the last line that has it.
 */
export function kafkaZookeeperModeProperties(o: KafkaZookeeperModeOptions): string {
  return [
    '# Written by userstream: one local Kafka broker in ZooKeeper mode.',
    `broker.id=${o.brokerId}`,
    `zookeeper.connect=${o.zookeeperConnect}`,
    'zookeeper.connection.timeout.ms=18000',
    ...listenerSettings(o, []),
    ...brokerSettings(o),
    '',
  ].join('\n');
}

/** Log4j 2 (properties syntax): INFO to one rolling file, or the console (log-config.ts). */
export function kafkaLog4jConfig(logFile: string | undefined): string {
  return [
    '# Written by userstream.',
    'status = error',
    'name = userstream-kafka',
    ...log4j2Appender({ file: logFile, pattern: '[%d] %p %m (%c)%n' }),
    'rootLogger.level = INFO',
    // The state-change and request loggers are chatty at INFO.
    'logger.state.name = state.change.logger',
    'logger.state.level = WARN',
    'logger.request.name = kafka.request.logger',
    'logger.request.level = WARN',
    '',
  ].join('\n');
}

/**
 * A KRaft cluster id: 16 random bytes, URL-safe base64 without padding. One
 * in 64 of those starts with '-', which kafka-storage's argument parser takes
 * for an option ("argument --cluster-id/-t: expected one argument"); Kafka's
 * own Uuid.randomUuid draws again in that case, and so does this.
 */
export function randomClusterId(random: (size: number) => Buffer = randomBytes): string {
  for (;;) {
    const id = random(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export interface FormatOptions {
  configFile: string;
  clusterId: string;
}

/** `kafka-storage.sh format`, as a main class and its arguments. */
export function kafkaFormatCommand(o: FormatOptions): { mainClass: string; args: string[] } {
  return {
    mainClass: KAFKA_STORAGE_TOOL_CLASS,
    args: ['format', '--ignore-formatted', '--cluster-id', o.clusterId, '--config', o.configFile],
  };
}

export interface KafkaJvmOptions {
  heapMb: number;
  /** Absolute path of the log4j2 config. */
  log4jFile: string;
  /** Folder for the GC-free crash files and kafka.logs.dir. */
  logDir: string;
}

/** JVM flags as kafka-run-class.sh and kafka-server-start.sh set them, sized by heapMb. */
export function kafkaJvmArgs(o: KafkaJvmOptions): string[] {
  const heap = Math.max(128, Math.floor(o.heapMb));
  return [
    `-Xms${Math.min(heap, 256)}m`,
    `-Xmx${heap}m`,
    '-server',
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-XX:+ExitOnOutOfMemoryError',
    `-XX:ErrorFile=${o.logDir}/hs_err_pid%p.log`,
    '-Djava.awt.headless=true',
    '-Djava.net.preferIPv4Stack=true',
    `-Dlog4j2.configurationFile=${o.log4jFile}`,
    `-Dkafka.logs.dir=${o.logDir}`,
  ];
}
