import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/options.ts';
import { cassandraAnswers } from '../cassandra/session.ts';
import {
  CASSANDRA_MAIN_CLASS, cassandraArtifacts, cassandraConfigYaml, cassandraJvmArgs, cassandraLogbackXml,
} from './cassandra-recipe.ts';
import type { PrepareContext, ServiceDefinition } from './service.ts';

export type CassandraStackConfig = Pick<Config, 'cassandraVersion' | 'cassandraPort' | 'cassandraStoragePort' | 'cassandraHeapMb' | 'cassandraDc'>;

/** Apache Cassandra, one node. */
export function cassandraService(config: CassandraStackConfig): ServiceDefinition {
  const host = '127.0.0.1';
  const files = (ctx: PrepareContext) => ({
    yaml: join(ctx.dirs.conf, 'cassandra.yaml'),
    logback: join(ctx.dirs.conf, 'logback.xml'),
  });
  return {
    name: 'cassandra',
    version: config.cassandraVersion,
    artifacts: cassandraArtifacts(config.cassandraVersion),
    ports: [
      { port: config.cassandraPort, what: 'CQL', flag: '--cassandra-port' },
      { port: config.cassandraStoragePort, what: 'Cassandra storage', flag: '--cassandra-storage-port' },
    ],
    startTimeoutMs: 240_000,
    async prepare(ctx) {
      const f = files(ctx);
      writeFileSync(
        f.yaml,
        cassandraConfigYaml({ dataDir: ctx.dirs.data, cqlPort: config.cassandraPort, storagePort: config.cassandraStoragePort, listenAddress: host, clusterName: 'userstream' }),
      );
      writeFileSync(f.logback, cassandraLogbackXml(join(ctx.dirs.data, 'system.log')));
    },
    javaArgs(ctx) {
      const f = files(ctx);
      return [
        ...cassandraJvmArgs({ heapMb: config.cassandraHeapMb, configFile: f.yaml, logbackFile: f.logback, dataDir: ctx.dirs.data }),
        '-cp', join(ctx.dirs.lib, '*'),
        CASSANDRA_MAIN_CLASS,
      ];
    },
    probe: () => cassandraAnswers({ cassandraHosts: [`${host}:${config.cassandraPort}`], cassandraDc: config.cassandraDc }, 2000),
  };
}
