import type { LatencySummary, ProcUsage, WindowThroughput } from './stats.ts';

export interface PhaseResult {
  /** `ceiling:producer`, `ceiling:cassandra`, `rate:<n>`, `max`, `soak` */
  phase: string;
  engine?: 'node' | 'spark';
  /** Records per second asked of the producer; 0 = as fast as it goes. */
  offeredRate: number;
  /** The raw writer: rows per Cassandra request (1 = single INSERTs). */
  rowsPerRequest?: number;
  /** Records in the topic (producer phases) or rows written (the raw writer). */
  produced: number;
  /** Rows in Cassandra afterwards. */
  landed: number;
  /** Throughput after the warm-up, while the producer (or writer) ran. */
  steady: WindowThroughput;
  /** `max` only: the engine alone on the backlog the producer left. */
  drain?: WindowThroughput;
  /** From `ingested_at` to the row's write time, for rows accepted in the steady window (the raw writer: each INSERT's round trip). */
  latencyMs?: LatencySummary;
  /** CPU and memory per process over the phase. */
  processes: Record<string, ProcUsage>;
  /** Rows written in each second from the start of the phase. */
  perSecond: number[];
  /** `--cluster`: node engine processes in one consumer group. */
  instances?: number;
  /** `--cluster`: Spark workers the engine's executors ran on. */
  sparkWorkers?: number;
  /** The share of all the machine's cores busy over the measured window (0–1), whoever used them. */
  machineBusy?: number;
  /** Measured in an earlier run (its start time) and carried into this one's table with `--keep`. */
  carriedFrom?: string;
  /** `soak` only: the engine's resident memory over the run. */
  memory?: {
    /** RSS growth after the first minute (warm-up and any leak together). */
    slopeMbPerMin: number;
    /** RSS growth over the second half of the run: a leak keeps growing there, a heap filling up to its size has levelled off. */
    lateSlopeMbPerMin?: number;
    firstMb: number;
    lastMb: number;
    peakMb: number;
    minutes: number;
    /**
     * The heap in use right after each full garbage collection, after the
     * first minute: what the engine still holds. A leak grows it; V8 keeping
     * more or less of its heap committed moves RSS but not this.
     */
    heapAfterGc?: { slopeMbPerMin: number; firstMb: number; lastMb: number; samples: number };
    /** RSS over the run, [seconds, MB], every tenth sample. */
    rssSeries?: [number, number][];
  };
}

export interface BenchResult {
  startedAt: string;
  finishedAt: string;
  smoke: boolean;
  machine: { cpus: number; model: string; memoryGb: number; kernel: string };
  versions: Record<string, string>;
  settings: Record<string, string | number>;
  phases: PhaseResult[];
}

export interface Goal {
  goal: string;
  target: string;
  measured: string;
  met: boolean | undefined;
}

const fmt = (n: number | undefined, digits = 0) =>
  n === undefined || Number.isNaN(n) ? '—' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const runName = (startedAt: string) => startedAt.slice(0, 16).replace('T', ' ');
const ms = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '—' : n >= 1000 ? `${fmt(n / 1000, 2)} s` : `${fmt(n)} ms`);

/** What an engine can sustain: its drain rate on a backlog when measured, else its steady rate. */
export function capacity(p: PhaseResult): number {
  return p.drain && p.drain.seconds >= 5 ? p.drain.perSecond : p.steady.perSecond;
}

/**
 * The producer ceiling, or the raw Cassandra ceiling: the better of its
 * variants, measured in this run or, with `from`, in the earlier run a
 * carried phase came from (an engine is only ever divided by the ceiling
 * measured beside it: the machine's speed varies from day to day).
 */
export function ceiling(result: BenchResult, which: 'producer' | 'cassandra', from?: string): PhaseResult | undefined {
  const candidates = result.phases.filter(
    (p) => p.carriedFrom === from && (p.phase === `ceiling:${which}` || p.phase.startsWith(`ceiling:${which}:`)),
  );
  return candidates.reduce<PhaseResult | undefined>((best, p) => (!best || p.steady.perSecond > best.steady.perSecond ? p : best), undefined);
}

function enginePhase(result: BenchResult, engine: string, phase: string): PhaseResult | undefined {
  return result.phases.find((p) => p.engine === engine && p.phase === phase);
}

/** The goals of issue #8, as far as this run measured them. */
export function goals(result: BenchResult): Goal[] {
  const out: Goal[] = [];
  for (const [engine, share] of [['node', 0.8], ['spark', 0.5]] as const) {
    const max = enginePhase(result, engine, 'drain') ?? enginePhase(result, engine, 'max');
    const raw = max ? ceiling(result, 'cassandra', max.carriedFrom)?.steady.perSecond : undefined;
    const ratio = max && raw ? capacity(max) / raw : undefined;
    const run = max?.carriedFrom ? `, run of ${runName(max.carriedFrom)}` : '';
    out.push({
      goal: `${engine} engine throughput ÷ raw Cassandra ceiling`,
      target: `≥ ${share * 100}%`,
      measured: ratio === undefined ? (max ? `no ceiling measured beside it${run}` : 'not measured') : `${fmt(ratio * 100)}% (${fmt(capacity(max!))} ÷ ${fmt(raw)} rows/s${run})`,
      met: ratio === undefined ? undefined : ratio >= share,
    });
  }
  for (const [engine, limit] of [['node', 1000], ['spark', 5000]] as const) {
    const p99 = enginePhase(result, engine, 'rate:1000')?.latencyMs?.p99;
    out.push({
      goal: `${engine} engine p99 end-to-end latency at 1,000 records/s`,
      target: `≤ ${ms(limit)}`,
      measured: p99 === undefined ? 'not measured' : ms(p99),
      met: p99 === undefined ? undefined : p99 <= limit,
    });
  }
  const soak = result.phases.find((p) => p.phase === 'soak' && p.engine === 'node');
  const m = soak?.memory;
  out.push({
    goal: 'node engine memory over a 10-minute run',
    // Flat means no growth: an RSS that falls (the heap given back) is no leak.
    target: 'flat (< 1 MB/min RSS growth over the second half of the run)',
    measured: m
      ? `${m.lateSlopeMbPerMin === undefined ? 'second half not measured' : `${fmt(m.lateSlopeMbPerMin, 2)} MB/min in the second half`}, ` +
        `${fmt(m.slopeMbPerMin, 2)} MB/min after the first minute, over ${fmt(m.minutes, 1)} min (RSS ${fmt(m.firstMb)} → ${fmt(m.lastMb)} MB, peak ${fmt(m.peakMb)} MB)` +
        (m.heapAfterGc
          ? `; heap after full collections ${fmt(m.heapAfterGc.firstMb)} → ${fmt(m.heapAfterGc.lastMb)} MB, ${fmt(m.heapAfterGc.slopeMbPerMin, 2)} MB/min (${m.heapAfterGc.samples} samples)`
          : '')
      : 'not measured',
    met: m && m.lateSlopeMbPerMin !== undefined ? m.minutes >= 10 && m.lateSlopeMbPerMin < 1 : undefined,
  });
  return out;
}

/** The lines every table starts with: the run, the machine, the versions, the settings. */
function runHeader(result: BenchResult): string[] {
  const m = result.machine;
  return [
    `Run of ${runName(result.startedAt)} UTC${result.smoke ? ' (smoke: too short to quote)' : ''}, ${m.cpus} × ${m.model}, ${fmt(m.memoryGb)} GB, Linux ${m.kernel}.`,
    '',
    `Versions: ${Object.entries(result.versions).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    '',
    `Settings: ${Object.entries(result.settings).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
  ];
}

/** The markdown docs/BENCHMARKS.md carries between its markers. */
export function renderMarkdown(result: BenchResult): string {
  const lines: string[] = [];
  const raw = ceiling(result, 'cassandra');
  const producer = ceiling(result, 'producer');
  const hasCarried = result.phases.some((p) => p.carriedFrom && p.engine);
  lines.push(
    ...runHeader(result),
    '',
    '### Ceilings',
    '',
    '| measurement | records/s | request latency p50 / p99 | CPU (cores) of the writer |',
    '|---|---:|---|---:|',
  );
  if (producer) {
    lines.push(`| producer alone: built-in source over HTTP → Kafka | ${fmt(producer.steady.perSecond)} | — | ${fmt(producer.processes.producer?.cores, 2)} |`);
  }
  for (const p of result.phases.filter((x) => !x.carriedFrom && x.phase.startsWith('ceiling:cassandra'))) {
    const how = p.rowsPerRequest && p.rowsPerRequest > 1 ? `unlogged batches of ${p.rowsPerRequest} rows per replica set` : 'single INSERTs';
    lines.push(
      `| raw Cassandra writes, ${how}: same driver, prepared INSERT, row shape${p === raw ? ' (**the ceiling**)' : ''} | ${fmt(p.steady.perSecond)} | ${ms(p.latencyMs?.p50)} / ${ms(p.latencyMs?.p99)} | ${fmt(p.processes.writer?.cores, 2)} |`,
    );
  }
  lines.push(
    '',
    '### Engines',
    '',
    'Landed = rows per second written to Cassandra after the warm-up while the producer ran (at `max`, unthrottled, on the same CPUs);',
    `"drain" is the engine alone on a backlog: its capacity, divided by the raw ceiling${hasCarried ? ' (for a row carried over from an earlier run, the ceiling measured in that run)' : ''}. Latency is from \`ingested_at\` (the record accepted from the API) to the`,
    "row's write time in Cassandra, for the records accepted after the warm-up. CPU in cores averaged over the phase; memory is peak RSS.",
    '',
    '| engine | offered | landed rows/s | drain rows/s | ÷ raw ceiling | p50 | p95 | p99 | engine CPU | engine peak MB | Kafka CPU | Cassandra CPU |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const p of result.phases.filter((x) => x.engine && x.phase !== 'soak')) {
    const engineCpu = engineProcesses(p).reduce((s, u) => s + u.cores, 0);
    const enginePeak = engineProcesses(p).reduce((s, u) => s + u.peakRssMb, 0);
    const own = ceiling(result, 'cassandra', p.carriedFrom);
    const ratio = own ? capacity(p) / own.steady.perSecond : Number.NaN;
    lines.push(
      `| ${p.engine}${p.carriedFrom ? ` (run of ${runName(p.carriedFrom)})` : ''} | ${p.phase === 'drain' ? 'backlog' : p.offeredRate === 0 ? 'max' : fmt(p.offeredRate)} | ` +
        `${p.phase === 'drain' ? '—' : fmt(p.steady.perSecond)} | ${p.drain ? fmt(p.drain.perSecond) : '—'} | ` +
        `${p.phase === 'max' || p.phase === 'drain' ? `${fmt(ratio * 100)}%` : '—'} | ${ms(p.latencyMs?.p50)} | ${ms(p.latencyMs?.p95)} | ${ms(p.latencyMs?.p99)} | ` +
        `${fmt(engineCpu, 2)} | ${fmt(enginePeak)} | ${fmt(p.processes.kafka?.cores, 2)} | ${fmt(p.processes.cassandra?.cores, 2)} |`,
    );
  }
  lines.push('', '### Goals', '', '| goal | target | measured | met |', '|---|---|---|---|');
  for (const g of goals(result)) lines.push(`| ${g.goal} | ${g.target} | ${g.measured} | ${g.met === undefined ? '—' : g.met ? 'yes' : '**no**'} |`);
  lines.push('', '### Every process, every phase', '', '| phase | process | CPU (cores) | CPU s | peak RSS MB |', '|---|---|---:|---:|---:|');
  for (const p of result.phases.filter((x) => !x.carriedFrom)) {
    for (const [name, u] of Object.entries(p.processes)) {
      lines.push(`| ${p.engine ? `${p.engine} ${p.phase}` : p.phase} | ${name} | ${fmt(u.cores, 2)} | ${fmt(u.cpuSeconds, 1)} | ${fmt(u.peakRssMb)} |`);
    }
  }
  return lines.join('\n');
}

/** The processes that are the engine: the node process(es), or Spark's driver (Connect server) and executors. */
export function engineProcesses(p: PhaseResult): ProcUsage[] {
  return Object.entries(p.processes)
    .filter(([name]) => name === 'engine' || name.startsWith('engine-') || name === 'spark-connect' || name.startsWith('spark-executor'))
    .map(([, u]) => u);
}

/** Cores a group of processes used: every broker, every Cassandra node, the Spark daemons. */
function coresOf(p: PhaseResult, prefix: string): number {
  return Object.entries(p.processes)
    .filter(([name]) => name === prefix || name.startsWith(`${prefix}-`))
    .reduce((sum, [, u]) => sum + u.cores, 0);
}

/** A phase of the scale-out run by its size: `node × 2`, `spark 1 worker(s)`, `raw ceiling`. */
function clusterPhaseName(p: PhaseResult): string {
  if (!p.engine) return 'raw ceiling';
  return p.engine === 'node' ? `node × ${p.instances ?? 1}` : `spark ${p.sparkWorkers ?? 1} worker(s)`;
}

/**
 * The scale-out table (`npm run bench -- --cluster`): each engine's drain
 * rate at each size, as a ratio to its one-instance (one-worker) rate and to
 * the raw ceiling on the same ring, with where the CPU went and how busy
 * the machine was: a size that finds every core busy is limited by the
 * machine, not by the design.
 */
export function renderClusterMarkdown(result: BenchResult): string {
  const m = result.machine;
  const raw = ceiling(result, 'cassandra');
  const lines: string[] = [
    ...runHeader(result),
    '',
    'Each engine drains a backlog alone (rows per second after the warm-up); "× one" is the ratio to the same engine with one instance',
    '(Spark: one worker), "÷ raw" to the raw Cassandra ceiling on the same ring at the same consistency. CPU in cores averaged over the phase;',
    `"machine busy" is the share of all ${m.cpus} cores in use, whoever used them.`,
    '',
    '| measurement | rows/s | × one | ÷ raw | machine busy | engine CPU | Kafka CPU (all brokers) | Cassandra CPU (all nodes) | Spark daemons CPU |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const busy = (p: PhaseResult) => (p.machineBusy === undefined ? '—' : `${fmt(p.machineBusy * 100)}%`);
  if (raw) {
    lines.push(
      `| raw Cassandra writes, unlogged batches of ${raw.rowsPerRequest ?? 1} rows per replica set | ${fmt(raw.steady.perSecond)} | — | 100% | ${busy(raw)} | ${fmt(raw.processes.writer?.cores, 2)} (the writer) | — | ${fmt(coresOf(raw, 'cassandra'), 2)} | — |`,
    );
  }
  const drains = result.phases.filter((p) => p.engine && p.phase === 'drain');
  for (const engine of ['node', 'spark'] as const) {
    const mine = drains.filter((p) => p.engine === engine);
    const size = (p: PhaseResult) => (engine === 'node' ? (p.instances ?? 1) : (p.sparkWorkers ?? 1));
    const one = mine.find((p) => size(p) === 1);
    for (const p of mine) {
      const label = engine === 'node' ? `node engine × ${size(p)} (one group)` : `Spark engine, ${size(p)} worker${size(p) === 1 ? '' : 's'}`;
      const spark = coresOf(p, 'spark-master') + coresOf(p, 'spark-worker');
      lines.push(
        `| ${label} | ${fmt(capacity(p))} | ${one ? fmt(capacity(p) / capacity(one), 2) : '—'} | ${raw ? `${fmt((capacity(p) / raw.steady.perSecond) * 100)}%` : '—'} | ${busy(p)} | ` +
          `${fmt(engineProcesses(p).reduce((s, u) => s + u.cores, 0), 2)} | ${fmt(coresOf(p, 'kafka'), 2)} | ${fmt(coresOf(p, 'cassandra'), 2)} | ${engine === 'spark' ? fmt(spark, 2) : '—'} |`,
      );
    }
  }
  const saturated = [raw, ...drains].filter((p): p is PhaseResult => p?.machineBusy !== undefined && p.machineBusy >= 0.9);
  lines.push(
    '',
    saturated.length > 0
      ? `The machine's cores were at least 90% busy in: ${saturated.map((p) => (p.engine ? clusterPhaseName(p) : 'the raw ceiling')).join(', ')}. ` +
        'There the cores are the limit: adding instances or workers shares the same cores, so a ratio near 1 says nothing against scaling out on a machine with more of them.'
      : 'No phase kept the cores 90% busy: a ratio below the number of instances there is the design, not the machine.',
    '',
    '| phase | process | CPU (cores) | peak RSS MB |',
    '|---|---|---:|---:|',
  );
  for (const p of [raw, ...drains].filter((x): x is PhaseResult => x !== undefined)) {
    for (const [proc, u] of Object.entries(p.processes)) lines.push(`| ${clusterPhaseName(p)} | ${proc} | ${fmt(u.cores, 2)} | ${fmt(u.peakRssMb)} |`);
  }
  return lines.join('\n');
}

export const BEGIN = '<!-- bench:begin (written by npm run bench; edit outside the markers) -->';
export const END = '<!-- bench:end -->';
export const CLUSTER_MARKERS = { begin: '<!-- bench:cluster:begin (written by npm run bench -- --cluster; edit outside the markers) -->', end: '<!-- bench:cluster:end -->' };

/** Puts `body` between the markers of `doc` (the single-node table's unless told), or appends the markers and body. */
export function replaceBetweenMarkers(doc: string, body: string, markers: { begin: string; end: string } = { begin: BEGIN, end: END }): string {
  const start = doc.indexOf(markers.begin);
  const end = doc.indexOf(markers.end);
  if (start === -1 || end === -1 || end < start) return `${doc.trimEnd()}\n\n${markers.begin}\n${body}\n${markers.end}\n`;
  return `${doc.slice(0, start + markers.begin.length)}\n${body}\n${doc.slice(end)}`;
}
