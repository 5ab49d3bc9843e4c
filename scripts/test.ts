/**
 * `node scripts/test.ts [<stage>...]` (`npm test`, `npm run test:<stage>`): the one
 * place the test stages are defined. With no stage named it runs them all, in
 * order; the first that fails stops the run (its exit code is the run's), as the
 * `&&` chain before it did. Each stage's output reaches the terminal unchanged; a
 * line on stderr gives its time, and a markdown table of all of them (and the
 * slowest tests) ends the run, also kept as test-results/timings.json.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { dockerUnavailable } from './docker-setup.ts';
import {
  type StageReport, type StageResult, type TestTiming, parseReport, renderTable, stageLine, timingsJson,
} from './test-timings.ts';

const root = resolve(import.meta.dirname, '..');

export interface Stage {
  name: string;
  description: string;
  kind: StageResult['kind'];
  /** A shell command run from the checkout, as an npm script would be. */
  command: string;
  /** with-stack.ts's flags for the stack the stage runs on ('' for the default one); none: no stack. */
  stack?: string;
  /** Why this machine cannot run the stage (e.g. no Docker), or undefined; the run goes on without it. */
  unavailable?: () => string | undefined;
}

/** Where a tests stage's reporter writes, relative to the checkout (test-results/ is git-ignored). */
export function timingsFile(stage: string): string {
  return `test-results/timings/${stage}.jsonl`;
}

/**
 * Both reporters need their own destination, in order: spec on stdout exactly as
 * before (CI reads its `ℹ tests` / `ℹ pass` lines), timings into the stage's file.
 */
export function reporterFlags(stage: string): string {
  return `--test-reporter=spec --test-reporter-destination=stdout --test-reporter=./scripts/test-reporter.ts --test-reporter-destination=${timingsFile(stage)}`;
}

function check(name: string, description: string, command: string): Stage {
  return { name, description, kind: 'check', command };
}

/**
 * A node:test stage. With `stack` (with-stack.ts's flags, '' for the default stack) it
 * runs under scripts/with-stack.ts, one file at a time: the files share one stack.
 */
function nodeTest(name: string, description: string, o: { stack?: string; args: string }): Stage {
  const onStack = o.stack !== undefined;
  const command = [
    onStack ? `node scripts/with-stack.ts ${o.stack}`.trimEnd() : '',
    'node --test',
    onStack ? '--test-concurrency=1' : '',
    reporterFlags(name),
    o.args,
  ].filter(Boolean).join(' ');
  return { name, description, kind: 'tests', command, ...(onStack ? { stack: o.stack } : {}) };
}

/** In run order. The cluster is last: it stops the single-node services its nodes replace, so each topology starts once. */
export const STAGES: readonly Stage[] = [
  check('lint', 'ESLint over the repository', 'eslint .'),
  check('typecheck', 'tsc --noEmit over src, test, scripts, bench and bin', 'tsc --noEmit'),
  nodeTest('unit', 'unit tests (test/unit), no stack needed', { args: "'test/unit/**/*.test.ts'" }),
  check('deploy', 'the Dockerfile and compose.yaml, checked without Docker', 'node scripts/check-deploy.ts'),
  {
    ...nodeTest('docker', 'the Docker way: images built from the Dockerfile, compose.yaml up, an ingest reconciled row by row, the engine killed; down -v', { args: "'test/docker/*.test.ts'" }),
    // Installs and starts what is missing first, as root (scripts/docker-setup.ts).
    command: `node scripts/docker-setup.ts && node --test ${reporterFlags('docker')} 'test/docker/*.test.ts'`,
    unavailable: dockerUnavailable,
  },
  nodeTest('integration', 'integration and end-to-end tests on the local stack (KRaft)', {
    stack: '', args: "'test/integration/**/*.test.ts' 'test/e2e/**/*.test.ts'",
  }),
  nodeTest('faults', 'the reliability suite: both engines side by side, and the Airflow task, through services killed under load', {
    stack: '', args: "'test/faults/**/*.test.ts'",
  }),
  nodeTest('zookeeper', '`userstream up` end to end with Kafka 3.9 on ZooKeeper', {
    stack: '--kafka-mode zookeeper', args: "--test-name-pattern '^userstream up' test/e2e/main-job.test.ts",
  }),
  nodeTest('secure', 'the secure profile: SASL_SSL Kafka, Cassandra logins, wrong credentials', {
    stack: '--secure', args: "'test/secure/**/*.test.ts'",
  }),
  nodeTest('cluster', 'the three-node cluster: `up --cluster`, a rebalance, the first nodes listed down, the scale-out bench smoke', {
    stack: '--cluster', args: "'test/cluster/*.test.ts'",
  }),
  nodeTest('cluster-faults', 'the cluster under faults: both engines side by side through brokers, Cassandra nodes and a Spark worker killed and paused; two brokers of three down', {
    stack: '--cluster', args: "'test/cluster/faults/*.test.ts'",
  }),
];

export type Args = { help: true } | { stages: Stage[] } | { error: string };

export function parseArgs(argv: string[], stages: readonly Stage[] = STAGES): Args {
  if (argv.includes('--help') || argv.includes('-h')) return { help: true };
  if (argv.length === 0) return { stages: [...stages] };
  const byName = new Map(stages.map((s) => [s.name, s]));
  const unknown = argv.find((a) => !byName.has(a));
  if (unknown !== undefined) {
    return { error: `test: unknown stage "${unknown}"; the stages are ${stages.map((s) => s.name).join(', ')} (--help says what each runs)` };
  }
  // In the order named: whoever names them chose it.
  return { stages: argv.map((a) => byName.get(a)!) };
}

export function helpText(stages: readonly Stage[] = STAGES): string {
  const width = Math.max(...stages.map((s) => s.name.length));
  return [
    'usage: node scripts/test.ts [<stage>...]',
    '',
    'Runs the named stages, or all of them in this order (npm test), and ends with a table of their times.',
    '',
    ...stages.map((s) => `  ${s.name.padEnd(width)}  ${s.description}`),
    '',
  ].join('\n');
}

/** What running stages needs from the outside world; the unit tests pass stand-ins. */
export interface RunDeps {
  /** `keepStack`: the next stage runs on the same stack, so with-stack.ts leaves it running. */
  exec(command: string, keepStack: boolean): Promise<number>;
  /** Clears what an earlier run of the stage's reporter left, before the stage starts. */
  clear(stage: string): void;
  readReport(stage: string): StageReport | undefined;
  log(line: string): void;
}

async function runStage(stage: Stage, deps: RunDeps, keepStack: boolean): Promise<{ result: StageResult; tests: TestTiming[] }> {
  if (stage.kind === 'tests') deps.clear(stage.name);
  const started = performance.now();
  const exitCode = await deps.exec(stage.command, keepStack);
  const duration_ms = performance.now() - started;
  const report = stage.kind === 'tests' ? deps.readReport(stage.name) : undefined;
  const status = exitCode === 0 ? 'passed' : 'failed';
  const result: StageResult = { stage: stage.name, kind: stage.kind, status, exitCode, duration_ms, ...(report?.counts ? { counts: report.counts } : {}) };
  return { result, tests: (report?.tests ?? []).map((t) => ({ stage: stage.name, ...t })) };
}

/** Runs the stages in order; after the first failure the rest are "not run", as with `&&`. */
export async function runStages(stages: readonly Stage[], deps: RunDeps): Promise<{ results: StageResult[]; tests: TestTiming[] }> {
  const results: StageResult[] = [];
  const tests: TestTiming[] = [];
  let failed: string | undefined;
  for (const [i, stage] of stages.entries()) {
    const reason = failed !== undefined ? `${failed} failed` : stage.unavailable?.();
    if (reason !== undefined) {
      results.push({ stage: stage.name, kind: stage.kind, status: 'not run', reason });
    } else {
      const run = await runStage(stage, deps, keepsStack(stage, stages[i + 1]));
      results.push(run.result);
      tests.push(...run.tests);
      if (run.result.status === 'failed') failed = stage.name;
    }
    deps.log(stageLine(results.at(-1)!));
  }
  return { results, tests };
}

/** A stage followed by one on the same special stack (the cluster) leaves it running: each topology starts once. */
export function keepsStack(stage: Stage, next: Stage | undefined): boolean {
  return stage.stack !== undefined && stage.stack !== '' && next?.stack === stage.stack;
}

/** The first failed stage's exit code (never 0), or 0; a stage that did not run for its own reason fails nothing. */
export function exitCodeOf(results: StageResult[]): number {
  const failed = results.find((r) => r.status === 'failed');
  return failed ? failed.exitCode || 1 : 0;
}

/** Like `npm run`: from the checkout, with node_modules/.bin first on PATH (eslint, tsc, and Node 24 as `node`). */
function shell(command: string, keepStack: boolean): Promise<number> {
  const PATH = [join(root, 'node_modules', '.bin'), dirname(process.execPath), process.env.PATH].join(delimiter);
  const env = { ...process.env, PATH, ...(keepStack ? { USERSTREAM_KEEP_STACK: 'true' } : {}) };
  return new Promise((done) => {
    const child = spawn('sh', ['-c', command], { cwd: root, stdio: 'inherit', env });
    child.once('error', () => done(127));
    // A stage killed by a signal has no exit code; it still failed.
    child.once('close', (code) => done(code ?? 1));
  });
}

const fsDeps: RunDeps = {
  exec: shell,
  clear(stage) {
    const file = join(root, timingsFile(stage));
    mkdirSync(dirname(file), { recursive: true });
    rmSync(file, { force: true });
  },
  readReport(stage) {
    const file = join(root, timingsFile(stage));
    return existsSync(file) ? parseReport(readFileSync(file, 'utf8')) : undefined;
  },
  log: (line) => process.stderr.write(`${line}\n`),
};

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if ('error' in args) {
    process.stderr.write(`${args.error}\n`);
    process.exit(2);
  }
  if ('help' in args) {
    process.stdout.write(helpText());
    return;
  }
  const { results, tests } = await runStages(args.stages, fsDeps);
  mkdirSync(join(root, 'test-results'), { recursive: true });
  writeFileSync(join(root, 'test-results', 'timings.json'), `${JSON.stringify(timingsJson(results, tests), null, 2)}\n`);
  process.stdout.write(`\n${renderTable(results, tests)}`);
  process.exitCode = exitCodeOf(results);
}

if (import.meta.main) await main();
