/**
 * Where the local stack (src/stack) listens, one builder per address: its
 * brokers and Cassandra nodes (one or, with --cluster, every node's), the
 * Spark master UI, Spark Connect, the Schema Registry, Airflow's API and
 * PostgreSQL. The config's defaults (--cluster's brokers and contact points,
 * --airflow-url, --schema-registry-url) are these addresses, so they live
 * here, below both, and loading the config does not load the stack's
 * services. The ports are settings (options.ts); only how an address is made
 * of them is here.
 */
import type { Config } from './options.ts';

/** The address every service of the local stack listens on (node i of a ring: ringAddress(i)). */
export const LOOPBACK = '127.0.0.1';

/** Every address of the machine: what a service in a container listens on. */
export const ANY_ADDRESS = '0.0.0.0';

/**
 * Where one service of the stack listens, and the name it gives others:
 * as a local process, the loopback address for both; in a container
 * (--stack-host), every address of the container, and the name the
 * container network knows it by (the compose service name).
 */
export function serviceHost(config: Partial<Pick<Config, 'stackHost'>>): { bind: string; advertised: string } {
  return config.stackHost ? { bind: ANY_ADDRESS, advertised: config.stackHost } : { bind: LOOPBACK, advertised: LOOPBACK };
}

/**
 * How a service of the stack reaches another one (`name`: kafka,
 * zookeeper, postgres, ...): as local processes at the loopback address; on
 * a container network by its name, which the compose file gives each
 * service.
 */
export const peerHost = (config: Partial<Pick<Config, 'stackHost'>>, name: string) => (config.stackHost ? name : LOOPBACK);

/** `http://host:port`, an IPv6 host in brackets. */
export const httpBase = (host: string, port: number) => `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

/**
 * Port `base` of node `i` (1-based) of a cluster: as local processes, which
 * share the machine's ports, 100 apart per node; on a container network,
 * where each node has an address of its own, the same port on every node.
 */
const nodePort = (config: Partial<Pick<Config, 'stackHost'>>, base: number, i: number) => (config.stackHost ? base : base + 100 * (i - 1));

/** Ports of Kafka node `i` (1-based) of a cluster: the stack's, 100 apart per node as local processes. */
export function kafkaNodePorts(config: Pick<Config, 'kafkaPort' | 'kafkaControllerPort' | 'kafkaSecurePort'> & Partial<Pick<Config, 'stackHost'>>, i: number) {
  return { port: nodePort(config, config.kafkaPort, i), controllerPort: nodePort(config, config.kafkaControllerPort, i), securePort: nodePort(config, config.kafkaSecurePort, i) };
}

/** The host of Kafka node `i` of a cluster, or with no `i` of the single broker: loopback, or its compose name (kafka-i, kafka). */
export const kafkaNodeHost = (config: Partial<Pick<Config, 'stackHost'>>, i?: number) => peerHost(config, i === undefined ? 'kafka' : `kafka-${i}`);

/** The client address of Kafka node `i` (1-based) of a cluster, or with no `i` of the single broker. */
export const kafkaNodeAddress = (config: Pick<Config, 'kafkaPort'> & Partial<Pick<Config, 'stackHost'>>, i?: number) =>
  `${kafkaNodeHost(config, i)}:${i === undefined ? config.kafkaPort : nodePort(config, config.kafkaPort, i)}`;

/** The broker addresses of the local stack: one, or every node of the cluster. */
export function kafkaStackBrokers(config: Pick<Config, 'kafkaPort'> & Partial<Pick<Config, 'cluster' | 'kafkaNodes' | 'stackHost'>>): string[] {
  if (!config.cluster) return [kafkaNodeAddress(config)];
  return Array.from({ length: config.kafkaNodes ?? 3 }, (_, i) => kafkaNodeAddress(config, i + 1));
}

/** The SASL_SSL listener of the secure single-node stack (--secure). */
export const kafkaSecureStackBroker = (config: Pick<Config, 'kafkaSecurePort'>) => `${LOOPBACK}:${config.kafkaSecurePort}`;

/**
 * The address of node `i` (1-based) of a ring: as local processes
 * 127.0.0.i (Linux routes all of 127/8 to loopback; node 1 is LOOPBACK),
 * each node on the same ports; on a container network its compose name,
 * cassandra-i. Gossip knows a node by its address, so each needs one.
 */
export const ringAddress = (config: Partial<Pick<Config, 'stackHost'>>, i: number) => (config.stackHost ? `cassandra-${i}` : `127.0.0.${i}`);

/** The CQL address of Cassandra node `i` (1-based) of a ring, or with no `i` of the single node (at loopback, in its container too). */
export const cassandraNodeAddress = (config: Pick<Config, 'cassandraPort'> & Partial<Pick<Config, 'stackHost'>>, i?: number) =>
  `${i === undefined ? LOOPBACK : ringAddress(config, i)}:${config.cassandraPort}`;

/** The contact points of the local stack: its one node, or every node of the ring. */
export function cassandraStackHosts(config: Pick<Config, 'cassandraPort'> & Partial<Pick<Config, 'cluster' | 'cassandraNodes' | 'stackHost'>>): string[] {
  if (!config.cluster) return [cassandraNodeAddress(config)];
  return Array.from({ length: config.cassandraNodes ?? 3 }, (_, i) => cassandraNodeAddress(config, i + 1));
}

/** The Spark master's web UI (its /json/ lists the workers). */
export const sparkMasterUiUrl = (config: Pick<Config, 'sparkMasterUiPort'> & Partial<Pick<Config, 'stackHost'>>) => httpBase(peerHost(config, 'spark-master'), config.sparkMasterUiPort);

/** The local Spark Connect server. */
export const sparkConnectStackUrl = (config: Pick<Config, 'sparkConnectPort'>) => `sc://${LOOPBACK}:${config.sparkConnectPort}`;

/** The local Schema Registry's Confluent-compatible API (the default of --schema-registry-url). */
export const registryStackUrl = (config: Pick<Config, 'registryPort'>) => `${httpBase(LOOPBACK, config.registryPort)}/apis/ccompat/v7`;

/** The local Airflow API server (the default of --airflow-url). */
export const airflowStackUrl = (config: Pick<Config, 'airflowPort'> & Partial<Pick<Config, 'stackHost'>>) => httpBase(peerHost(config, 'airflow-api'), config.airflowPort);

/** The local PostgreSQL, host:port (Airflow's and the registry's database URLs put their scheme around it). */
export const postgresStackAddress = (config: Pick<Config, 'postgresPort'> & Partial<Pick<Config, 'stackHost'>>) => `${peerHost(config, 'postgres')}:${config.postgresPort}`;
