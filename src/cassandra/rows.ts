/**
 * Rows of the users table as plain JSON, without cqlsh: those with given
 * ids, or the first few in token order (what `userstream rows` prints).
 */
import type cassandra from 'cassandra-driver';
import { ErrorCodes, UserstreamError } from '../errors.ts';
import { RECORD_FIELDS, isUuid } from '../record/record.ts';
import type { TableConfig } from './schema.ts';
import { cassandraError, consistencyOf } from './session.ts';

export interface RowsQuery {
  /** The rows with these ids, in this order (those that exist). */
  ids?: string[];
  /** Without ids: the first this many rows, in token order. */
  limit: number;
}

/** A column's value as JSON: a timestamp in ISO-8601 UTC, a uuid or a bigint (the driver's objects) as text, text as it is. */
export function cellJson(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(cellJson);
  if (typeof value === 'object') return String(value);
  return value;
}

/** A row as JSON: the record's columns in the contract's order, then any other (added by hand) in name order. */
export function rowJson(row: Record<string, unknown>, columns: string[]): Record<string, unknown> {
  const known = RECORD_FIELDS.filter((f) => columns.includes(f));
  const others = columns.filter((c) => !(RECORD_FIELDS as string[]).includes(c)).sort();
  return Object.fromEntries([...known, ...others].map((c) => [c, cellJson(row[c])]));
}

/** Refuses an id that is not a UUID before anything connects: the key column is a uuid. */
export function checkIds(ids: string[]): void {
  const bad = ids.find((id) => !isUuid(id));
  if (bad !== undefined) throw new UserstreamError(ErrorCodes.USAGE, `invalid --id ${JSON.stringify(bad)}: expected a UUID (the row's key, the message's key)`);
}

/** The rows `query` asks for, at --read-consistency, as JSON objects. */
export async function readRows(client: cassandra.Client, config: TableConfig, query: RowsQuery): Promise<Record<string, unknown>[]> {
  const table = `${config.keyspace}.${config.table}`;
  const options = { prepare: true, consistency: consistencyOf(config.readConsistency ?? 'LOCAL_QUORUM') };
  try {
    const result = query.ids
      ? await client.execute(`SELECT * FROM ${table} WHERE id IN ?`, [query.ids], options)
      : await client.execute(`SELECT * FROM ${table} LIMIT ?`, [query.limit], options);
    const columns = result.columns.map((c) => c.name);
    const rows = result.rows.map((r) => rowJson(r as unknown as Record<string, unknown>, columns));
    if (!query.ids) return rows;
    // IN answers in token order; the ids' order is the one asked.
    const byId = new Map(rows.map((r) => [String(r.id).toLowerCase(), r]));
    return query.ids.flatMap((id) => {
      const row = byId.get(id.toLowerCase());
      return row ? [row] : [];
    });
  } catch (error) {
    throw cassandraError(`reading rows of ${table}`, config, error);
  }
}
