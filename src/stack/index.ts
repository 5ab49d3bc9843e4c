import type { Config } from '../config/options.ts';
import { cassandraService } from './cassandra.ts';
import { kafkaService } from './kafka.ts';
import type { ServiceDefinition } from './service.ts';

export const SERVICE_NAMES = ['kafka', 'cassandra'] as const;

/** The services of the local stack, in the order they are listed. */
export function stackServices(config: Config, only?: string[]): ServiceDefinition[] {
  const all = [kafkaService(config), cassandraService(config)];
  return only && only.length > 0 ? all.filter((s) => only.includes(s.name)) : all;
}

/** Client settings that point at the local stack's ports. */
export function localStackClientConfig(config: Config): Pick<Config, 'kafkaBrokers' | 'cassandraHosts'> {
  return { kafkaBrokers: [`127.0.0.1:${config.kafkaPort}`], cassandraHosts: [`127.0.0.1:${config.cassandraPort}`] };
}
