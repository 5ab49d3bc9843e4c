import type { Config } from '../config/options.ts';
import { airflowServices } from './airflow.ts';
import { readdirSync } from 'node:fs';
import { cassandraStackHosts, kafkaStackBrokers, registryStackUrl, sparkConnectStackUrl } from '../config/stack-addresses.ts';
import { cassandraServices } from './cassandra.ts';
import { kafkaServices } from './kafka.ts';
import { stackPaths } from './paths.ts';
import type { ServiceDefinition } from './service.ts';
import { postgresService } from './postgres.ts';
import { registryService } from './registry.ts';
import { secureClientSettings, stackSecrets } from './secrets.ts';
import { sparkServices } from './spark.ts';
import { zookeeperService } from './zookeeper.ts';

export const SERVICE_NAMES = [
  'zookeeper', 'kafka', 'cassandra', 'spark-master', 'spark-worker', 'spark-connect',
  'postgres', 'registry', 'airflow-api', 'airflow-scheduler', 'airflow-dag-processor',
] as const;

/** `spark` and `airflow` name several services at once; on a cluster, `kafka` and `cassandra` name every node. */
export const SERVICE_GROUPS: Record<string, string[]> = {
  spark: ['spark-master', 'spark-worker', 'spark-connect'],
  airflow: ['postgres', 'airflow-api', 'airflow-scheduler', 'airflow-dag-processor'],
};

/** A cluster's instance names: kafka-1, cassandra-2, spark-worker-3 (any number). */
export const INSTANCE_NAME = /^(kafka|cassandra|spark-worker)-([1-9])$/;

/** What a group or system name means for this config's topology. */
function expand(config: Config, all: ServiceDefinition[], name: string): string[] {
  const instances = (system: string) => all.filter((s) => s.name === system || new RegExp(`^${system}-\\d+$`).test(s.name)).map((s) => s.name);
  if (name === 'spark') return ['spark-master', ...instances('spark-worker'), 'spark-connect'];
  if (config.cluster && (name === 'kafka' || name === 'cassandra' || name === 'spark-worker')) return instances(name);
  return SERVICE_GROUPS[name] ?? [name];
}

/**
 * The other topology's instances that a run left (their run files): so
 * `down` and `status` see a cluster while the config is single-node, and
 * the single-node services while it is a cluster.
 */
function otherTopology(config: Config): ServiceDefinition[] {
  const files = readdirSync(stackPaths(config.stackHome).runDir);
  if (config.cluster) {
    const single = { ...config, cluster: false };
    return [...kafkaServices(single), ...cassandraServices(single), ...sparkServices(single)].filter((s) => ['kafka', 'cassandra', 'spark-worker'].includes(s.name) && files.includes(`${s.name}.json`));
  }
  const highest = (system: string) => Math.max(0, ...files.map((f) => new RegExp(`^${system}-(\\d+)\\.json$`).exec(f)).filter((m) => m !== null).map((m) => Number(m![1])));
  // The cluster is always KRaft: a run in ZooKeeper mode still sees (and stops) its nodes.
  const c = { ...config, cluster: true, kafkaMode: 'kraft' as const, kafkaNodes: highest('kafka'), cassandraNodes: highest('cassandra'), sparkWorkers: highest('spark-worker') };
  return [
    ...(c.kafkaNodes > 0 ? kafkaServices(c) : []),
    ...(c.cassandraNodes > 0 ? cassandraServices(c) : []),
    ...(c.sparkWorkers > 0 ? sparkServices(c).filter((s) => INSTANCE_NAME.test(s.name)) : []),
  ];
}

/**
 * The services of the local stack, in start order; `only` picks some of
 * them (a group name such as `spark` expands) together with the services
 * they need (unless `withDependencies` is false: `down` stops only what it is told).
 * ZooKeeper is part of the stack in ZooKeeper mode, or with `everyMode`
 * (so `down` and `status` also see one left from a run in the other mode).
 */
export function stackServices(config: Config, only?: string[], options: { withDependencies?: boolean; everyMode?: boolean } = {}): ServiceDefinition[] {
  const zookeeper = config.kafkaMode === 'zookeeper' || options.everyMode ? [zookeeperService(config)] : [];
  const kafka = kafkaServices(config);
  // A ZooKeeper-mode broker left running stops before its ZooKeeper, whatever the mode now.
  if (options.everyMode) for (const k of kafka) if (k.name === 'kafka' && !k.after) k.after = ['zookeeper'];
  const other = options.everyMode ? otherTopology(config) : [];
  const all = [
    ...zookeeper, ...kafka, ...other.filter((s) => /^kafka/.test(s.name)),
    ...cassandraServices(config), ...other.filter((s) => /^cassandra/.test(s.name)),
    ...sparkServices(config), ...other.filter((s) => /^spark/.test(s.name)),
    postgresService(config), registryService(config), ...airflowServices(config),
  ];
  if (!only || only.length === 0) return all;
  const wanted = new Set(only.flatMap((n) => expand(config, all, n)));
  // Add what the chosen services wait for, transitively.
  for (let grew = options.withDependencies ?? true; grew; ) {
    grew = false;
    for (const s of all) {
      if (!wanted.has(s.name)) continue;
      for (const dep of s.after ?? []) {
        if (!wanted.has(dep)) {
          wanted.add(dep);
          grew = true;
        }
      }
    }
  }
  return all.filter((s) => wanted.has(s.name));
}

/**
 * Client settings that point at the local stack's ports; with --secure, at
 * its SASL_SSL listener with the generated credentials and CA.
 */
export function localStackClientConfig(config: Config): Partial<Config> & Pick<Config, 'kafkaBrokers' | 'cassandraHosts' | 'sparkConnectUrl'> {
  const plain = {
    kafkaBrokers: kafkaStackBrokers(config),
    cassandraHosts: cassandraStackHosts(config),
  };
  const client = config.secure ? secureClientSettings(config, stackSecrets(config.stackHome)) : plain;
  return {
    ...client,
    sparkKafkaBrokers: client.kafkaBrokers,
    sparkCassandraHosts: client.cassandraHosts,
    sparkConnectUrl: sparkConnectStackUrl(config),
    // The stack's registry, unless the run asked for none.
    schemaRegistryUrl: config.schemaRegistryUrl === undefined ? undefined : registryStackUrl(config),
  };
}
