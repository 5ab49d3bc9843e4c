import type cassandra from 'cassandra-driver';
import { RECORD_FIELDS, type UserRecord } from '../record/record.ts';
import { cassandraError, type CassandraConfig } from './session.ts';

export interface WriterOptions extends CassandraConfig {
  keyspace: string;
  table: string;
  /** Maximum inserts in flight. */
  concurrency: number;
  /** Attempts per row after the first, for timeouts and unavailable nodes. */
  retries?: number;
}

/**
 * Upserts records by id with one prepared INSERT and bounded concurrency.
 * An INSERT in Cassandra is an upsert, so writing the same record twice
 * leaves one row: together with at-least-once delivery this gives each
 * record exactly once in the table.
 */
export class CassandraWriter {
  readonly #client: cassandra.Client;
  readonly #options: WriterOptions;
  readonly #insert: string;

  constructor(client: cassandra.Client, options: WriterOptions) {
    this.#client = client;
    this.#options = options;
    const cols = RECORD_FIELDS.join(', ');
    const marks = RECORD_FIELDS.map(() => '?').join(', ');
    this.#insert = `INSERT INTO ${options.keyspace}.${options.table} (${cols}) VALUES (${marks})`;
  }

  /** Resolves when every record is written; rejects if any could not be, after retries. */
  async writeBatch(records: UserRecord[]): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < records.length) {
        const record = records[next++]!;
        await this.#writeOne(record);
      }
    };
    const workers = Array.from({ length: Math.min(this.#options.concurrency, records.length) }, worker);
    await Promise.all(workers);
  }

  async #writeOne(record: UserRecord): Promise<void> {
    const params = RECORD_FIELDS.map((f) => (f === 'ingested_at' ? new Date(record[f]) : record[f]));
    const retries = this.#options.retries ?? 5;
    for (let attempt = 0; ; attempt++) {
      try {
        // Idempotent: an upsert by primary key, so the driver may retry it safely.
        await this.#client.execute(this.#insert, params, { prepare: true, isIdempotent: true });
        return;
      } catch (error) {
        if (attempt >= retries) throw cassandraError(`writing ${this.#options.keyspace}.${this.#options.table}`, this.#options, error);
        await new Promise((r) => setTimeout(r, Math.min(5000, 100 * 2 ** attempt)));
      }
    }
  }
}
