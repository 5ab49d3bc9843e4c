import type { Config } from '../config/options.ts';

/** Options every Kafka client of userstream shares. */
export function baseKafkaOptions(config: Pick<Config, 'kafkaBrokers'>, clientId: string) {
  return {
    clientId,
    bootstrapBrokers: config.kafkaBrokers,
    // Reconnect patiently across a broker restart instead of failing the run.
    retries: 10,
    retryDelay: 500,
    connectTimeout: 5000,
    timeout: 30_000,
  };
}
