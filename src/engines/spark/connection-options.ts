/**
 * How the Spark cluster reaches Kafka and Cassandra, as source and sink
 * options: the same security settings the node clients use, in the words of
 * Kafka's Java client (`kafka.*`) and of the Cassandra connector
 * (`spark.cassandra.*`). Pure: the engine adds them to its queries.
 */
import type { Config } from '../../config/options.ts';
import { SILENT_BROKER_MS, readPem } from '../../kafka/client-options.ts';

export type SparkConnectionConfig = Pick<Config, 'sparkKafkaBrokers' | 'sparkCassandraHosts' | 'cassandraDc'> &
  Partial<Pick<Config, 'writeConsistency' | 'readConsistency' | 'kafkaSecurityProtocol' | 'kafkaSaslMechanism' | 'kafkaSaslUsername' | 'kafkaSaslPassword' | 'kafkaSslCa' | 'cassandraUsername' | 'cassandraPassword'>>;

const LOGIN_MODULES = {
  'scram-sha-512': 'org.apache.kafka.common.security.scram.ScramLoginModule',
  'scram-sha-256': 'org.apache.kafka.common.security.scram.ScramLoginModule',
  plain: 'org.apache.kafka.common.security.plain.PlainLoginModule',
} as const;

/** A JAAS option value: double-quoted, with `\` and `"` escaped. */
function jaasQuoted(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** `kafka.*` options of the Kafka source and sink. */
export function sparkKafkaOptions(c: SparkConnectionConfig): Record<string, string> {
  const protocol = c.kafkaSecurityProtocol ?? 'plaintext';
  const out: Record<string, string> = {
    'kafka.bootstrap.servers': c.sparkKafkaBrokers.join(','),
    // A broker that stops answering and keeps its connections open (paused,
    // hung) is given up after 10 s, as by the node clients' producers, not
    // Kafka's 30 s: an executor's fetch from a paused leader then moves to
    // the new one after 10-13 s (30 s before, in the cluster suite).
    'kafka.request.timeout.ms': String(SILENT_BROKER_MS),
    // The driver's offset lookups (an AdminClient per query) only give up on
    // a silent broker when the admin's network thread wakes up, and it sleeps
    // until its next metadata refresh (5 min by default) while its one call
    // is in flight: in the cluster suite, a lookup sent to the paused broker
    // waited 44 s, until it resumed, and no micro-batch ran meanwhile. With a
    // refresh every 5 s the lookup is given up after 10-15 s and sent to
    // another broker; the executors' consumers and producers refresh as often.
    'kafka.metadata.max.age.ms': String(SILENT_BROKER_MS / 2),
  };
  if (protocol === 'plaintext') return out;
  out['kafka.security.protocol'] = protocol.toUpperCase();
  if (protocol.startsWith('sasl_')) {
    const mechanism = c.kafkaSaslMechanism ?? 'scram-sha-512';
    out['kafka.sasl.mechanism'] = mechanism.toUpperCase();
    out['kafka.sasl.jaas.config'] =
      `${LOGIN_MODULES[mechanism]} required username=${jaasQuoted(c.kafkaSaslUsername ?? '')} password=${jaasQuoted(c.kafkaSaslPassword ?? '')};`;
  }
  if (protocol.endsWith('ssl') && c.kafkaSslCa) {
    // The certificates themselves, not a path: the executors need not share the driver's files.
    out['kafka.ssl.truststore.type'] = 'PEM';
    out['kafka.ssl.truststore.certificates'] = readPem(c.kafkaSslCa, '--kafka-ssl-ca').toString('utf8');
  }
  return out;
}

/** `spark.cassandra.connection.*` and `spark.cassandra.auth.*` options of the Cassandra sink. */
export function sparkCassandraOptions(c: SparkConnectionConfig): Record<string, string> {
  const out: Record<string, string> = {
    'spark.cassandra.connection.host': c.sparkCassandraHosts.map((h) => h.split(':')[0]).join(','),
    'spark.cassandra.connection.port': c.sparkCassandraHosts[0]!.split(':')[1]!,
    'spark.cassandra.connection.localDC': c.cassandraDc,
    // The connector's names are the CQL ones (LOCAL_QUORUM); its defaults are LOCAL_QUORUM and LOCAL_ONE.
    'spark.cassandra.output.consistency.level': c.writeConsistency ?? 'LOCAL_QUORUM',
    'spark.cassandra.input.consistency.level': c.readConsistency ?? 'LOCAL_QUORUM',
  };
  if (c.cassandraUsername && c.cassandraPassword) {
    out['spark.cassandra.auth.username'] = c.cassandraUsername;
    out['spark.cassandra.auth.password'] = c.cassandraPassword;
  }
  return out;
}
