/**
 * The ceilings the engines are measured against, on the same machine: the
 * producer alone into Kafka (producerCeiling), and raw writes into Cassandra
 * from their own process (rawWriter), single INSERTs and batches
 * (cassandraCeiling), after a warm-up that is not measured (warmCassandra).
 * They are the bench's first phases, and each engine's result is read as a
 * share of them (report.ts), so they have a module of their own.
 */
import { countRows } from '../cassandra/schema.ts';
import { DEFAULT_ROWS_PER_REQUEST } from '../cassandra/writer.ts';
import { ErrorCodes, UserstreamError } from '../errors.ts';
import { ensureTopics } from '../kafka/admin.ts';
import { type Bench, say, sleep } from './bench.ts';
import { startChild, succeeded } from './children.ts';
import { type ProcSampler, machineCpu } from './proc.ts';
import type { RawWriteResult, RawWriterArgs } from './raw-writer.ts';
import type { PhaseResult } from './report.ts';
import { busyShare } from './stats.ts';

const RAW_WRITER = new URL('./raw-writer.ts', import.meta.url).pathname;

export async function producerCeiling(bench: Bench): Promise<void> {
  const { topic } = bench.names('producer');
  await ensureTopics(bench.config, [{ name: topic, partitions: bench.config.partitions }]);
  const seconds = bench.opts.warmup + bench.opts.duration;
  say(`ceiling: the producer alone, built-in source over HTTP → Kafka, unthrottled, ${seconds} s`);
  const sampler = bench.sampler();
  const producer = bench.ingest(topic, 0, seconds);
  sampler.track('producer', producer.pid, { born: true });
  sampler.start();
  // Kafka's own count after the warm-up, not the producer's word for it.
  await sleep(bench.opts.warmup * 1000);
  const atWarm = await bench.produced(topic);
  const warmAt = Date.now();
  const producerEnd = await succeeded(producer);
  const processes = sampler.stop();
  const total = await bench.produced(topic);
  const seconds_ = (producerEnd - warmAt) / 1000;
  bench.phases.push({
    phase: 'ceiling:producer', offeredRate: 0, produced: total, landed: 0,
    steady: { rows: total - atWarm, seconds: seconds_, perSecond: (total - atWarm) / seconds_ },
    processes, perSecond: [],
  });
  say(`  ${Math.round((total - atWarm) / seconds_)} records/s into Kafka (${total} in all)`);
}

/** The raw writer in its own process, for `seconds` (the first `warmup` of them not measured). */
export async function rawWriter(bench: Bench, keyspace: string, rowsPerRequest: number, seconds: number, warmup: number, sampler?: ProcSampler): Promise<{ reported: RawWriteResult; processes: PhaseResult['processes'] }> {
  // The engines' consistency and keyspace replication: on the ring, the same quorum writes.
  const args: RawWriterArgs = {
    cassandraHosts: bench.config.cassandraHosts, cassandraDc: bench.config.cassandraDc, keyspace, table: bench.config.table,
    writeConsistency: bench.config.writeConsistency, keyspaceReplication: bench.config.keyspaceReplication,
    duration: seconds, warmup, concurrency: bench.opts.rawConcurrency, rowsPerRequest,
  };
  const writer = startChild('writer', RAW_WRITER, [JSON.stringify(args)]);
  sampler?.track('writer', writer.pid, { born: true });
  sampler?.start();
  let reported: RawWriteResult | undefined;
  writer.onLine((l) => (reported = JSON.parse(l) as RawWriteResult));
  await succeeded(writer);
  const processes = sampler?.stop() ?? {};
  if (!reported) throw new UserstreamError(ErrorCodes.BENCH, `bench: the raw writer reported nothing\n${writer.stderrTail()}`);
  for (const warning of reported.schemaWarnings) say(`  warning: ${warning}`);
  return { reported, processes };
}

/** Raw writes, not measured, so the ceilings are not those of a node still running its code cold. */
export async function warmCassandra(bench: Bench): Promise<void> {
  const seconds = bench.opts.cassandraWarmup;
  if (seconds <= 0) return;
  const { keyspace } = bench.names('warm');
  await bench.dropLater(keyspace);
  say(`warming Cassandra up: raw writes for ${seconds} s, not measured`);
  const { reported } = await rawWriter(bench, keyspace, DEFAULT_ROWS_PER_REQUEST, seconds, 0);
  await bench.drop(keyspace);
  say(`  ${Math.round(reported.written / (reported.elapsedMs / 1000))} rows/s${reported.retried > 0 ? `, ${reported.retried} requests sent again` : ''}`);
}

/** Raw writes twice: single INSERTs, and unlogged batches per replica set as the node engine sends them; the better is the ceiling. */
export async function cassandraCeiling(bench: Bench, rowsPerRequest: number): Promise<void> {
  const variant = rowsPerRequest === 1 ? 'single' : 'batched';
  const { keyspace } = bench.names(`raw_${variant}`);
  await bench.dropLater(keyspace);
  const seconds = bench.opts.warmup + bench.opts.duration;
  say(`ceiling: raw Cassandra writes, ${rowsPerRequest === 1 ? 'single INSERTs' : `unlogged batches of ${rowsPerRequest} rows`}, ${bench.opts.rawConcurrency} requests in flight, ${seconds} s`);
  const cpuFrom = machineCpu();
  const { reported, processes } = await rawWriter(bench, keyspace, rowsPerRequest, seconds, bench.opts.warmup, bench.sampler());
  const machineBusy = busyShare(cpuFrom, machineCpu());
  // Counted by the writer (its writes after the warm-up); Cassandra's own count checks that each is a row.
  const landed = await countRows(bench.cassandra, { ...bench.config, keyspace });
  await bench.drop(keyspace);
  const steady = { rows: reported.steadyWritten, seconds: reported.steadySeconds, perSecond: reported.steadyWritten / reported.steadySeconds };
  bench.phases.push({
    phase: `ceiling:cassandra:${variant}`, offeredRate: 0, rowsPerRequest, produced: reported.written, landed, steady,
    latencyMs: reported.latencyMs, processes, perSecond: [], machineBusy,
  });
  say(`  ${Math.round(steady.perSecond)} rows/s (${landed} rows)${reported.retried > 0 ? `; ${reported.retried} requests failed and were sent again` : ''}`);
}
