import { z } from 'zod';

/**
 * Every setting of userstream, in one table. Each key is read, in order of
 * precedence, from its flag (`--kebab-case`), its environment variable
 * (`USERSTREAM_SCREAMING_SNAKE`) and its default. The reference table in
 * docs/configuration.md is what `userstream config` prints from it.
 */
const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();
const hostPort = z.string().regex(/^[^\s:,]+:\d{1,5}$/, 'expected host:port');
const lowerCase = <const T extends readonly [string, ...string[]]>(values: T) => z.preprocess((v) => (typeof v === 'string' ? v.toLowerCase() : v), z.enum(values));
const autoOr = <T extends z.ZodType>(schema: T) => z.union([z.literal('auto'), schema]);
/** A Cassandra consistency level, as CQL names it (LOCAL_QUORUM), any case. */
export const CONSISTENCY_LEVELS = ['ANY', 'ONE', 'TWO', 'THREE', 'QUORUM', 'ALL', 'LOCAL_QUORUM', 'EACH_QUORUM', 'LOCAL_ONE'] as const;
const consistency = z.preprocess((v) => (typeof v === 'string' ? v.toUpperCase().replace(/-/g, '_') : v), z.enum(CONSISTENCY_LEVELS));
/** `simple:3` (SimpleStrategy) or `dc1:3,dc2:2` (NetworkTopologyStrategy). */
const keyspaceReplication = z.string().regex(/^(simple:\d+|[A-Za-z0-9_.-]+:\d+(,[A-Za-z0-9_.-]+:\d+)*)$/, 'expected auto, simple:<factor>, or <dc>:<factor>[,<dc>:<factor>...]');
const yesNo = z.preprocess((v) => (typeof v === 'string' ? /^(1|true|yes|on)$/i.test(v) : v), z.boolean());
const list = (item: z.ZodType<string>) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v),
    z.array(item).min(1),
  );

export const optionSpecs = {
  // Kafka
  kafkaBrokers: { group: 'kafka', schema: list(hostPort), default: 'localhost:9092', shownDefault: 'localhost:9092 (--cluster: the local cluster\'s nodes)', doc: 'Kafka bootstrap brokers, comma-separated host:port; any of them may be down' },
  topic: { group: 'kafka', schema: z.string().min(1), default: 'users_created', doc: 'Topic the ingest writes and the engines read' },
  dlqTopic: { group: 'kafka', schema: z.string().min(1).optional(), default: undefined, shownDefault: '<topic>.dlq', doc: 'Dead-letter topic for messages that fail validation' },
  partitions: { group: 'kafka', schema: positiveInt, default: '3', doc: 'Partitions of the topic when it is created' },
  kafkaSecurityProtocol: { group: 'kafka', schema: lowerCase(['plaintext', 'ssl', 'sasl_plaintext', 'sasl_ssl']), default: 'plaintext', doc: 'How clients talk to the brokers: plaintext, ssl (TLS), sasl_plaintext, or sasl_ssl (SASL over TLS)' },
  kafkaSaslMechanism: { group: 'kafka', schema: lowerCase(['scram-sha-512', 'scram-sha-256', 'plain']), default: 'scram-sha-512', doc: 'SASL mechanism, with sasl_plaintext or sasl_ssl' },
  kafkaSaslUsername: { group: 'kafka', schema: z.string().min(1).optional(), default: undefined, doc: 'SASL user, with sasl_plaintext or sasl_ssl' },
  kafkaSaslPassword: { group: 'kafka', schema: z.string().min(1).optional(), default: undefined, secret: true, doc: 'SASL password (set it in the environment or an --env-file: a flag shows in the process list)' },
  kafkaSslCa: { group: 'kafka', schema: z.string().min(1).optional(), default: undefined, shownDefault: 'the system CAs', doc: 'PEM file of the CA certificates the brokers are checked against, with ssl or sasl_ssl' },
  maxMessageBytes: { group: 'kafka', schema: positiveInt, default: '65536', doc: 'Largest message value (bytes) the engines accept; a larger one goes to the DLQ' },
  replicationFactor: { group: 'kafka', schema: autoOr(positiveInt), default: 'auto', doc: 'Replication factor of the topics userstream creates; auto: 3 when the cluster has at least 3 brokers, else 1 (read from the cluster)' },
  minInsyncReplicas: { group: 'kafka', schema: autoOr(positiveInt), default: 'auto', doc: 'min.insync.replicas of the topics userstream creates (with acks=all, a write needs this many replicas); auto: the replication factor less one, at least 1' },
  groupId: { group: 'kafka', schema: z.string().min(1), default: 'userstream-node', doc: 'Consumer group of the node engine' },
  // Schema Registry
  schemaRegistryUrl: { group: 'registry', schema: z.string().refine((s) => s === 'none' || /^https?:\/\/\S+$/.test(s), 'expected an http(s) URL or none').optional(), default: undefined, shownDefault: 'http://127.0.0.1:<registry-port>/apis/ccompat/v7', doc: 'Confluent-compatible Schema Registry API where the record schema is registered before producing; none: no registry (only with --value-format json)' },
  valueFormat: { group: 'registry', schema: lowerCase(['json', 'json-sr']), default: 'json', doc: "How the ingest writes each value: json (plain JSON, which the original's Spark job reads) or json-sr (Confluent's JSON Schema wire format: a zero byte and the 4-byte schema id first); the engines read both" },
  schemaCompatibility: { group: 'registry', schema: z.preprocess((v) => (typeof v === 'string' ? v.toUpperCase() : v), z.enum(['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE'])), default: 'BACKWARD', doc: 'Compatibility level set on the subject <topic>-value when the ingest registers the schema' },
  // Cassandra
  cassandraHosts: { group: 'cassandra', schema: list(hostPort), default: '127.0.0.1:9042', shownDefault: '127.0.0.1:9042 (--cluster: the local ring\'s nodes)', doc: 'Cassandra contact points, comma-separated host:port; any of them may be down' },
  cassandraDc: { group: 'cassandra', schema: z.string().min(1), default: 'datacenter1', doc: 'Local data centre name for the driver' },
  cassandraUsername: { group: 'cassandra', schema: z.string().min(1).optional(), default: undefined, doc: 'Cassandra role to log in as (PasswordAuthenticator); none: no authentication' },
  cassandraPassword: { group: 'cassandra', schema: z.string().min(1).optional(), default: undefined, secret: true, doc: 'Password of --cassandra-username (set it in the environment or an --env-file: a flag shows in the process list)' },
  keyspaceReplication: { group: 'cassandra', schema: autoOr(keyspaceReplication), default: 'auto', doc: "Replication of the keyspace userstream creates: simple:<factor> (SimpleStrategy) or <dc>:<factor>,... (NetworkTopologyStrategy); auto: NetworkTopologyStrategy with <cassandra-dc> at 3 when the ring has at least 3 nodes there, else 1" },
  writeConsistency: { group: 'cassandra', schema: consistency, default: 'LOCAL_QUORUM', doc: 'Consistency of the writes of both engines (the node driver and the Spark connector)' },
  readConsistency: { group: 'cassandra', schema: consistency, default: 'LOCAL_QUORUM', doc: 'Consistency of the reads that count rows and reconcile (status, the up summary, the dashboard, the tests)' },
  keyspace: { group: 'cassandra', schema: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,47}$/, 'expected a CQL identifier'), default: 'spark_streams', doc: 'Keyspace of the users table' },
  table: { group: 'cassandra', schema: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,47}$/, 'expected a CQL identifier'), default: 'created_users', doc: 'Table the engines write' },
  concurrency: { group: 'cassandra', schema: positiveInt, default: '256', doc: 'Maximum concurrent Cassandra writes per engine instance' },
  // Source and ingest
  source: { group: 'ingest', schema: z.string().refine((s) => s === 'auto' || s === 'builtin' || /^https?:\/\//.test(s), 'expected auto, builtin or an http(s) URL'), default: 'auto', doc: 'Where users come from: auto (randomuser.me when reachable, else built-in), builtin, or an API URL' },
  apiUrl: { group: 'ingest', schema: z.string().url(), default: 'https://randomuser.me/api/', doc: 'The randomuser.me API tried by --source auto' },
  duration: { group: 'ingest', schema: z.coerce.number().positive(), default: '60', doc: 'Seconds the ingest runs (like the original DAG task)' },
  count: { group: 'ingest', schema: positiveInt.optional(), default: undefined, doc: 'Stop after this many records (overrides --duration when reached first)' },
  rate: { group: 'ingest', schema: z.coerce.number().nonnegative().optional(), default: undefined, shownDefault: 'unlimited (up: 2000)', doc: 'Records per second ceiling; 0 = unlimited' },
  batchSize: { group: 'ingest', schema: z.coerce.number().int().min(1).max(5000), default: '1000', doc: 'Users asked for per API request (the API allows 1-5000)' },
  seed: { group: 'ingest', schema: z.string().min(1).optional(), default: undefined, doc: 'API seed; with a seed, pages are deterministic and replays upsert the same users' },
  sendTimeout: { group: 'ingest', schema: z.coerce.number().positive(), default: '120', doc: 'Seconds the ingest keeps retrying a batch Kafka does not acknowledge (a broker restart) before it fails' },
  auditFile: { group: 'ingest', schema: z.string().min(1).optional(), default: undefined, doc: 'Append the id of every record Kafka acknowledged to this file, one per line (for reconciliation)' },
  nat: { group: 'ingest', schema: z.string().optional(), default: undefined, doc: 'Nationalities, comma-separated (e.g. gb,fr,ir)' },
  // Local stack
  stackHome: { group: 'stack', schema: z.string().min(1), default: '.stack', doc: 'Folder for downloads, service data and logs (git-ignored)' },
  kafkaMode: { group: 'stack', schema: z.enum(['kraft', 'zookeeper']), default: 'kraft', doc: 'How the local stack runs Kafka: kraft (Kafka 4, no ZooKeeper) or zookeeper (Kafka 3.9 on Apache ZooKeeper, like the original)' },
  kafkaVersion: { group: 'stack', schema: z.string().regex(/^\d+\.\d+\.\d+$/), default: '4.1.1', doc: 'Apache Kafka version run by the local stack in KRaft mode' },
  kafkaZookeeperVersion: { group: 'stack', schema: z.string().regex(/^3\.\d+\.\d+$/, 'expected 3.x.y (Kafka 4 has no ZooKeeper mode)'), default: '3.9.2', doc: 'Apache Kafka version run by the local stack in ZooKeeper mode' },
  zookeeperVersion: { group: 'stack', schema: z.string().regex(/^3\.\d+\.\d+$/), default: '3.9.5', doc: 'Apache ZooKeeper version run by the local stack in ZooKeeper mode' },
  zookeeperPort: { group: 'stack', schema: port, default: '2181', doc: 'ZooKeeper client port of the local stack (ZooKeeper mode)' },
  cassandraVersion: { group: 'stack', schema: z.string().regex(/^\d+\.\d+\.\d+$/), default: '5.0.9', doc: 'Apache Cassandra version run by the local stack' },
  secure: { group: 'stack', schema: yesNo, default: 'false', boolean: true, doc: 'Local stack: Kafka also listens with SASL_SSL (SCRAM-SHA-512) on --kafka-secure-port and Cassandra requires a password; credentials and certificates are generated into <stack-home>/secrets, with a client.env for --env-file (`up --secure` uses them)' },
  cluster: { group: 'general', schema: yesNo, default: 'false', boolean: true, doc: 'Local stack as a cluster (and the default addresses its nodes): --kafka-nodes KRaft brokers (each also a controller: one quorum), a ring of --cassandra-nodes Cassandra nodes on 127.0.0.1, 127.0.0.2, ..., and --spark-workers Spark workers' },
  stackHost: { group: 'stack', schema: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected a host name').optional(), default: undefined, shownDefault: 'none: loopback, as local processes', doc: 'On a container network (the compose file sets it): the name other containers reach this service by; the service then listens on every address of its container and advertises this name' },
  kafkaHostAddress: { group: 'stack', schema: hostPort.optional(), default: undefined, doc: 'With --stack-host: the host:port clients outside the container network reach the broker at (a published port); the broker advertises it on a second listener, on --kafka-host-port' },
  kafkaHostPort: { group: 'stack', schema: port, default: '19092', doc: 'With --kafka-host-address: the port, inside the container, of the listener for clients outside the container network' },
  kafkaClusterId: { group: 'stack', schema: z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'expected a KRaft cluster id: 22 characters of URL-safe base64').optional(), default: undefined, shownDefault: 'none: made once and kept in <stack-home>/conf/kafka-cluster', doc: 'The KRaft cluster id every node of the cluster (--cluster) is formatted with; nodes in containers, which share no folder, need it (the compose file gives it)' },
  kafkaNodes: { group: 'stack', schema: z.coerce.number().int().min(1).max(9), default: '3', doc: 'Kafka nodes of the local cluster (--cluster); node i listens on --kafka-port + 100(i-1) (in containers, --stack-host: kafka-i, each on --kafka-port)' },
  cassandraNodes: { group: 'stack', schema: z.coerce.number().int().min(1).max(9), default: '3', doc: 'Cassandra nodes of the local cluster (--cluster); node i on 127.0.0.i (in containers, --stack-host: cassandra-i)' },
  sparkWorkers: { group: 'stack', schema: z.coerce.number().int().min(1).max(8), default: '2', doc: 'Spark workers of the local cluster (--cluster), one executor each' },
  kafkaPort: { group: 'stack', schema: port, default: '9092', doc: 'Kafka client port of the local stack' },
  kafkaSecurePort: { group: 'stack', schema: port, default: '9094', doc: 'SASL_SSL client port of the local stack (with --secure)' },
  kafkaControllerPort: { group: 'stack', schema: port, default: '9093', doc: 'KRaft controller port of the local stack' },
  cassandraPort: { group: 'stack', schema: port, default: '9042', doc: 'CQL port of the local stack' },
  cassandraStoragePort: { group: 'stack', schema: port, default: '7000', doc: 'Cassandra inter-node port of the local stack' },
  kafkaHeapMb: { group: 'stack', schema: positiveInt, default: '1024', doc: 'Kafka JVM heap (MB)' },
  cassandraHeapMb: { group: 'stack', schema: positiveInt, default: '2048', doc: 'Cassandra JVM heap (MB)' },
  sparkVersion: { group: 'stack', schema: z.string().regex(/^3\.5\.\d+$/, 'expected 3.5.x (the Cassandra connector has no Spark 4 release)'), default: '3.5.7', doc: 'Apache Spark version run by the local stack (master, worker, Connect server)' },
  sparkMasterPort: { group: 'stack', schema: port, default: '7077', doc: 'Spark standalone master port of the local stack' },
  sparkMasterUiPort: { group: 'stack', schema: port, default: '9090', doc: 'Spark master web UI port (the original used 9090)' },
  sparkWorkerUiPort: { group: 'stack', schema: port, default: '8081', doc: 'Spark worker web UI port' },
  sparkConnectPort: { group: 'stack', schema: port, default: '15002', doc: 'Spark Connect (gRPC) port of the local stack' },
  sparkDriverHeapMb: { group: 'stack', schema: positiveInt, default: '1024', doc: 'Heap of the Spark Connect server, the driver (MB)' },
  sparkExecutorMemoryMb: { group: 'stack', schema: positiveInt, default: '1536', doc: 'Memory of the one Spark executor the worker runs (MB)' },
  javaHome: { group: 'stack', schema: z.string().optional(), default: undefined, doc: 'JDK (17+) used by the local stack; defaults to JAVA_HOME, then java on PATH' },
  registryVersion: { group: 'stack', schema: z.string().regex(/^3\.\d+\.\d+$/, 'expected 3.x.y'), default: '3.3.3', doc: 'Apicurio Registry version run by the local stack (from Maven Central; needs Java 21+)' },
  registryPort: { group: 'stack', schema: port, default: '8085', doc: "Schema Registry HTTP port of the local stack (8081 is Spark's worker UI)" },
  registryManagementPort: { group: 'stack', schema: port, default: '9085', doc: "Schema Registry health and metrics port of the local stack" },
  registryHeapMb: { group: 'stack', schema: positiveInt, default: '384', doc: 'Schema Registry JVM heap (MB)' },
  registryJavaHome: { group: 'stack', schema: z.string().optional(), default: undefined, shownDefault: 'the newest JDK 21+ found', doc: 'JDK (21+) the Schema Registry runs on; defaults to --java-home when that is 21+, else the newest JDK 21+ under /usr/lib/jvm' },
  postgresPassword: { group: 'stack', schema: z.string().min(1).optional(), default: undefined, secret: true, doc: "Password of the stack's PostgreSQL role postgres, for connections from other containers (with --stack-host; compose sets it from POSTGRES_PASSWORD); local processes connect from loopback without one" },
  postgresPort: { group: 'stack', schema: port, default: '5432', doc: "PostgreSQL port of the local stack (Airflow's metadata database)" },
  airflowVersion: { group: 'stack', schema: z.string().regex(/^3\.\d+\.\d+$/, 'expected 3.x.y'), default: '3.3.2', doc: 'Apache Airflow version installed from PyPI into the stack' },
  airflowPort: { group: 'airflow', schema: port, default: '8080', doc: 'Airflow API server and UI port (the original used 8080)' },
  airflowUser: { group: 'airflow', schema: z.string().regex(/^[A-Za-z0-9_.-]+$/), default: 'admin', doc: 'Airflow admin login' },
  airflowPassword: { group: 'airflow', schema: z.string().min(1), default: 'admin', doc: 'Airflow admin password' },
  airflowUrl: { group: 'airflow', schema: z.string().url().optional(), default: undefined, shownDefault: 'http://127.0.0.1:<airflow-port>', doc: 'Airflow API the `dag` commands and `up` talk to' },
  python: { group: 'stack', schema: z.string().min(1), default: 'python3', doc: "Python (3.10-3.13) for Airflow's virtualenv" },
  // Spark
  sparkCheckpointDir: { group: 'spark', schema: z.string().min(1).optional(), default: undefined, shownDefault: '<stack-home>/data/spark-checkpoints (-cluster with --cluster)', doc: "Folder of the Spark queries' checkpoints, as the Spark driver sees it (keep it: it is where a restart resumes)" },
  sparkKafkaBrokers: { group: 'spark', schema: list(hostPort).optional(), default: undefined, shownDefault: '<kafka-brokers>', doc: 'Kafka brokers as the Spark cluster reaches them (a remote cluster may need other addresses)' },
  sparkCassandraHosts: { group: 'spark', schema: list(hostPort).optional(), default: undefined, shownDefault: '<cassandra-hosts>', doc: 'Cassandra contact points as the Spark cluster reaches them' },
  sparkConnectUrl: { group: 'spark', schema: z.string().regex(/^sc:\/\/[^\s]+$/, 'expected sc://host:port').optional(), default: undefined, shownDefault: 'sc://127.0.0.1:<spark-connect-port>', doc: 'Spark Connect server the spark engine drives (the local stack by default)' },
  // Dashboard and metrics
  dashboardPort: { group: 'dashboard', schema: port, default: '8050', doc: 'Port of the live dashboard (`dashboard`, and `up --follow`)' },
  dashboardHost: { group: 'dashboard', schema: z.string().min(1), default: '127.0.0.1', doc: 'Address the dashboard listens on (0.0.0.0 to reach it from other machines)' },
  metricsPort: { group: 'metrics', schema: port.optional(), default: undefined, doc: 'Serve Prometheus metrics at /metrics on this port (`ingest`, `stream`; the dashboard serves them on its own port); `stream` answers /healthz there too: 200 once its engine runs, else 503' },
  metricsHost: { group: 'metrics', schema: z.string().min(1), default: '127.0.0.1', doc: 'Address the metrics endpoint listens on' },
  // General
  logLevel: { group: 'general', schema: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent']), default: 'info', doc: 'Log level' },
} as const satisfies Record<string, OptionSpec>;

export interface OptionSpec {
  group: string;
  schema: z.ZodType;
  default: string | undefined;
  /** A flag without a value (`--secure`); its variable takes true/false, 1/0, yes/no. */
  boolean?: boolean;
  /** Never logged or shown (passwords). */
  secret?: boolean;
  /** How the reference shows a default that is derived from other settings. */
  shownDefault?: string;
  doc: string;
}

export type OptionKey = keyof typeof optionSpecs;

type RawConfig = {
  [K in OptionKey]: z.output<(typeof optionSpecs)[K]['schema']>;
};

/** The loaded config, derived defaults filled in (`dlqTopic` = `<topic>.dlq`, …). */
export type Config = Omit<RawConfig, 'dlqTopic' | 'sparkCheckpointDir' | 'sparkKafkaBrokers' | 'sparkCassandraHosts' | 'airflowUrl' | 'schemaRegistryUrl' | 'sparkConnectUrl'> & {
  airflowUrl: string;
  sparkConnectUrl: string;
  /** Undefined: no registry (`none`). */
  schemaRegistryUrl: string | undefined;
  dlqTopic: string;
  sparkCheckpointDir: string;
  sparkKafkaBrokers: string[];
  sparkCassandraHosts: string[];
};

/**
 * USERSTREAM_* variables read outside the option table: how logs are
 * written, and how the Airflow DAG runs userstream. With the option table's
 * names, these are every variable the app reads (the deploy check holds the
 * compose file to that).
 */
export const OTHER_ENV: Record<string, string> = {
  USERSTREAM_LOG_FORMAT: 'log lines: pretty (a terminal), text, or json (default when not a terminal)',
  USERSTREAM_NODE: 'the Node.js binary the DAG task runs userstream with',
  USERSTREAM_CLI: 'the userstream entry point the DAG task runs',
  USERSTREAM_CHROMIUM: "the Chromium the browser tests drive (default: Debian's /usr/bin/chromium)",
};

export function envName(key: string): string {
  return `USERSTREAM_${key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;
}

export function flagName(key: string): string {
  return `--${key.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}`;
}
