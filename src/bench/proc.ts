import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { type ProcSample, type ProcUsage, parseProc, parseProcStat, procUsage } from './stats.ts';

function clockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

export const TICKS_PER_SECOND = clockTicks();

export function sampleProc(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return { at: Date.now(), ...parseProc(stat, status) };
  } catch {
    return undefined; // gone
  }
}

/** The machine's CPU ticks so far (all cores), for the share of the machine a phase kept busy. */
export function machineCpu(): { busy: number; total: number } {
  return parseProcStat(readFileSync('/proc/stat', 'utf8'));
}

/** Pids whose command line contains `needle` (e.g. Spark's executor class). */
export function findPids(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes(needle)) pids.push(Number(entry));
    } catch {}
  }
  return pids;
}

interface Tracked {
  pid: number;
  /** Born during the phase: its VmHWM is the phase's peak. */
  born: boolean;
  samples: ProcSample[];
}

/**
 * Samples the CPU time and resident memory of named processes once every
 * `intervalMs`, for the per-process columns of the bench.
 */
export class ProcSampler {
  readonly #tracked = new Map<string, Tracked>();
  #timer: NodeJS.Timeout | undefined;
  readonly intervalMs: number;

  constructor(intervalMs = 1000) {
    this.intervalMs = intervalMs;
  }

  track(name: string, pid: number | undefined, options: { born?: boolean } = {}): void {
    if (pid === undefined) return;
    const t: Tracked = { pid, born: options.born ?? false, samples: [] };
    this.#tracked.set(name, t);
    this.#sample(t);
  }

  start(): void {
    this.#timer = setInterval(() => {
      for (const t of this.#tracked.values()) this.#sample(t);
    }, this.intervalMs);
    this.#timer.unref();
  }

  /** One more sample of everything (call right before a tracked child is expected to exit). */
  sampleNow(): void {
    for (const t of this.#tracked.values()) this.#sample(t);
  }

  stop(): Record<string, ProcUsage> {
    clearInterval(this.#timer);
    this.sampleNow();
    const out: Record<string, ProcUsage> = {};
    for (const [name, t] of this.#tracked) {
      const usage = procUsage(t.samples, TICKS_PER_SECOND, t.born);
      if (usage) out[name] = usage;
    }
    return out;
  }

  /** [seconds since the first sample, RSS in MB] of one process, for memory-growth checks. */
  rssSeries(name: string): [number, number][] {
    const t = this.#tracked.get(name);
    if (!t || t.samples.length === 0) return [];
    const t0 = t.samples[0]!.at;
    return t.samples.map((s) => [(s.at - t0) / 1000, s.rssBytes / 2 ** 20]);
  }

  #sample(t: Tracked): void {
    const s = sampleProc(t.pid);
    if (s) t.samples.push(s);
  }
}
