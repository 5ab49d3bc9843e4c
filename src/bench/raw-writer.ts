/**
 * The Cassandra write ceiling of `npm run bench`, run as its own process so
 * its CPU and memory are measured alone: the same driver, client settings,
 * prepared INSERT and row shape as the engines, writing distinct users as
 * fast as `concurrency` in-flight requests allow, for `duration` seconds.
 * No Kafka, no parsing: the physical limit the engines are compared with.
 *
 *   node src/bench/raw-writer.ts '{"duration":60,"concurrency":128,...}'
 *
 * Prints one JSON line (RawWriteResult); the latency is
 * each request's round trip (one in eight sampled, retries included), after
 * the warm-up. A request that fails is sent again, as the engines do.
 */
import { randomUUID } from 'node:crypto';
import { ensureSchema } from '../cassandra/schema.ts';
import { connectCassandra } from '../cassandra/session.ts';
import { sendRows } from '../cassandra/writer.ts';
import type { Config } from '../config/options.ts';
import { toRecord } from '../record/from-random-user.ts';
import { RECORD_FIELDS, type UserRecord } from '../record/record.ts';
import { generateUsers } from '../source/builtin/index.ts';
import { type LatencySummary, latencySummary } from './stats.ts';

export type RawWriterArgs = Pick<Config, 'cassandraHosts' | 'cassandraDc' | 'keyspace' | 'table'> & Partial<Pick<Config, 'writeConsistency' | 'keyspaceReplication'>> & {
  duration: number;
  /** Seconds before request latencies are sampled. */
  warmup: number;
  concurrency: number;
  /** Rows per request: 1 = single INSERTs; more = unlogged batches of that many rows, each for one replica set. */
  rowsPerRequest?: number;
};

export interface RawWriteResult {
  written: number;
  elapsedMs: number;
  /** Rows written after the warm-up, and over how long. */
  steadyWritten: number;
  steadySeconds: number;
  latencyMs: LatencySummary;
  /** Requests that failed (a write timeout on a cold or busy node) and were sent again, as the engines' writer does. */
  retried: number;
  /** What creating the keyspace and table warned about (a node behind on the schema). */
  schemaWarnings: string[];
}

/** Times a failed request is sent again, as the engines' writer does. */
const RETRIES = 5;

export async function rawWrite(args: RawWriterArgs): Promise<RawWriteResult> {
  const client = await connectCassandra(args, { concurrency: args.concurrency });
  try {
    const schemaWarnings = await ensureSchema(client, args);
    // A pool of realistic users; each write gives one a fresh id and time.
    const pool: UserRecord[] = generateUsers({ results: 5000 }).results.map((u) => toRecord(u, new Date()));
    const insert = `INSERT INTO ${args.keyspace}.${args.table} (${RECORD_FIELDS.join(', ')}) VALUES (${RECORD_FIELDS.map(() => '?').join(', ')})`;
    const started = performance.now();
    const deadline = started + args.duration * 1000;
    const measureFrom = started + args.warmup * 1000;
    const latencies: number[] = [];
    const perRequest = args.rowsPerRequest ?? 1;
    let written = 0;
    let steadyWritten = 0;
    let requests = 0;
    let retried = 0;
    let n = 0;
    const worker = async () => {
      while (performance.now() < deadline) {
        const rows = Array.from({ length: perRequest }, () => {
          const base = pool[n++ % pool.length]!;
          return RECORD_FIELDS.map((f) => (f === 'id' ? randomUUID() : f === 'ingested_at' ? new Date() : base[f]));
        });
        const t0 = performance.now();
        await sendRows(client, insert, rows, RETRIES, () => retried++);
        if (t0 >= measureFrom && (requests++ & 7) === 0) latencies.push(performance.now() - t0);
        written += perRequest;
        if (t0 >= measureFrom) steadyWritten += perRequest;
      }
    };
    await Promise.all(Array.from({ length: args.concurrency }, worker));
    const ended = performance.now();
    return { written, elapsedMs: ended - started, steadyWritten, steadySeconds: (ended - measureFrom) / 1000, latencyMs: latencySummary(latencies), retried, schemaWarnings };
  } finally {
    await client.shutdown();
  }
}

if (import.meta.main) {
  const result = await rawWrite(JSON.parse(process.argv[2] ?? '{}') as RawWriterArgs);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
