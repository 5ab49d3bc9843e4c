/**
 * The arithmetic of `npm run bench`: latency percentiles, throughput over a
 * steady window, per-process CPU and memory from /proc samples. Pure, so the
 * numbers the bench reports are unit-tested.
 */

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of ascending `sorted` values; NaN when there are none. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (p <= 0) return sorted[0]!;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

export function latencySummary(values: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1]!,
  };
}

/** One row as the bench reads it back: when it was accepted and when Cassandra wrote it, both in ms since the epoch. */
export interface LandedRow {
  ingestedAt: number;
  writtenAt: number;
}

export interface Window {
  from: number;
  to: number;
}

export interface WindowThroughput {
  /** Rows whose write time falls inside the window. */
  rows: number;
  seconds: number;
  perSecond: number;
}

/** Rows written per second inside [from, to). */
export function throughputIn(writtenAt: ArrayLike<number>, window: Window): WindowThroughput {
  const seconds = Math.max(0, (window.to - window.from) / 1000);
  let rows = 0;
  for (let i = 0; i < writtenAt.length; i++) {
    const t = writtenAt[i]!;
    if (t >= window.from && t < window.to) rows++;
  }
  return { rows, seconds, perSecond: seconds > 0 ? rows / seconds : Number.NaN };
}

/** Rows written in each whole second from `from`: the shape of a run, for the JSON results. */
export function perSecondSeries(writtenAt: ArrayLike<number>, from: number, to: number): number[] {
  const n = Math.max(0, Math.ceil((to - from) / 1000));
  const series = new Array<number>(n).fill(0);
  for (let i = 0; i < writtenAt.length; i++) {
    const slot = Math.floor((writtenAt[i]! - from) / 1000);
    if (slot >= 0 && slot < n) series[slot]!++;
  }
  return series;
}

/** End-to-end latency (ms) of the rows accepted inside the window. */
export function latenciesIn(rows: readonly LandedRow[], window: Window): number[] {
  const out: number[] = [];
  for (const r of rows) {
    if (r.ingestedAt >= window.from && r.ingestedAt < window.to) out.push(r.writtenAt - r.ingestedAt);
  }
  return out;
}

/** One look at a process in /proc. */
export interface ProcSample {
  /** ms since the epoch */
  at: number;
  /** utime + stime, in clock ticks */
  cpuTicks: number;
  rssBytes: number;
  /** VmHWM: the peak resident set the kernel has seen */
  peakRssBytes: number;
}

export interface ProcUsage {
  /** Average cores used between the first and the last sample. */
  cores: number;
  cpuSeconds: number;
  peakRssMb: number;
  /** Resident set at the first and last sample, to see growth. */
  firstRssMb: number;
  lastRssMb: number;
}

/**
 * CPU and memory of one process over a phase. The peak is the largest RSS
 * sampled; `useHwm` also trusts the kernel's VmHWM, which is right for a
 * process born in the phase but not for a long-lived service whose peak may
 * be older than the phase.
 */
export function procUsage(samples: readonly ProcSample[], ticksPerSecond: number, useHwm: boolean): ProcUsage | undefined {
  if (samples.length === 0) return undefined;
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  const cpuSeconds = (last.cpuTicks - first.cpuTicks) / ticksPerSecond;
  const wall = (last.at - first.at) / 1000;
  let peak = 0;
  for (const s of samples) peak = Math.max(peak, s.rssBytes, useHwm ? s.peakRssBytes : 0);
  const mb = (b: number) => b / 2 ** 20;
  return {
    cores: wall > 0 ? cpuSeconds / wall : Number.NaN,
    cpuSeconds,
    peakRssMb: mb(peak),
    firstRssMb: mb(first.rssBytes),
    lastRssMb: mb(last.rssBytes),
  };
}

/** Least-squares slope of y over x (units of y per unit of x); NaN for fewer than two points. */
export function slope(points: readonly [number, number][]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  let sx = 0;
  let sy = 0;
  for (const [x, y] of points) {
    sx += x;
    sy += y;
  }
  const mx = sx / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? Number.NaN : num / den;
}

/** Parses the fields the bench needs from /proc/<pid>/stat and /proc/<pid>/status. */
export function parseProc(stat: string, status: string): { cpuTicks: number; rssBytes: number; peakRssBytes: number } {
  // The command name (field 2) is in parentheses and may hold spaces; fields are counted after its closing one.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime is field 14, stime field 15.
  const cpuTicks = Number(rest[11]) + Number(rest[12]);
  const kb = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    return m ? Number(m[1]) * 1024 : 0;
  };
  return { cpuTicks, rssBytes: kb('VmRSS'), peakRssBytes: kb('VmHWM') };
}

/** The whole machine's CPU time so far, from the first line of /proc/stat: busy and total ticks of all cores. */
export function parseProcStat(stat: string): { busy: number; total: number } {
  const line = stat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('no cpu line in /proc/stat');
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already in user).
  const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busy: total - idle, total };
}

/** The share of all cores busy between two /proc/stat readings (0–1). */
export function busyShare(from: { busy: number; total: number }, to: { busy: number; total: number }): number {
  const total = to.total - from.total;
  return total > 0 ? (to.busy - from.busy) / total : 0;
}
