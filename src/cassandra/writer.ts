import cassandra from 'cassandra-driver';
import { RECORD_FIELDS, type UserRecord } from '../record/record.ts';
import { BACKOFF, backoffMs } from '../retry.ts';
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
 * How the writer reads the rows it is given: the id (to find its replicas)
 * and the prepared INSERT's parameters in column order, made only as the
 * row's request is sent.
 */
export interface RowEncoding<T> {
  id(row: T): string;
  params(row: T): Params;
}

/**
 * Rows as records: the strings as they are, `id` a UUID, `ingested_at` a
 * timestamp, or unset when the record has none (the driver sends undefined
 * as unset: no tombstone, and a time an earlier write stored stays).
 */
export const RECORD_ROWS: RowEncoding<UserRecord> = {
  id: (r) => r.id,
  params: (r) => RECORD_FIELDS.map((f) => (f === 'id' ? cassandra.types.Uuid.fromString(r.id) : f === 'ingested_at' ? (r.ingested_at === null ? undefined : new Date(r.ingested_at)) : r[f])),
};

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
  readonly #slots: Slots;
  /** Resolves once the latest call has sent every request it will send. */
  #issued: Promise<void> = Promise.resolve();

  constructor(client: cassandra.Client, options: WriterOptions) {
    this.#client = client;
    this.#options = options;
    this.#rowsPerRequest = Math.max(1, options.rowsPerRequest ?? DEFAULT_ROWS_PER_REQUEST);
    this.#slots = new Slots(Math.max(1, options.concurrency));
    const cols = RECORD_FIELDS.join(', ');
    const marks = RECORD_FIELDS.map(() => '?').join(', ');
    this.#insert = `INSERT INTO ${options.keyspace}.${options.table} (${cols}) VALUES (${marks})`;
  }

  /**
   * Resolves when every record is written; rejects if any could not be, after
   * retries. Calls may overlap: they share the `concurrency` limit, and a
   * second batch fills the slots the first one's tail leaves free. After a
   * failure a call sends nothing more and rejects once its requests in flight
   * have finished.
   */
  async writeBatch<T>(rows: readonly T[], encoding: RowEncoding<T>): Promise<void> {
    const requests = this.#requests(rows, encoding);
    const inFlight = new Set<Promise<void>>();
    let failure: { error: unknown } | undefined;
    // A call sends its requests once every earlier call has sent all of its
    // own: the earlier batch finishes first, as its commit comes first.
    const before = this.#issued;
    const issued = Promise.withResolvers<void>();
    this.#issued = issued.promise;
    await before;
    try {
      for (const request of requests) {
        await this.#slots.acquire();
        if (failure) {
          this.#slots.release();
          break;
        }
        const sent: Promise<void> = this.#send(request, encoding)
          .catch((error: unknown) => void (failure ??= { error }))
          .finally(() => {
            inFlight.delete(sent);
            this.#slots.release();
          });
        inFlight.add(sent);
      }
    } finally {
      issued.resolve();
    }
    await Promise.all(inFlight);
    if (failure) throw failure.error;
  }

  /**
   * The records as requests: single rows, or rows grouped by the replicas
   * that own them. Each request's parameters are made only as it is sent,
   * so the rows waiting for a slot are not held twice.
   */
  #requests<T>(rows: readonly T[], encoding: RowEncoding<T>): T[][] {
    if (this.#rowsPerRequest === 1) return rows.map((r) => [r]);
    // One node owns every row: no need to hash each id to find its replicas.
    const oneNode = this.#client.hosts.length === 1;
    const groups = new Map<string, T[]>();
    for (const row of rows) {
      const key = oneNode ? '' : this.#replicaKey(encoding.id(row));
      let group = groups.get(key);
      if (!group) groups.set(key, (group = []));
      group.push(row);
    }
    const out: T[][] = [];
    for (const group of groups.values()) {
      for (let i = 0; i < group.length; i += this.#rowsPerRequest) out.push(group.slice(i, i + this.#rowsPerRequest));
    }
    return out;
  }

  /** The replicas of a row's partition, as a key; '' when the driver does not know the ring (yet). */
  #replicaKey(id: string): string {
    const hosts = this.#client.getReplicas(this.#options.keyspace, cassandra.types.Uuid.fromString(id).getBuffer());
    if (!hosts || hosts.length === 0) return '';
    return hosts.map((h) => h.address).sort().join(',');
  }

  async #send<T>(rows: T[], encoding: RowEncoding<T>): Promise<void> {
    try {
      await sendRows(this.#client, this.#insert, rows.map((r) => encoding.params(r)), this.#options.retries ?? 5);
    } catch (error) {
      throw cassandraError(`writing ${this.#options.keyspace}.${this.#options.table}`, this.#options, error);
    }
  }
}

/** A counting semaphore whose waiters are served first come, first served. */
export class Slots {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(size: number) {
    this.#free = size;
  }

  /** Resolves when a slot is taken; give it back with `release`. */
  acquire(): Promise<void> {
    if (this.#free > 0 && this.#waiting.length === 0) {
      this.#free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#free++;
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
      await new Promise((r) => setTimeout(r, backoffMs(attempt, BACKOFF.cassandraWrite)));
    }
  }
}
