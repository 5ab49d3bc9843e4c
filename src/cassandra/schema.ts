import cassandra from 'cassandra-driver';
import type { Config } from '../config/options.ts';
import { RECORD_FIELDS } from '../record/record.ts';
import { cassandraError } from './session.ts';

const Long = cassandra.types.Long;

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

/**
 * Splits the Murmur3 token ring into `parts` contiguous (start, end] ranges
 * that together cover every token a key can have.
 */
export function tokenRanges(parts: number): [bigint, bigint][] {
  const min = -(2n ** 63n);
  const max = 2n ** 63n - 1n;
  const span = (max - min) / BigInt(parts);
  const ranges: [bigint, bigint][] = [];
  for (let i = 0; i < parts; i++) {
    const start = min + span * BigInt(i);
    ranges.push([start, i === parts - 1 ? max : start + span]);
  }
  return ranges;
}

/**
 * Counts the table's rows. One `COUNT(*)` over a million rows outlasts the
 * server's read timeout, so the ring is counted in token ranges, a few at a
 * time; each range is small enough to answer quickly.
 */
export async function countRows(
  client: cassandra.Client,
  config: TableConfig,
  options: { parts?: number; concurrency?: number } = {},
): Promise<number> {
  const { parts = 64, concurrency = 4 } = options;
  const cql = `SELECT COUNT(*) AS n FROM ${config.keyspace}.${config.table} WHERE token(id) > ? AND token(id) <= ?`;
  const queue = tokenRanges(parts);
  let total = 0;
  const worker = async () => {
    for (let range = queue.pop(); range; range = queue.pop()) {
      const [start, end] = range.map((t) => Long.fromString(t.toString()));
      const rs = await client.execute(cql, [start, end], { prepare: true, readTimeout: 60_000 });
      total += Number(rs.first()?.get('n') ?? 0);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, parts) }, worker));
  } catch (error) {
    throw cassandraError(`counting the rows of ${config.keyspace}.${config.table}`, config, error);
  }
  return total;
}
