import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BEGIN, type BenchResult, CLUSTER_MARKERS, END, type PhaseResult, capacity, ceiling, goals, renderClusterMarkdown, renderMarkdown, replaceBetweenMarkers } from '../../../src/bench/report.ts';

const usage = (cores: number, peakRssMb: number) => ({ cores, cpuSeconds: cores * 60, peakRssMb, firstRssMb: peakRssMb, lastRssMb: peakRssMb });
const phase = (p: Partial<PhaseResult> & { phase: string; perSecond?: number[] }, perSecond: number): PhaseResult => ({
  offeredRate: 0, produced: 0, landed: 0, processes: {}, perSecond: [],
  steady: { rows: perSecond * 60, seconds: 60, perSecond },
  ...p,
});

function result(phases: PhaseResult[]): BenchResult {
  return {
    startedAt: '2026-11-24T20:00:00.000Z', finishedAt: '2026-11-24T20:30:00.000Z', smoke: false,
    machine: { cpus: 2, model: 'CPU', memoryGb: 24, kernel: '6.1' },
    versions: { Kafka: '4.1.1' }, settings: { partitions: 3 }, phases,
  };
}

const full = result([
  phase({ phase: 'ceiling:producer', processes: { producer: usage(0.6, 300) } }, 26_000),
  phase({ phase: 'ceiling:cassandra:single', rowsPerRequest: 1 }, 30_000),
  phase({ phase: 'ceiling:cassandra:batched', rowsPerRequest: 8 }, 35_000),
  phase({ phase: 'rate:1000', engine: 'node', offeredRate: 1000, latencyMs: { count: 60_000, p50: 30, p95: 60, p99: 120, max: 400 } }, 1000),
  phase({ phase: 'max', engine: 'node', drain: { rows: 600_000, seconds: 20, perSecond: 30_000 }, processes: { engine: usage(0.7, 400) } }, 22_000),
  phase({ phase: 'rate:1000', engine: 'spark', offeredRate: 1000, latencyMs: { count: 60_000, p50: 900, p95: 3000, p99: 6000, max: 9000 } }, 1000),
  phase({ phase: 'max', engine: 'spark', processes: { 'spark-connect': usage(0.5, 1000), 'spark-executor': usage(0.8, 1500), engine: usage(0.01, 150) } }, 15_000),
  phase({ phase: 'soak', engine: 'node', memory: { slopeMbPerMin: 1.8, lateSlopeMbPerMin: 0.2, firstMb: 180, lastMb: 196, peakMb: 196, minutes: 10 } }, 1000),
]);

test('the Cassandra ceiling is the better of its variants', () => {
  assert.equal(ceiling(full, 'cassandra')!.phase, 'ceiling:cassandra:batched');
  assert.equal(ceiling(full, 'producer')!.steady.perSecond, 26_000);
  assert.equal(ceiling(result([]), 'cassandra'), undefined);
});

test('an engine is credited with its drain rate when it had a backlog long enough, else its steady rate', () => {
  const max = full.phases.find((p) => p.engine === 'node' && p.phase === 'max')!;
  assert.equal(capacity(max), 30_000);
  assert.equal(capacity({ ...max, drain: { rows: 10, seconds: 1, perSecond: 10 } }), 22_000);
});

test('goals compare against the ceiling and the latency and memory limits of the issue', () => {
  const g = Object.fromEntries(goals(full).map((x) => [x.goal, x]));
  assert.equal(g['node engine throughput ÷ raw Cassandra ceiling']!.met, true); // 30k / 35k = 86%
  assert.match(g['node engine throughput ÷ raw Cassandra ceiling']!.measured, /^86%/);
  assert.equal(g['spark engine throughput ÷ raw Cassandra ceiling']!.met, false); // 15k / 35k = 43%
  assert.equal(g['node engine p99 end-to-end latency at 1,000 records/s']!.met, true);
  assert.equal(g['spark engine p99 end-to-end latency at 1,000 records/s']!.met, false);
  // Growth that levels off (fast after the first minute, flat in the second half) is not a leak; growth that goes on is.
  assert.equal(g['node engine memory over a 10-minute run']!.met, true);
  const soak = (memory: NonNullable<PhaseResult['memory']>) =>
    goals(result([phase({ phase: 'soak', engine: 'node', memory }, 1000)])).find((x) => x.goal === 'node engine memory over a 10-minute run')!;
  assert.equal(soak({ slopeMbPerMin: 1.8, lateSlopeMbPerMin: 1.7, firstMb: 180, lastMb: 196, peakMb: 196, minutes: 10 }).met, false);
  assert.equal(soak({ slopeMbPerMin: 0.1, lateSlopeMbPerMin: 0.1, firstMb: 180, lastMb: 181, peakMb: 181, minutes: 3 }).met, false);
  // RSS that falls is no growth.
  assert.equal(soak({ slopeMbPerMin: -4.6, lateSlopeMbPerMin: -5.7, firstMb: 290, lastMb: 276, peakMb: 333, minutes: 10 }).met, true);
  // The heap after full collections is reported beside RSS; the verdict stays RSS's.
  const withHeap = soak({
    slopeMbPerMin: 1.8, lateSlopeMbPerMin: 1.7, firstMb: 180, lastMb: 196, peakMb: 196, minutes: 10,
    heapAfterGc: { slopeMbPerMin: 0.01, firstMb: 42.2, lastMb: 42.1, samples: 12 },
  });
  assert.equal(withHeap.met, false);
  assert.match(withHeap.measured, /heap after full collections 42 → 42 MB, 0\.01 MB\/min \(12 samples\)/);
  // An earlier run's result without the second-half slope claims nothing.
  assert.equal(soak({ slopeMbPerMin: 0.2, firstMb: 180, lastMb: 182, peakMb: 190, minutes: 10 }).met, undefined);
  // Nothing measured: nothing claimed.
  assert.ok(goals(result([])).every((x) => x.met === undefined && x.measured === 'not measured'));
});

test('an engine carried over from an earlier run is divided by the ceiling of that run, not of this one', () => {
  const from = '2026-11-24T20:12:00.000Z';
  const r = result([
    phase({ phase: 'ceiling:cassandra:batched', rowsPerRequest: 8 }, 18_000),
    phase({ phase: 'drain', engine: 'node', drain: { rows: 1, seconds: 60, perSecond: 11_000 } }, 11_000),
    phase({ phase: 'ceiling:cassandra:batched', rowsPerRequest: 8, carriedFrom: from }, 47_000),
    phase({ phase: 'drain', engine: 'spark', drain: { rows: 1, seconds: 60, perSecond: 9_400 }, carriedFrom: from }, 9_400),
  ]);
  const g = Object.fromEntries(goals(r).map((x) => [x.goal, x]));
  assert.match(g['spark engine throughput ÷ raw Cassandra ceiling']!.measured, /^20% \(9,400 ÷ 47,000 rows\/s, run of 2026-11-24 20:12\)/);
  assert.match(g['node engine throughput ÷ raw Cassandra ceiling']!.measured, /^61% \(11,000 ÷ 18,000/);
  const md = renderMarkdown(r);
  assert.match(md, /\| spark \(run of 2026-11-24 20:12\) \| backlog \|.*\| 20% \|/);
  // The Ceilings table is this run's only.
  assert.doesNotMatch(md, /\| 47,000 \|/);
  // A carried engine whose run left no ceiling is not divided by today's.
  const alone = result([phase({ phase: 'ceiling:cassandra:batched', rowsPerRequest: 8 }, 18_000), ...r.phases.filter((p) => p.engine === 'spark')]);
  const spark = goals(alone).find((x) => x.goal === 'spark engine throughput ÷ raw Cassandra ceiling')!;
  assert.equal(spark.met, undefined);
  assert.match(spark.measured, /no ceiling measured beside it/);
});

test('the markdown has the ceilings, one row per engine phase with its ratio, and the goals', () => {
  const md = renderMarkdown(full);
  assert.match(md, /single INSERTs.*\| 30,000 \|/);
  assert.match(md, /batches of 8 rows.*\*\*the ceiling\*\*.*\| 35,000 \|/);
  assert.match(md, /\| node \| max \| 22,000 \| 30,000 \| 86% \|/);
  assert.match(md, /\| spark \| 1,000 \| 1,000 \| — \| — \| 900 ms \| 3\.00 s \| 6\.00 s \|/);
  // Spark's engine CPU is its driver, executor and client together.
  assert.match(md, /\| spark \| max \|.*\| 1\.31 \| 2,650 \|/);
  assert.match(md, /\| spark engine p99 end-to-end latency at 1,000 records\/s \| ≤ 5\.00 s \| 6\.00 s \| \*\*no\*\* \|/);
});

test('the table is replaced between the markers, and only there', () => {
  const doc = `# Benchmarks\n\nhand-written\n\n${BEGIN}\nold table\n${END}\n\nafter\n`;
  const out = replaceBetweenMarkers(doc, 'new table');
  assert.equal(out, `# Benchmarks\n\nhand-written\n\n${BEGIN}\nnew table\n${END}\n\nafter\n`);
  assert.equal(replaceBetweenMarkers('# B\n', 'x'), `# B\n\n${BEGIN}\nx\n${END}\n`);
});

test('a drain phase is the engine capacity the goal uses; carried phases say which run they are from', () => {
  const withDrain = result([
    ...full.phases,
    phase({ phase: 'drain', engine: 'spark', drain: { rows: 1_200_000, seconds: 60, perSecond: 20_000 }, carriedFrom: '2026-11-23T10:00:00.000Z' }, 20_000),
    // The ceiling measured in the run the drain comes from.
    phase({ phase: 'ceiling:cassandra:batched', rowsPerRequest: 8, carriedFrom: '2026-11-23T10:00:00.000Z' }, 35_000),
  ]);
  const g = goals(withDrain).find((x) => x.goal === 'spark engine throughput ÷ raw Cassandra ceiling')!;
  assert.equal(g.met, true); // 20k / 35k = 57%, the drain, not the 15k landed at max
  assert.match(g.measured, /^57%/);
  assert.match(renderMarkdown(withDrain), /\| spark \(run of 2026-11-23 10:00\) \| backlog \| — \| 20,000 \| 57% \|/);
});

test('the scale-out table: each size against one instance and the raw ceiling on the ring, the CPU by group, and where the cores were the limit', () => {
  const drain = (perSecond: number) => ({ drain: { rows: perSecond * 60, seconds: 60, perSecond } });
  const cluster = result([
    phase({ phase: 'ceiling:cassandra:batched', rowsPerRequest: 10, machineBusy: 0.97, processes: { writer: usage(0.5, 200), 'cassandra-1': usage(0.4, 900), 'cassandra-2': usage(0.4, 900), 'cassandra-3': usage(0.4, 900) } }, 10_000),
    phase({ phase: 'drain', engine: 'node', instances: 1, machineBusy: 0.8, ...drain(4_000), processes: { engine: usage(0.6, 200), 'kafka-1': usage(0.1, 400), 'kafka-2': usage(0.1, 400), 'cassandra-1': usage(0.3, 900) } }, 4_000),
    phase({ phase: 'drain', engine: 'node', instances: 2, machineBusy: 0.95, ...drain(6_000), processes: { 'engine-1': usage(0.4, 200), 'engine-2': usage(0.4, 200) } }, 6_000),
    phase({ phase: 'drain', engine: 'spark', sparkWorkers: 1, machineBusy: 0.7, ...drain(2_000), processes: { 'spark-connect': usage(0.3, 900), 'spark-executor': usage(0.6, 900), 'spark-master': usage(0.05, 200), 'spark-worker-1': usage(0.05, 200) } }, 2_000),
    phase({ phase: 'drain', engine: 'spark', sparkWorkers: 2, machineBusy: 0.85, ...drain(3_000), processes: {} }, 3_000),
  ]);
  const md = renderClusterMarkdown(cluster);
  assert.match(md, /\| raw Cassandra writes, unlogged batches of 10 rows per replica set \| 10,000 \| — \| 100% \| 97% \| 0\.50 \(the writer\) \| — \| 1\.20 \| — \|/);
  assert.match(md, /\| node engine × 1 \(one group\) \| 4,000 \| 1\.00 \| 40% \| 80% \| 0\.60 \| 0\.20 \| 0\.30 \| — \|/);
  // Both instances are the engine; the ratio is to the one-instance drain.
  assert.match(md, /\| node engine × 2 \(one group\) \| 6,000 \| 1\.50 \| 60% \| 95% \| 0\.80 \|/);
  assert.match(md, /\| Spark engine, 1 worker \| 2,000 \| 1\.00 \| 20% \| 70% \| 0\.90 \| 0\.00 \| 0\.00 \| 0\.10 \|/);
  assert.match(md, /\| Spark engine, 2 workers \| 3,000 \| 1\.50 \| 30% \| 85% \|/);
  assert.match(md, /at least 90% busy in: the raw ceiling, node × 2\. There the cores are the limit/);
  const calm = renderClusterMarkdown(result([phase({ phase: 'drain', engine: 'node', instances: 1, machineBusy: 0.5, ...drain(1_000) }, 1_000)]));
  assert.match(calm, /No phase kept the cores 90% busy/);
  // Its own markers: the single-node table stays as it is.
  const doc = `# B\n\n${BEGIN}\nsingle\n${END}\n`;
  const both = replaceBetweenMarkers(doc, 'cluster table', CLUSTER_MARKERS);
  assert.ok(both.includes(`${BEGIN}\nsingle\n${END}`) && both.includes(`${CLUSTER_MARKERS.begin}\ncluster table\n${CLUSTER_MARKERS.end}`));
  assert.equal(replaceBetweenMarkers(both, 'again', CLUSTER_MARKERS).split(CLUSTER_MARKERS.begin).length, 2);
});
