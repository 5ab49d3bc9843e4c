import { resolve } from 'node:path';
import { ErrorCodes, UserstreamError } from '../errors.ts';
import { type Config, type OptionKey, envName, flagName, optionSpecs } from './options.ts';
import { airflowStackUrl, cassandraStackHosts, kafkaStackBrokers, registryStackUrl, sparkConnectStackUrl } from './stack-addresses.ts';

export type ConfigInput = Partial<Record<OptionKey, unknown>>;

/**
 * Builds the config once: flags > USERSTREAM_* environment > defaults, each
 * value validated by its schema. A bad value is a user error naming the flag
 * or variable it came from.
 */
export function loadConfig(flags: ConfigInput = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const out: Record<string, unknown> = {};
  const defaulted = new Set<string>();
  for (const [key, spec] of Object.entries(optionSpecs)) {
    const fromFlag = flags[key as OptionKey];
    const fromEnv = env[envName(key)];
    let raw: unknown;
    let origin: string;
    if (fromFlag !== undefined) {
      raw = fromFlag;
      origin = flagName(key);
    } else if (fromEnv !== undefined && fromEnv !== '') {
      raw = fromEnv;
      origin = envName(key);
    } else {
      raw = spec.default;
      origin = `default of ${flagName(key)}`;
      defaulted.add(key);
    }
    const parsed = spec.schema.safeParse(raw);
    if (!parsed.success) {
      const why = parsed.error.issues[0]?.message ?? 'invalid value';
      const shown = 'secret' in spec && spec.secret ? '(value hidden)' : JSON.stringify(raw);
      throw new UserstreamError(ErrorCodes.CONFIG, `invalid ${origin} ${shown}: ${why}`);
    }
    out[key] = parsed.data;
  }
  checkSecurity(out as RawSecurity);
  out.dlqTopic ??= `${out.topic as string}.dlq`;
  if (out.cluster && out.kafkaMode === 'zookeeper') {
    throw new UserstreamError(ErrorCodes.CONFIG, '--cluster runs Kafka in KRaft mode; ZooKeeper mode runs one broker, as the original did (drop --kafka-mode zookeeper or --cluster)');
  }
  if (out.cluster && out.secure) {
    throw new UserstreamError(ErrorCodes.CONFIG, '--secure runs on the single-node stack only; a secure cluster is not built yet (drop --secure or --cluster)');
  }
  // On the local cluster, the default addresses are its nodes'.
  if (out.cluster && defaulted.has('kafkaBrokers')) out.kafkaBrokers = kafkaStackBrokers(out as unknown as Config);
  if (out.cluster && defaulted.has('cassandraHosts')) out.cassandraHosts = cassandraStackHosts(out as unknown as Config);
  // The cluster's Kafka holds other offsets than the single node's: its checkpoints live apart.
  out.sparkCheckpointDir ??= resolve(out.stackHome as string, 'data', out.cluster ? 'spark-checkpoints-cluster' : 'spark-checkpoints');
  out.sparkKafkaBrokers ??= out.kafkaBrokers;
  out.sparkCassandraHosts ??= out.cassandraHosts;
  out.airflowUrl ??= airflowStackUrl(out as unknown as Config);
  out.sparkConnectUrl ??= sparkConnectStackUrl(out as unknown as Config);
  out.schemaRegistryUrl ??= registryStackUrl(out as unknown as Config);
  if (out.schemaRegistryUrl === 'none') out.schemaRegistryUrl = undefined;
  if (out.valueFormat === 'json-sr' && out.schemaRegistryUrl === undefined) {
    throw new UserstreamError(ErrorCodes.CONFIG, '--value-format json-sr needs a Schema Registry: its messages carry the schema id it gives (set --schema-registry-url)');
  }
  return out as Config;
}

type RawSecurity = Pick<Config, 'kafkaSecurityProtocol' | 'kafkaSaslUsername' | 'kafkaSaslPassword' | 'kafkaSslCa' | 'cassandraUsername' | 'cassandraPassword'>;

/** Settings that only make sense together. */
function checkSecurity(c: RawSecurity): void {
  const refuse = (message: string) => {
    throw new UserstreamError(ErrorCodes.CONFIG, message);
  };
  const both = (a: OptionKey, b: OptionKey) => `${flagName(a)} and ${flagName(b)} (or ${envName(a)} and ${envName(b)})`;
  if (c.kafkaSecurityProtocol.startsWith('sasl_') && (!c.kafkaSaslUsername || !c.kafkaSaslPassword)) {
    refuse(`--kafka-security-protocol ${c.kafkaSecurityProtocol} needs ${both('kafkaSaslUsername', 'kafkaSaslPassword')}`);
  }
  if (!c.kafkaSecurityProtocol.startsWith('sasl_') && (c.kafkaSaslUsername || c.kafkaSaslPassword)) {
    refuse(`a Kafka SASL user or password is set but --kafka-security-protocol is ${c.kafkaSecurityProtocol}; use sasl_ssl (or sasl_plaintext)`);
  }
  if (c.kafkaSslCa && !c.kafkaSecurityProtocol.endsWith('ssl')) {
    refuse(`--kafka-ssl-ca is set but --kafka-security-protocol is ${c.kafkaSecurityProtocol}; use ssl or sasl_ssl`);
  }
  if (Boolean(c.cassandraUsername) !== Boolean(c.cassandraPassword)) {
    refuse(`Cassandra authentication needs ${both('cassandraUsername', 'cassandraPassword')}`);
  }
}

/** Markdown reference of every option (`userstream config`; docs/configuration.md holds a copy). */
export function configReference(): string {
  const rows = ['| flag | environment | default | meaning |', '|---|---|---|---|'];
  for (const [key, spec] of Object.entries(optionSpecs)) {
    const shown = 'shownDefault' in spec ? spec.shownDefault : spec.default;
    const def = shown === undefined ? '—' : `\`${shown}\``;
    rows.push(`| \`${flagName(key)}\` | \`${envName(key)}\` | ${def} | ${spec.doc} |`);
  }
  return rows.join('\n');
}
