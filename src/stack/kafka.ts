import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Config } from '../config/options.ts';
import { ErrorCodes, UserstreamError } from '../errors.ts';
import { every, until } from '../retry.ts';
import { clusterBrokers, kafkaAnswers } from '../kafka/admin.ts';
import { upsertScramUser } from '../kafka/scram.ts';
import { LOOPBACK as HOST, kafkaNodeAddress, kafkaNodeHost, kafkaNodePorts, peerHost, serviceHost } from '../config/stack-addresses.ts';
import {
  KAFKA_MAIN_CLASS, type KafkaServerOptions, SCRAM_MECHANISMS, type SecureListener, clusterReplication, kafkaArtifacts, kafkaFormatCommand, kafkaJvmArgs, kafkaLog4jConfig, kafkaServerProperties,
  kafkaZookeeperModeProperties, randomClusterId,
} from './kafka-recipe.ts';
import { APP_USER, ensureBrokerCertificate, secretFiles, secureClientSettings, stackSecrets, writeClientEnv } from './secrets.ts';
import type { PrepareContext, ServiceDefinition } from './service.ts';
import { fourLetterWord } from './zookeeper.ts';
import { brokerStillRegistered } from './zookeeper-recipe.ts';

const run = promisify(execFile);

export type KafkaStackConfig = Pick<
  Config,
  | 'kafkaMode' | 'kafkaVersion' | 'kafkaZookeeperVersion' | 'kafkaPort' | 'kafkaControllerPort' | 'kafkaHeapMb' | 'partitions' | 'zookeeperPort'
  | 'secure' | 'kafkaSecurePort' | 'stackHome' | 'cassandraPort' | 'stackHost' | 'kafkaHostAddress' | 'kafkaHostPort' | 'kafkaClusterId'
> & Partial<Pick<Config, 'cluster' | 'kafkaNodes'>>;

/** A node of a local cluster: its id (1..count) among `count`. */
interface ClusterNode {
  id: number;
  count: number;
}

/** What each mode adds to the common broker definition. */
interface ModeSpec {
  version: string;
  after?: string[];
  ports: ServiceDefinition['ports'];
  /** server.properties, log4j config and log folder, under the service's folders. */
  files(ctx: PrepareContext): { properties: string; log4j: string; logDir: string };
  properties(logDir: string, secure: SecureListener | undefined): string;
  /** What the mode does before the broker starts (format storage, wait out a stale registration). */
  beforeStart(ctx: PrepareContext, files: { properties: string; log4j: string; logDir: string }): Promise<void>;
}

/**
 * Kafka as the config asks: KRaft (the default) or a broker on ZooKeeper;
 * with --secure, a SASL_SSL listener too; with --cluster, --kafka-nodes
 * instances of the KRaft node (kafka-1, kafka-2, …), one quorum.
 */
export function kafkaServices(config: KafkaStackConfig): ServiceDefinition[] {
  if (config.kafkaMode === 'zookeeper') return [brokerService(config, zookeeperMode(config))];
  if (!config.cluster) return [brokerService(config, kraftMode(config))];
  const count = config.kafkaNodes ?? 3;
  return Array.from({ length: count }, (_, i) => brokerService(config, kraftMode(config, { id: i + 1, count }), { id: i + 1, count }));
}

/** The names the cluster's nodes have (kafka-1 …), for the single node to exclude. */
const CLUSTER_NAMES = (prefix: string) => Array.from({ length: 9 }, (_, i) => `${prefix}-${i + 1}`);

function brokerService(config: KafkaStackConfig, mode: ModeSpec, node?: ClusterNode): ServiceDefinition {
  const ports = node ? kafkaNodePorts(config, node.id) : { port: config.kafkaPort, securePort: config.kafkaSecurePort };
  const secureListener = (): SecureListener | undefined =>
    config.secure
      ? { port: ports.securePort, keystore: secretFiles(config.stackHome).brokerStore, storePassword: stackSecrets(config.stackHome).storePassword }
      : undefined;
  // A cluster's node runs on a smaller heap: several share the machine (docs/cluster.md).
  const heapMb = node ? Math.min(config.kafkaHeapMb, 512) : config.kafkaHeapMb;
  return {
    name: node ? `kafka-${node.id}` : 'kafka',
    version: mode.version,
    ...(config.secure ? { variant: 'secure' } : {}),
    ...(mode.after ? { after: mode.after } : {}),
    classpath: 'kafka',
    excludes: node ? ['kafka'] : CLUSTER_NAMES('kafka'),
    artifacts: kafkaArtifacts(mode.version),
    ports: [
      ...mode.ports,
      ...(config.secure ? [{ port: ports.securePort, what: 'Kafka SASL_SSL clients', flag: '--kafka-secure-port' }] : []),
      ...(!config.kafkaHostAddress ? [] : [{ port: config.kafkaHostPort, what: 'Kafka clients outside the container network', flag: '--kafka-host-port' }]),
    ],
    startTimeoutMs: 120_000,
    ownLog: 'server.log',
    async prepare(ctx) {
      const f = mode.files(ctx);
      if (config.secure) {
        ctx.reporter('making the TLS certificate and credentials of the secure profile');
        await ensureBrokerCertificate(config.stackHome, ctx.java!, stackSecrets(config.stackHome));
      }
      writeFileSync(f.properties, mode.properties(f.logDir, secureListener()));
      writeFileSync(f.log4j, kafkaLog4jConfig(ctx.ownLog));
      await mode.beforeStart(ctx, f);
    },
    javaArgs(ctx) {
      const f = mode.files(ctx);
      return [...kafkaJvmArgs({ heapMb, log4jFile: f.log4j, logDir: ctx.dirs.data }), '-cp', join(ctx.dirs.lib, '*'), KAFKA_MAIN_CLASS, f.properties];
    },
    ...(config.secure ? { afterStart: (ctx: PrepareContext) => provisionSecureKafka(config, ctx) } : {}),
    ...(node ? { afterStart: (ctx: PrepareContext) => waitForQuorum(kafkaNodeAddress(config, node.id), node.count, ctx) } : {}),
    probe: () => kafkaAnswers({ kafkaBrokers: [kafkaNodeAddress(config, node?.id)] }, 2000),
  };
}

/**
 * A cluster's node is up when the cluster is: its metadata lists every
 * broker unfenced, so the quorum has formed and every broker has caught up
 * with it (KRaft fences a broker until then). The nodes start together; a
 * node alone can serve nothing (its quorum needs a majority).
 */
async function waitForQuorum(address: string, count: number, ctx: PrepareContext): Promise<void> {
  let brokers = 0;
  await until(
    `${count} brokers in the cluster`,
    async () => {
      brokers = await clusterBrokers(address).catch(() => 0);
      return brokers >= count ? { done: true, value: undefined } : { done: false, saw: `${brokers} of ${count} brokers registered` };
    },
    {
      deadline: Date.now() + 180_000,
      pause: every(1000),
      onWait: (saw) => ctx.reporter(`waiting for the quorum: ${saw}`),
      fail: () => new UserstreamError(ErrorCodes.STACK_START, `kafka: the cluster lists ${brokers} of ${count} brokers after 180 s; see ${ctx.dirs.log}`),
    },
  );
}

/**
 * The secure profile's Kafka user: its SCRAM credentials set through the
 * broker's own listener, then one login over SASL_SSL on the secure port
 * (TLS checked against the stack's CA) to prove the path a client takes.
 */
async function provisionSecureKafka(config: KafkaStackConfig, ctx: PrepareContext): Promise<void> {
  const secrets = stackSecrets(config.stackHome);
  ctx.reporter(`setting the SCRAM credentials of ${APP_USER}`);
  await upsertScramUser(HOST, config.kafkaPort, APP_USER, secrets.kafkaPassword, SCRAM_MECHANISMS);
  const client = secureClientSettings(config, secrets);
  writeClientEnv(config, secrets);
  // The credentials reach the broker through the metadata log: allow a moment.
  await until(
    `a SASL_SSL login as ${APP_USER}`,
    async () => ((await kafkaAnswers(client, 3000)) ? { done: true, value: undefined } : { done: false, saw: 'no login yet' }),
    {
      deadline: Date.now() + 20_000,
      pause: every(500),
      fail: () => new UserstreamError(ErrorCodes.STACK_START, `kafka: a SASL_SSL login as ${APP_USER} on ${client.kafkaBrokers[0]} did not succeed within 20 s; see the broker log`),
    },
  );
}

/**
 * Where the single broker listens and what it advertises: the loopback
 * address as a local process; in a container, every address, its name on
 * the container network, and with --kafka-host-address a second listener
 * for clients outside it (the host, through a published port).
 */
function placement(config: KafkaStackConfig): Pick<KafkaServerOptions, 'host' | 'bind' | 'external'> {
  const { bind, advertised } = serviceHost(config);
  const external = config.stackHost && config.kafkaHostAddress ? { external: { port: config.kafkaHostPort, advertised: config.kafkaHostAddress } } : {};
  return { host: advertised, bind, ...external };
}

/**
 * Apache Kafka in KRaft mode: one process that is both broker and
 * controller; as node `node.id` of a cluster, one of `node.count` voters of
 * one quorum, all formatted with the one cluster id the stack keeps.
 */
function kraftMode(config: KafkaStackConfig, node?: ClusterNode): ModeSpec {
  const own = node ? kafkaNodePorts(config, node.id) : { port: config.kafkaPort, controllerPort: config.kafkaControllerPort };
  const voters = node ? Array.from({ length: node.count }, (_, i) => ({ id: i + 1, host: kafkaNodeHost(config, i + 1), controllerPort: kafkaNodePorts(config, i + 1).controllerPort })) : undefined;
  return {
    version: config.kafkaVersion,
    ports: [
      { port: own.port, what: 'Kafka clients', flag: '--kafka-port' },
      { port: own.controllerPort, what: 'KRaft controller', flag: '--kafka-controller-port' },
    ],
    files: (ctx) => ({ properties: join(ctx.dirs.conf, 'server.properties'), log4j: join(ctx.dirs.conf, 'log4j2.properties'), logDir: join(ctx.dirs.data, 'kraft') }),
    properties: (logDir, secure) =>
      kafkaServerProperties({
        nodeId: node?.id ?? 1, logDir, port: own.port, controllerPort: own.controllerPort, ...placement(config), partitions: config.partitions, ...(secure ? { secure } : {}),
        ...(voters && node ? { voters, replication: clusterReplication(node.count) } : {}),
      }),
    async beforeStart(ctx, f) {
      // KRaft storage is formatted once; its meta.properties then pins the cluster id.
      const meta = join(f.logDir, 'meta.properties');
      const clusterId = node ? sharedClusterId(config, ctx) : undefined;
      if (existsSync(meta)) {
        const has = /^cluster\.id=(.*)$/m.exec(readFileSync(meta, 'utf8'))?.[1]?.trim();
        if (clusterId && has !== clusterId) {
          throw new UserstreamError(
            ErrorCodes.STACK_START,
            `kafka-${node!.id}: its storage in ${f.logDir} belongs to another cluster (id ${has}, not ${clusterId}); a node of a static quorum cannot rejoin after losing its data: ` +
              `start the cluster afresh: userstream stack down --cluster && rm -rf ${join(ctx.paths.home, 'data', 'kafka-*')} ${join(ctx.paths.home, 'conf', 'kafka-cluster')}`,
          );
        }
        return;
      }
      const format = kafkaFormatCommand({ configFile: f.properties, clusterId: clusterId ?? randomClusterId() });
      try {
        await run(ctx.java!.bin, [...kafkaJvmArgs({ heapMb: 256, log4jFile: f.log4j, logDir: ctx.dirs.data }), '-cp', join(ctx.dirs.lib, '*'), format.mainClass, ...format.args]);
      } catch (error) {
        const e = error as { stderr?: string; stdout?: string; message: string };
        const why = (e.stderr || e.stdout || e.message).trim().split('\n').slice(-3).join(' ');
        throw new UserstreamError(ErrorCodes.STACK_START, `formatting Kafka storage in ${f.logDir} failed: ${why}`, { cause: error });
      }
    },
  };
}

/**
 * The id every node of the cluster is formatted with: --kafka-cluster-id
 * when given; else, as local processes, made once and kept in
 * conf/kafka-cluster/cluster.id (each node's meta.properties then holds it
 * too). Nodes in containers have no folder in common: they must be given one.
 */
function sharedClusterId(config: KafkaStackConfig, ctx: PrepareContext): string {
  if (config.kafkaClusterId) return config.kafkaClusterId;
  if (config.stackHost) {
    throw new UserstreamError(ErrorCodes.STACK_START, 'kafka: the nodes of a cluster in containers share no folder to keep a cluster id in: give them all one --kafka-cluster-id (USERSTREAM_KAFKA_CLUSTER_ID; the compose file does)');
  }
  const file = join(ctx.paths.conf('kafka-cluster'), 'cluster.id');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const id = randomClusterId();
  // Several nodes prepare at once: the first to write wins, the others read it.
  try {
    writeFileSync(file, `${id}\n`, { flag: 'wx' });
    return id;
  } catch {
    return readFileSync(file, 'utf8').trim();
  }
}

/** Apache Kafka 3.x in ZooKeeper mode: one broker; the `zookeeper` service is its coordinator. */
function zookeeperMode(config: KafkaStackConfig): ModeSpec {
  return {
    version: config.kafkaZookeeperVersion,
    after: ['zookeeper'],
    ports: [{ port: config.kafkaPort, what: 'Kafka clients', flag: '--kafka-port' }],
    files: (ctx) => ({
      properties: join(ctx.dirs.conf, 'server-zookeeper-mode.properties'),
      log4j: join(ctx.dirs.conf, 'log4j2.properties'),
      // Apart from the KRaft log: the two modes' metadata cannot share a folder.
      logDir: join(ctx.dirs.data, 'zookeeper-mode'),
    }),
    properties: (logDir, secure) =>
      kafkaZookeeperModeProperties({
        brokerId: 1, logDir, port: config.kafkaPort, ...placement(config), partitions: config.partitions, zookeeperConnect: `${peerHost(config, 'zookeeper')}:${config.zookeeperPort}`, ...(secure ? { secure } : {}),
      }),
    async beforeStart(ctx) {
      // A broker that was killed stays registered until its ZooKeeper session
      // expires (18 s), and a new one with its id would exit at once: wait.
      await until(
        'the previous broker\'s ZooKeeper session to expire',
        async () => (brokerStillRegistered(await fourLetterWord(peerHost(config, 'zookeeper'), config.zookeeperPort, 'dump'), 1) ? { done: false, saw: 'broker 1 still registered' } : { done: true, value: undefined }),
        {
          deadline: Date.now() + 30_000,
          pause: every(1000),
          onWait: () => ctx.reporter('waiting for the previous broker\'s ZooKeeper session to expire'),
          fail: () => new UserstreamError(ErrorCodes.STACK_START, `broker 1 is still registered in ZooKeeper at ${peerHost(config, 'zookeeper')}:${config.zookeeperPort} after 30 s; is another broker using it?`),
        },
      );
    },
  };
}
