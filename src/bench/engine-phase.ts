/**
 * An engine at an offered rate (enginePhase): the engine started in its own
 * process (startEngine), the producer at the rate for warm-up + duration,
 * then every row read back from Cassandra (readLanded) for the throughput and
 * the latency of the steady window. startEngine and readLanded are also what
 * the drain and soak phases start and count with, so they live here, beside
 * the phase that uses both.
 */
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import cassandra from 'cassandra-driver';
import { tokenRanges } from '../cassandra/schema.ts';
import type { EngineName } from '../engines/index.ts';
import { pipelineNames } from '../engines/spark/names.ts';
import { ErrorCodes, UserstreamError } from '../errors.ts';
import { ensureTopics } from '../kafka/admin.ts';
import { every, until } from '../retry.ts';
import { type Bench, say } from './bench.ts';
import { type Child, startChild, stopChild, succeeded } from './children.ts';
import { type LandedRow, latenciesIn, latencySummary, perSecondSeries, throughputIn } from './stats.ts';

const ENGINE_CHILD = new URL('./engine-child.ts', import.meta.url).pathname;

/** Every row's accept time and Cassandra write time, read back in token ranges. */
export async function readLanded(client: cassandra.Client, keyspace: string, table: string): Promise<LandedRow[]> {
  const rows: LandedRow[] = [];
  const cql = `SELECT ingested_at, WRITETIME(first_name) AS wt FROM ${keyspace}.${table} WHERE token(id) > ? AND token(id) <= ?`;
  const queue = tokenRanges(32);
  const Long = cassandra.types.Long;
  const worker = async () => {
    for (let range = queue.pop(); range; range = queue.pop()) {
      const params = range.map((t) => Long.fromString(t.toString()));
      await new Promise<void>((resolve, reject) => {
        client.eachRow(
          cql,
          params,
          { prepare: true, fetchSize: 5000, autoPage: true, readTimeout: 60_000 },
          (_n, row) => {
            const wt = row.get('wt') as cassandra.types.Long;
            rows.push({ ingestedAt: (row.get('ingested_at') as Date).getTime(), writtenAt: wt.toNumber() / 1000 });
          },
          (error) => (error ? reject(error) : resolve()),
        );
      });
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return rows;
}

export async function startEngine(
  bench: Bench,
  engine: EngineName,
  names: { topic: string; keyspace: string; groupId: string },
): Promise<{ child: Child; stats: () => { written: number }; series: [number, number][]; heapAfterGc: [number, number][] }> {
  await ensureTopics(bench.config, [{ name: names.topic, partitions: bench.config.partitions }]);
  const overrides = { topic: names.topic, keyspace: names.keyspace, groupId: names.groupId };
  if (engine === 'spark') {
    // The queries' checkpoints would outlive the run, as its topics and keyspaces would
    // (a folder the Spark driver sees: on the local stack, this machine's).
    const { rowsCheckpoint } = pipelineNames({ ...bench.config, ...overrides });
    bench.cleanup.push(() => rm(dirname(rowsCheckpoint), { recursive: true, force: true }));
  }
  const child = startChild(`${engine} engine`, ENGINE_CHILD, [engine, JSON.stringify(overrides)]);
  let last = { written: 0 };
  const series: [number, number][] = [];
  /** [time, MB]: the heap in use after the latest full collection, at each report that follows a new one. */
  const heapAfterGc: [number, number][] = [];
  let collections = 0;
  const ready = new Promise<void>((resolve, reject) => {
    child.onLine((line) => {
      const o = JSON.parse(line) as { ready?: boolean; written?: number; heapAfterGc?: { mb: number; gcs: number } };
      if (o.ready) resolve();
      if (o.written !== undefined) {
        last = o as { written: number };
        series.push([Date.now(), o.written]);
      }
      const gc = o.heapAfterGc;
      if (gc && gc.gcs !== collections) {
        collections = gc.gcs;
        heapAfterGc.push([Date.now(), gc.mb]);
      }
    });
    void child.exited.then(() => reject(new UserstreamError(ErrorCodes.BENCH, `bench: the ${engine} engine exited before it was ready\n${child.stderrTail()}`)));
  });
  await ready;
  return { child, stats: () => last, series, heapAfterGc };
}

export async function enginePhase(bench: Bench, engine: EngineName, rate: number): Promise<void> {
  const phase = rate === 0 ? 'max' : `rate:${rate}`;
  const names = bench.names(`${engine}_${rate === 0 ? 'max' : rate}`);
  await bench.dropLater(names.keyspace);
  const seconds = bench.opts.warmup + bench.opts.duration;
  say(`${engine} engine at ${rate === 0 ? 'max rate' : `${rate} records/s`}: starting the engine`);
  const { child: engineChild, stats } = await startEngine(bench, engine, names);
  try {
    const sampler = bench.sampler(engine);
    sampler.track('engine', engineChild.pid, { born: true });
    sampler.start();
    say(`  producing for ${seconds} s`);
    const producer = bench.ingest(names.topic, rate, seconds);
    sampler.track('producer', producer.pid, { born: true });
    const start = producer.startedAt;
    const producerEnd = await succeeded(producer);
    const produced = await bench.produced(names.topic);
    say(`  ${produced} produced; waiting for the engine to write them`);
    await until(
      `the ${engine} engine to write ${produced} rows`,
      async () => {
        if (stats().written >= produced) return { done: true, value: undefined };
        if (engineChild.proc.exitCode !== null) throw new UserstreamError(ErrorCodes.BENCH, `bench: the ${engine} engine died\n${engineChild.stderrTail()}`);
        return { done: false, saw: `${stats().written} written` };
      },
      {
        deadline: Date.now() + 120_000 + (produced / 500) * 1000,
        pause: every(250),
        fail: () => new UserstreamError(ErrorCodes.TIMEOUT, `bench: the ${engine} engine wrote ${stats().written} of ${produced} in time`),
      },
    );
    const processes = sampler.stop();
    const rows = await readLanded(bench.cassandra, names.keyspace, bench.config.table);
    await bench.drop(names.keyspace);
    if (rows.length !== produced) throw new UserstreamError(ErrorCodes.BENCH, `bench: ${produced} records produced but ${rows.length} rows in ${names.keyspace}`);
    const writtenAt = rows.map((r) => r.writtenAt);
    const lastWrite = writtenAt.reduce((a, b) => Math.max(a, b), -Infinity);
    const window = { from: start + bench.opts.warmup * 1000, to: producerEnd };
    const steady = throughputIn(writtenAt, window);
    const drainWindow = { from: producerEnd + 1000, to: lastWrite };
    const drain = rate === 0 && drainWindow.to - drainWindow.from >= 5000 ? throughputIn(writtenAt, drainWindow) : undefined;
    const latencyMs = latencySummary(latenciesIn(rows, window));
    bench.phases.push({ phase, engine, offeredRate: rate, produced, landed: rows.length, steady, ...(drain ? { drain } : {}), latencyMs, processes, perSecond: perSecondSeries(writtenAt, start, lastWrite + 1) });
    say(`  landed ${Math.round(steady.perSecond)} rows/s${drain ? `, drained ${Math.round(drain.perSecond)} rows/s` : ''}; latency p50 ${Math.round(latencyMs.p50)} ms, p99 ${Math.round(latencyMs.p99)} ms`);
  } finally {
    await stopChild(engineChild);
  }
}
