import type cassandra from 'cassandra-driver';
import type { Config } from '../config/options.ts';
import { RECORD_FIELDS } from '../record/record.ts';
import { cassandraError } from './session.ts';

export type TableConfig = Pick<Config, 'keyspace' | 'table' | 'cassandraHosts' | 'cassandraDc'>;

/** CQL type of each record field: `id` is the key, `ingested_at` a timestamp, the rest text. */
export function columnType(field: string): string {
  if (field === 'id') return 'uuid PRIMARY KEY';
  if (field === 'ingested_at') return 'timestamp';
  return 'text';
}

export function createKeyspaceCql(keyspace: string): string {
  return `CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': '1'}`;
}

/** The original's table plus the `dob` column it forgot and `ingested_at`. */
export function createTableCql(keyspace: string, table: string): string {
  const columns = RECORD_FIELDS.map((f) => `${f} ${columnType(f)}`).join(', ');
  return `CREATE TABLE IF NOT EXISTS ${keyspace}.${table} (${columns})`;
}

/** Idempotent: safe to run from every engine instance at every start. */
export async function ensureSchema(client: cassandra.Client, config: TableConfig): Promise<void> {
  try {
    await client.execute(createKeyspaceCql(config.keyspace));
    await client.execute(createTableCql(config.keyspace, config.table));
  } catch (error) {
    throw cassandraError(`creating ${config.keyspace}.${config.table}`, config, error);
  }
}

export async function countRows(client: cassandra.Client, config: TableConfig): Promise<number> {
  // A full count is fine for the sizes tests and the main job use; it pages internally.
  const rs = await client.execute(`SELECT COUNT(*) AS n FROM ${config.keyspace}.${config.table}`, [], { readTimeout: 60_000 });
  return Number(rs.first()?.get('n') ?? 0);
}
