/**
 * What both engines make sure of before they stream: the topic and its DLQ
 * (replicated as --replication-factor and --min-insync-replicas say), and
 * the keyspace and table (as --keyspace-replication says). What exists is
 * left as it is; what is replicated less than asked is one warning each.
 */
import type cassandra from 'cassandra-driver';
import type { Logger } from 'pino';
import { ensureSchema } from '../cassandra/schema.ts';
import type { Config } from '../config/options.ts';
import { ensureTopics } from '../kafka/admin.ts';

export type PipelineConfig = Pick<Config, 'kafkaBrokers' | 'topic' | 'dlqTopic' | 'partitions' | 'keyspace' | 'table' | 'cassandraHosts' | 'cassandraDc'> & Partial<Config>;

export async function preparePipeline(config: PipelineConfig, client: cassandra.Client, log: Logger): Promise<void> {
  const warnings = [
    ...(await ensureTopics(config, [
      { name: config.topic, partitions: config.partitions },
      { name: config.dlqTopic, partitions: 1 },
    ])),
    ...(await ensureSchema(client, config)),
  ];
  for (const w of warnings) log.warn(w);
}
