/**
 * What a run leaves behind: its facts (when, the machine, the versions),
 * the results file under --out and, unless --no-docs, the table in
 * docs/BENCHMARKS.md (publish), and the phases carried over from an earlier
 * run with --keep (carried). Kept apart from the phases so the results files
 * and the docs are written one way for the single-node and cluster runs.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import type { Config } from '../config/options.ts';
import { say } from './bench.ts';
import { type BenchOptions, ROOT } from './options.ts';
import { type BenchResult, type PhaseResult, replaceBetweenMarkers } from './report.ts';

function versions(config: Config): Record<string, string> {
  const pkg = (name: string) => {
    try {
      return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return '?';
    }
  };
  return {
    userstream: (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version,
    'Node.js': process.versions.node,
    Kafka: config.kafkaMode === 'zookeeper' ? `${config.kafkaZookeeperVersion} (ZooKeeper mode)` : config.kafkaVersion,
    Cassandra: config.cassandraVersion,
    Spark: config.sparkVersion,
    'cassandra-driver': pkg('cassandra-driver'),
    '@platformatic/kafka': pkg('@platformatic/kafka'),
  };
}

/** The name of a run's results file, from its start time. */
function resultsFile(startedAt: string, smoke = false): string {
  return `${startedAt.replace(/[:.]/g, '-')}${smoke ? '-smoke' : ''}.json`;
}

/** The results file a run wrote, found by its start time in the folder of another; undefined if it is not there. */
function readRun(dir: string, startedAt: string): BenchResult | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, resultsFile(startedAt)), 'utf8')) as BenchResult;
  } catch {
    return undefined;
  }
}

/**
 * Phases of an earlier run this one did not measure, marked with the start of
 * the run that measured them, and the ceilings of that run: a carried engine
 * is divided by the ceiling measured beside it, never by today's.
 */
export function carried(opts: Pick<BenchOptions, 'keep' | 'engines' | 'soakMinutes'>): PhaseResult[] {
  if (!opts.keep) return [];
  const earlier = JSON.parse(readFileSync(opts.keep, 'utf8')) as BenchResult;
  const engines = earlier.phases
    .filter((p) => p.engine && (p.phase === 'soak' ? opts.soakMinutes === 0 : !opts.engines.includes(p.engine)))
    .map((p) => ({ ...p, carriedFrom: p.carriedFrom ?? earlier.startedAt }));
  const ceilings: PhaseResult[] = [];
  for (const run of new Set(engines.map((p) => p.carriedFrom))) {
    const inEarlier = earlier.phases.filter((p) => !p.engine && p.phase.startsWith('ceiling:') && (p.carriedFrom ?? earlier.startedAt) === run);
    const own = inEarlier.length > 0 ? inEarlier : (readRun(dirname(opts.keep), run)?.phases.filter((p) => !p.engine && !p.carriedFrom && p.phase.startsWith('ceiling:')) ?? []);
    ceilings.push(...own.map((p) => ({ ...p, carriedFrom: run })));
  }
  return [...engines, ...ceilings];
}

/** What every results file says about its run: when, the machine, the versions. */
export function runFacts(startedAt: string, opts: BenchOptions, config: Config): Pick<BenchResult, 'startedAt' | 'finishedAt' | 'smoke' | 'machine' | 'versions'> {
  return {
    startedAt,
    finishedAt: new Date().toISOString(),
    smoke: opts.smoke,
    machine: { cpus: cpus().length, model: cpus()[0]?.model.trim() ?? '?', memoryGb: totalmem() / 2 ** 30, kernel: release() },
    versions: versions(config),
  };
}

/** Writes the results file and, unless told not to, the table between `markers` in docs/BENCHMARKS.md; prints the markdown. */
export function publish(result: BenchResult, opts: BenchOptions, markdown: string, markers?: { begin: string; end: string }, suffix = ''): void {
  mkdirSync(opts.out, { recursive: true });
  const file = join(opts.out, resultsFile(result.startedAt, opts.smoke).replace(/\.json$/, `${suffix}.json`));
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  say(`results: ${file}`);
  if (opts.docs) {
    const docPath = join(ROOT, 'docs', 'BENCHMARKS.md');
    let doc = '# Benchmarks\n';
    try {
      doc = readFileSync(docPath, 'utf8');
    } catch {}
    writeFileSync(docPath, replaceBetweenMarkers(doc, markdown, markers));
    say(`table: ${docPath}`);
  }
  process.stdout.write(`${markdown}\n`);
}
