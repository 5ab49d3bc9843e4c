/**
 * An engine's capacity (drainPhase): a backlog produced first, then drained
 * by the engine alone (on the cluster: by a group of node engines, or by
 * Spark on a given number of workers), its rate counted from Cassandra's
 * write times. It has its own module because it is the bench's longest
 * phase, with rules of its own for its window and its backlog (the size of a
 * smoke's backlog among them), each given with its reason below.
 */
import { Admin } from '@platformatic/kafka';
import { engineCommitted } from '../engines/committed.ts';
import type { EngineName } from '../engines/index.ts';
import { ErrorCodes, UserstreamError } from '../errors.ts';
import { ensureTopics, offsetTotal } from '../kafka/admin.ts';
import { baseKafkaOptions } from '../kafka/client-options.ts';
import { type Bench, say, sleep } from './bench.ts';
import { stopChild, succeeded } from './children.ts';
import { readLanded, startEngine } from './engine-phase.ts';
import { machineCpu } from './proc.ts';
import { busyShare, perSecondSeries, throughputIn } from './stats.ts';

/** A smoke's drain backlog, in records: more than any engine here drains in a smoke's window. */
const SMOKE_BACKLOG = 40_000;

/**
 * The engine's capacity: a backlog is produced first (the producer alone,
 * unthrottled), then the engine drains it alone until warm-up + duration
 * seconds have passed since it first reported rows written. The rate is
 * counted from Cassandra afterwards, as the other phases are: the rows
 * whose write time falls between the first row's write time plus the
 * warm-up and the end of the window. The engines' own counts move one
 * batch (node: 8,000 rows, each instance) or one micro-batch (Spark: up to
 * 200,000) at a time, coarser than a smoke's window on a busy ring, and a
 * group's committed offsets can move back after a rebalance (a revoked
 * partition's last commit landing after its new owner's). With
 * `instances`, that many node engine processes in one consumer group: the
 * group's committed offsets, sampled every second, say when it started
 * and when it is done, and Cassandra must hold at least what the group
 * committed. `sparkWorkers` only labels the phase (the caller sized the
 * Spark cluster).
 */
export async function drainPhase(bench: Bench, engine: EngineName, scale: { instances?: number; sparkWorkers?: number } = {}): Promise<void> {
  const instances = scale.instances ?? 1;
  const tag = scale.sparkWorkers !== undefined ? `_w${scale.sparkWorkers}` : scale.instances !== undefined ? `_x${instances}` : '';
  const names = bench.names(`${engine}_drain${tag}`);
  await bench.dropLater(names.keyspace);
  await ensureTopics(bench.config, [{ name: names.topic, partitions: bench.config.partitions }]);
  const seconds = bench.opts.warmup + bench.opts.duration;
  // Enough for an engine as fast as the producer to stay busy for the whole window. A smoke's
  // backlog is a count, more than an engine drains in a smoke's window (about 4,000/s on the ring)
  // and no more: Spark takes a whole backlog in one micro-batch (150,000 records took 90 s of the
  // cluster smoke to write and read back), and three seconds of the producer were 12,000 records
  // in one run (too few to fill the window) and 56,000 in another.
  const backlogSeconds = bench.opts.smoke ? 60 : Math.ceil(seconds * 1.25);
  const backlogCount = bench.opts.smoke ? SMOKE_BACKLOG : undefined;
  const what = `${engine} engine${instances > 1 ? ` × ${instances}` : ''}${scale.sparkWorkers !== undefined ? ` on ${scale.sparkWorkers} Spark worker(s)` : ''}`;
  say(`${what} draining a backlog: producing ${backlogCount ? `${backlogCount} records` : `for ${backlogSeconds} s`} first`);
  await succeeded(bench.ingest(names.topic, 0, backlogSeconds, backlogCount));
  const produced = await bench.produced(names.topic);
  say(`  ${produced} records waiting; the ${what} drain${instances > 1 ? '' : 's'} them for ${seconds} s`);
  const engines: Awaited<ReturnType<typeof startEngine>>[] = [];
  let processes;
  let machineBusy = 0;
  let stoppedAt: number;
  // A group: what it has committed, every second.
  const group = engine === 'node' && scale.instances !== undefined ? { series: [] as [number, number][], admin: new Admin({ ...baseKafkaOptions(bench.config, `bench-${bench.run}-offsets`), timeout: 5000 }), on: true } : undefined;
  const groupSampler = (async () => {
    while (group?.on) {
      const done = await engineCommitted('node', { ...bench.config, ...names }, group.admin).catch(() => undefined);
      if (done) group.series.push([Date.now(), offsetTotal(done)]);
      await sleep(1000);
    }
  })();
  try {
    // Started one after the other, each ready (in the group) before the next; the window starts when all are.
    for (let i = 0; i < instances; i++) engines.push(await startEngine(bench, engine, names));
    const written = () => (group ? (group.series.at(-1)?.[1] ?? 0) : engines[0]!.stats().written);
    // The window starts at the first rows written, not at subscription: the
    // capacity, not the start-up (Spark's first micro-batch on a Connect
    // server just started takes seconds).
    for (const until = Date.now() + 120_000; written() === 0 && Date.now() < until; ) {
      for (const e of engines) if (e.child.proc.exitCode !== null) throw new UserstreamError(ErrorCodes.BENCH, `bench: the ${engine} engine died\n${e.child.stderrTail()}`);
      await sleep(250);
    }
    const readyAt = Date.now();
    const sampler = bench.sampler(engine);
    engines.forEach((e, i) => sampler.track(instances > 1 ? `engine-${i + 1}` : 'engine', e.child.pid, { born: true }));
    sampler.start();
    const until = readyAt + seconds * 1000;
    let cpuFrom: ReturnType<typeof machineCpu> | undefined;
    while (Date.now() < until && written() < produced) {
      for (const e of engines) if (e.child.proc.exitCode !== null) throw new UserstreamError(ErrorCodes.BENCH, `bench: the ${engine} engine died\n${e.child.stderrTail()}`);
      if (!cpuFrom && Date.now() >= readyAt + bench.opts.warmup * 1000) cpuFrom = machineCpu();
      await sleep(250);
    }
    if (cpuFrom) machineBusy = busyShare(cpuFrom, machineCpu());
    processes = sampler.stop();
    stoppedAt = Date.now();
  } finally {
    if (group) group.on = false;
    await groupSampler;
    await group?.admin.close().catch(() => {});
    for (const e of engines) await stopChild(e.child);
  }
  const series = group ? group.series : engines[0]!.series;
  const reported = series.at(-1)?.[1] ?? 0;
  const writtenAt = (await readLanded(bench.cassandra, names.keyspace, bench.config.table)).map((r) => r.writtenAt);
  const landed = writtenAt.length;
  await bench.drop(names.keyspace);
  if (landed < reported) throw new UserstreamError(ErrorCodes.BENCH, `bench: the ${what} ${group ? 'committed' : 'reported written'} ${reported} but ${names.keyspace} has ${landed} rows`);
  const firstWrite = writtenAt.reduce((a, b) => Math.min(a, b), Infinity);
  const lastWrite = writtenAt.reduce((a, b) => Math.max(a, b), -Infinity);
  const window = { from: firstWrite + bench.opts.warmup * 1000, to: Math.min(firstWrite + seconds * 1000, stoppedAt, lastWrite + 1) };
  if (!(window.to - window.from >= 1000)) throw new UserstreamError(ErrorCodes.BENCH, `bench: the ${what} wrote too little after its warm-up to measure (${landed} rows)`);
  const drain = throughputIn(writtenAt, window);
  if (window.to === lastWrite + 1 && landed === produced) say('  (the backlog ran out early; the window is shorter)');
  bench.phases.push({
    phase: 'drain', engine, offeredRate: 0, produced, landed, steady: drain, drain, processes,
    perSecond: perSecondSeries(writtenAt, firstWrite, lastWrite + 1),
    ...(scale.instances !== undefined ? { instances } : {}),
    ...(scale.sparkWorkers !== undefined ? { sparkWorkers: scale.sparkWorkers } : {}),
    machineBusy,
  });
  say(`  drained ${Math.round(drain.perSecond)} rows/s over ${drain.seconds.toFixed(0)} s (${landed} rows), the machine's cores ${Math.round(machineBusy * 100)}% busy`);
}
