import type { Config } from '../config/options.ts';
import { airflowServices } from './airflow.ts';
import { cassandraService } from './cassandra.ts';
import { kafkaService } from './kafka.ts';
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

/** `spark` and `airflow` name several services at once. */
export const SERVICE_GROUPS: Record<string, string[]> = {
  spark: ['spark-master', 'spark-worker', 'spark-connect'],
  airflow: ['postgres', 'airflow-api', 'airflow-scheduler', 'airflow-dag-processor'],
};

/**
 * The services of the local stack, in start order; `only` picks some of
 * them (a group name such as `spark` expands) together with the services
 * they need (unless `withDependencies` is false: `down` stops only what it is told).
 * ZooKeeper is part of the stack in ZooKeeper mode, or with `everyMode`
 * (so `down` and `status` also see one left from a run in the other mode).
 */
export function stackServices(config: Config, only?: string[], options: { withDependencies?: boolean; everyMode?: boolean } = {}): ServiceDefinition[] {
  const zookeeper = config.kafkaMode === 'zookeeper' || options.everyMode ? [zookeeperService(config)] : [];
  const kafka = kafkaService(config);
  // A ZooKeeper-mode broker left running stops before its ZooKeeper, whatever the mode now.
  if (options.everyMode && !kafka.after) kafka.after = ['zookeeper'];
  const all = [...zookeeper, kafka, cassandraService(config), ...sparkServices(config), postgresService(config), registryService(config), ...airflowServices(config)];
  if (!only || only.length === 0) return all;
  const wanted = new Set(only.flatMap((n) => SERVICE_GROUPS[n] ?? [n]));
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
    kafkaBrokers: [`127.0.0.1:${config.kafkaPort}`],
    cassandraHosts: [`127.0.0.1:${config.cassandraPort}`],
  };
  const client = config.secure ? secureClientSettings(config, stackSecrets(config.stackHome)) : plain;
  return {
    ...client,
    sparkKafkaBrokers: client.kafkaBrokers,
    sparkCassandraHosts: client.cassandraHosts,
    sparkConnectUrl: `sc://127.0.0.1:${config.sparkConnectPort}`,
    // The stack's registry, unless the run asked for none.
    schemaRegistryUrl: config.schemaRegistryUrl === undefined ? undefined : `http://127.0.0.1:${config.registryPort}/apis/ccompat/v7`,
  };
}
