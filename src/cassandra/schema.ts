import cassandra from 'cassandra-driver';
import type { Config } from '../config/options.ts';
import { RECORD_FIELDS } from '../record/record.ts';
import { changeSchema } from './agreement.ts';
import { cassandraError, consistencyOf } from './session.ts';

const Long = cassandra.types.Long;

export type TableConfig = Pick<Config, 'keyspace' | 'table' | 'cassandraHosts' | 'cassandraDc'> & Partial<Pick<Config, 'readConsistency'>>;

/** CQL type of each record field: `id` is the key, `ingested_at` a timestamp, the rest text. */
export function columnType(field: string): string {
  if (field === 'id') return 'uuid PRIMARY KEY';
  if (field === 'ingested_at') return 'timestamp';
  return 'text';
}

/** A keyspace's replication: SimpleStrategy with one factor, or NetworkTopologyStrategy with one per data centre. */
export type Replication = { class: 'SimpleStrategy'; factor: number } | { class: 'NetworkTopologyStrategy'; factors: Record<string, number> };

/**
 * The replication --keyspace-replication asks for: `simple:3`, `dc1:3,dc2:2`,
 * or auto — NetworkTopologyStrategy with the local data centre at 3 when it
 * has at least 3 nodes, else 1 (`nodesInDc`: what the driver sees of the ring).
 */
export function keyspaceReplication(asked: string, localDc: string, nodesInDc: number): Replication {
  if (asked === 'auto') return { class: 'NetworkTopologyStrategy', factors: { [localDc]: nodesInDc >= 3 ? 3 : 1 } };
  const simple = /^simple:(\d+)$/.exec(asked);
  if (simple) return { class: 'SimpleStrategy', factor: Number(simple[1]) };
  return { class: 'NetworkTopologyStrategy', factors: Object.fromEntries(asked.split(',').map((p) => [p.split(':')[0]!, Number(p.split(':')[1])])) };
}

/** The CQL map of a replication. */
export function replicationCql(r: Replication): string {
  const entries = r.class === 'SimpleStrategy' ? [['replication_factor', r.factor] as const] : Object.entries(r.factors);
  return `{'class': '${r.class}', ${entries.map(([k, v]) => `'${k}': '${v}'`).join(', ')}}`;
}

export function createKeyspaceCql(keyspace: string, replication: Replication = { class: 'SimpleStrategy', factor: 1 }): string {
  return `CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = ${replicationCql(replication)}`;
}

/**
 * How many replicas a keyspace's replication keeps in each asked data centre
 * (SimpleStrategy: its factor everywhere), from the driver's metadata.
 */
export function replicasIn(strategy: string, options: Record<string, string>, dcs: string[]): Record<string, number> {
  const simple = /SimpleStrategy$/.test(strategy);
  return Object.fromEntries(dcs.map((dc) => [dc, Number(simple ? options.replication_factor : (options[dc] ?? 0)) || 0]));
}

/** The original's table plus the `dob` column it forgot and `ingested_at`. */
export function createTableCql(keyspace: string, table: string): string {
  const columns = RECORD_FIELDS.map((f) => `${f} ${columnType(f)}`).join(', ');
  return `CREATE TABLE IF NOT EXISTS ${keyspace}.${table} (${columns})`;
}

/**
 * Creates the keyspace (replicated as --keyspace-replication says) and the
 * table if they are missing; idempotent, safe to run from every engine
 * instance at every start. Each statement is followed by a wait until the
 * nodes up agree on the schema (changeSchema, `agreementTimeoutMs` each),
 * so the next statement, and the Spark connector's metadata, find them on
 * whichever node they reach. An existing keyspace replicated less than
 * asked gets a warning naming it and the statements that fix it (returned:
 * the caller logs them).
 */
export async function ensureSchema(
  client: cassandra.Client,
  config: TableConfig & Partial<Pick<Config, 'keyspaceReplication'>>,
  options: { agreementTimeoutMs?: number } = {},
): Promise<string[]> {
  const warnings: string[] = [];
  const doing = `creating ${config.keyspace}.${config.table}`;
  const change = async (cql: string, what: string) =>
    warnings.push(...(await changeSchema(client, cql, { doing, what, dc: config.cassandraDc, ...(options.agreementTimeoutMs === undefined ? {} : { timeoutMs: options.agreementTimeoutMs }) })));
  try {
    const nodes = client.hosts.values().filter((h) => h.datacenter === config.cassandraDc).length;
    const wanted = keyspaceReplication(config.keyspaceReplication ?? 'auto', config.cassandraDc, nodes);
    const asked = wanted.class === 'SimpleStrategy' ? { [config.cassandraDc]: wanted.factor } : wanted.factors;
    const dcs = Object.keys(asked);
    const existing = client.metadata.keyspaces[config.keyspace] as unknown as { strategy: string; strategyOptions: Record<string, string> } | undefined;
    if (existing) {
      const has = replicasIn(existing.strategy, existing.strategyOptions, dcs);
      const short = dcs.filter((dc) => (has[dc] ?? 0) < (asked[dc] ?? 0));
      if (short.length > 0) {
        warnings.push(
          `keyspace ${config.keyspace} keeps ${short.map((dc) => `${has[dc]} replica(s) in ${dc}`).join(', ')}, fewer than the ${short.map((dc) => asked[dc]).join(', ')} asked: ` +
            `a node lost loses rows; raise it: ALTER KEYSPACE ${config.keyspace} WITH replication = ${replicationCql(wanted)}; then nodetool repair -full ${config.keyspace} on each node`,
        );
      }
    } else {
      await change(createKeyspaceCql(config.keyspace, wanted), `CREATE KEYSPACE ${config.keyspace}`);
    }
    await change(createTableCql(config.keyspace, config.table), `CREATE TABLE ${config.keyspace}.${config.table}`);
    // The driver refreshed its metadata when the change was answered, from its control node, which may
    // have got the change only during the wait; the writer's replica grouping reads it.
    await client.metadata.refreshKeyspace(config.keyspace).catch(() => {});
  } catch (error) {
    throw cassandraError(doing, config, error);
  }
  return warnings;
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
 * Counts the table's rows, at --read-consistency. One `COUNT(*)` over a million rows outlasts the
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
      const rs = await client.execute(cql, [start, end], { prepare: true, readTimeout: 60_000, consistency: consistencyOf(config.readConsistency ?? 'LOCAL_QUORUM') });
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
