import { readFileSync } from 'node:fs';
import type { SASLMechanismValue } from '@platformatic/kafka';
import type { Config } from '../config/options.ts';
import { ErrorCodes, UserstreamError } from '../errors.ts';

/** The settings that say how to reach and authenticate to Kafka; only the brokers are required. */
export type KafkaConnectConfig = Pick<Config, 'kafkaBrokers'> &
  Partial<Pick<Config, 'kafkaSecurityProtocol' | 'kafkaSaslMechanism' | 'kafkaSaslUsername' | 'kafkaSaslPassword' | 'kafkaSslCa'>>;

/**
 * How long a producer (or the Spark engine's Kafka clients) waits on a
 * broker's answer before it gives the request up and sends it again on fresh
 * metadata; Kafka's own default is 30 s. Not the node consumer's: a JoinGroup
 * is held by the broker for up to the rebalance timeout (30 s).
 */
export const SILENT_BROKER_MS = 10_000;

/** Options every Kafka client of userstream shares. */
export function baseKafkaOptions(config: KafkaConnectConfig, clientId: string) {
  return {
    clientId,
    bootstrapBrokers: config.kafkaBrokers,
    // Reconnect patiently across a broker restart instead of failing the run.
    retries: 10,
    retryDelay: 500,
    connectTimeout: 5000,
    timeout: 30_000,
    ...kafkaSecurityOptions(config),
  };
}

const MECHANISMS: Record<Config['kafkaSaslMechanism'], SASLMechanismValue> = {
  'scram-sha-512': 'SCRAM-SHA-512',
  'scram-sha-256': 'SCRAM-SHA-256',
  plain: 'PLAIN',
};

/** TLS and SASL options of the client, as --kafka-security-protocol asks. */
export function kafkaSecurityOptions(config: KafkaConnectConfig) {
  const protocol = config.kafkaSecurityProtocol ?? 'plaintext';
  const out: { tls?: { ca?: Buffer }; sasl?: { mechanism: SASLMechanismValue; username: string; password: string } } = {};
  if (protocol === 'ssl' || protocol === 'sasl_ssl') out.tls = config.kafkaSslCa ? { ca: readPem(config.kafkaSslCa, '--kafka-ssl-ca') } : {};
  if (protocol === 'sasl_plaintext' || protocol === 'sasl_ssl') {
    out.sasl = { mechanism: MECHANISMS[config.kafkaSaslMechanism ?? 'scram-sha-512'], username: config.kafkaSaslUsername!, password: config.kafkaSaslPassword! };
  }
  return out;
}

/** A PEM file's bytes, or a clear error naming the setting. */
export function readPem(path: string, setting: string): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(path);
  } catch (error) {
    throw new UserstreamError(ErrorCodes.CONFIG, `cannot read ${setting} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new UserstreamError(ErrorCodes.CONFIG, `${setting} ${path} holds no PEM certificate`);
  return pem;
}
