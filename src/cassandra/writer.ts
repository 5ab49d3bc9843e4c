import cassandra from 'cassandra-driver';
import { RECORD_FIELDS, type UserRecord } from '../record/record.ts';
import { cassandraError, type CassandraConfig } from './session.ts';

export interface WriterOptions extends CassandraConfig {
  keyspace: string;
  table: string;
  /** Maximum requests in flight. */
  concurrency: number;
  /**
   * Rows per request. Above 1, rows that live on the same replicas go
   * together in one unlogged batch: one request and one coordinator hop for
   * several rows, which costs Cassandra less CPU than as many INSERTs.
   */
  rowsPerRequest?: number;
  /** Attempts per request after the first, for timeouts and unavailable nodes. */
  retries?: number;
}

/** Rows per request by default: about 5 kB of users, Cassandra's batch-size warning threshold. */
export const DEFAULT_ROWS_PER_REQUEST = 8;

type Params = unknown[];

/**
 * Upserts records by id with one prepared INSERT and bounded concurrency.
 * An INSERT in Cassandra is an upsert, so writing the same record twice
 * leaves one row: together with at-least-once delivery this gives each
 * record exactly once in the table. A batch is unlogged (no batchlog): it is
 * only a way to send several idempotent upserts at once, and a failed one is
 * sent again whole.
 */
export class CassandraWriter {
  readonly #client: cassandra.Client;
  readonly #options: WriterOptions;
  readonly #insert: string;
  readonly #rowsPerRequest: number;

  constructor(client: cassandra.Client, options: WriterOptions) {
    this.#client = client;
    this.#options = options;
    this.#rowsPerRequest = Math.max(1, options.rowsPerRequest ?? DEFAULT_ROWS_PER_REQUEST);
    const cols = RECORD_FIELDS.join(', ');
    const marks = RECORD_FIELDS.map(() => '?').join(', ');
    this.#insert = `INSERT INTO ${options.keyspace}.${options.table} (${cols}) VALUES (${marks})`;
  }

  /** Resolves when every record is written; rejects if any could not be, after retries. */
  async writeBatch(records: UserRecord[]): Promise<void> {
    const requests = this.#requests(records);
    let next = 0;
    const worker = async () => {
      while (next < requests.length) await this.#send(requests[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(this.#options.concurrency, requests.length) }, worker));
  }

  /** The records as requests: single rows, or rows grouped by the replicas that own them. */
  #requests(records: UserRecord[]): Params[][] {
    // The id as the driver's Uuid once: it is both the parameter and what the replicas are looked up by.
    const ids = records.map((r) => cassandra.types.Uuid.fromString(r.id));
    const rows = records.map((r, i) => RECORD_FIELDS.map((f) => (f === 'id' ? ids[i] : f === 'ingested_at' ? new Date(r[f]) : r[f])));
    if (this.#rowsPerRequest === 1) return rows.map((r) => [r]);
    const groups = new Map<string, Params[]>();
    for (let i = 0; i < records.length; i++) {
      const key = this.#replicaKey(ids[i]!);
      let group = groups.get(key);
      if (!group) groups.set(key, (group = []));
      group.push(rows[i]!);
    }
    const out: Params[][] = [];
    for (const group of groups.values()) {
      for (let i = 0; i < group.length; i += this.#rowsPerRequest) out.push(group.slice(i, i + this.#rowsPerRequest));
    }
    return out;
  }

  /** The replicas of a row's partition, as a key; '' when the driver does not know the ring (yet). */
  #replicaKey(id: cassandra.types.Uuid): string {
    const hosts = this.#client.getReplicas(this.#options.keyspace, id.getBuffer());
    if (!hosts || hosts.length === 0) return '';
    return hosts.map((h) => h.address).sort().join(',');
  }

  async #send(rows: Params[]): Promise<void> {
    try {
      await sendRows(this.#client, this.#insert, rows, this.#options.retries ?? 5);
    } catch (error) {
      throw cassandraError(`writing ${this.#options.keyspace}.${this.#options.table}`, this.#options, error);
    }
  }
}

/**
 * Sends rows of a prepared INSERT as one request — a single INSERT, or an
 * unlogged batch — and sends it again after a failure (a timeout, an
 * unavailable node), up to `retries` times with a growing pause. Idempotent:
 * upserts by primary key.
 */
export async function sendRows(client: cassandra.Client, insert: string, rows: Params[], retries: number, onRetry?: () => void): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      if (rows.length === 1) await client.execute(insert, rows[0], { prepare: true, isIdempotent: true });
      else await client.batch(rows.map((params) => ({ query: insert, params })), { prepare: true, logged: false, isIdempotent: true });
      return;
    } catch (error) {
      if (attempt >= retries) throw error;
      onRetry?.();
      await new Promise((r) => setTimeout(r, Math.min(5000, 100 * 2 ** attempt)));
    }
  }
}
