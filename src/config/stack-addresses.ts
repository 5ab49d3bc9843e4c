/**
 * Where the local stack (src/stack) listens: the addresses of its brokers and
 * Cassandra nodes, one or, with --cluster, every node's. The config's defaults
 * on --cluster are these addresses, so they live here, below both, and loading
 * the config does not load the stack's services.
 */
import type { Config } from './options.ts';

const HOST = '127.0.0.1';

/** Ports of node `i` (1-based) of a local cluster: the stack's, 100 apart per node. */
export function kafkaNodePorts(config: Pick<Config, 'kafkaPort' | 'kafkaControllerPort' | 'kafkaSecurePort'>, i: number) {
  const step = 100 * (i - 1);
  return { port: config.kafkaPort + step, controllerPort: config.kafkaControllerPort + step, securePort: config.kafkaSecurePort + step };
}

/** The broker addresses of the local stack: one, or every node of the cluster. */
export function kafkaStackBrokers(config: Pick<Config, 'kafkaPort' | 'kafkaControllerPort' | 'kafkaSecurePort'> & Partial<Pick<Config, 'cluster' | 'kafkaNodes'>>): string[] {
  const n = config.cluster ? (config.kafkaNodes ?? 3) : 1;
  return Array.from({ length: n }, (_, i) => `${HOST}:${kafkaNodePorts(config, i + 1).port}`);
}

/** The address of node `i` (1-based) of a local ring: 127.0.0.i (Linux routes all of 127/8 to loopback). */
export const ringAddress = (i: number) => `127.0.0.${i}`;

/** The contact points of the local stack: its one node, or every node of the ring. */
export function cassandraStackHosts(config: Pick<Config, 'cassandraPort'> & Partial<Pick<Config, 'cluster' | 'cassandraNodes'>>): string[] {
  const n = config.cluster ? (config.cassandraNodes ?? 3) : 1;
  return Array.from({ length: n }, (_, i) => `${ringAddress(i + 1)}:${config.cassandraPort}`);
}
