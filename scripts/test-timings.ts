/**
 * What `scripts/test.ts` makes of a run: the lines scripts/test-reporter.ts
 * writes, the stage results, and the markdown table and timings.json printed
 * at the end. Pure functions, so the unit tests check them without a run.
 */

export type TestStatus = 'passed' | 'failed' | 'skipped' | 'todo';

/** node:test's own counters: the numbers of the spec reporter's `ℹ tests` / `ℹ pass` … lines. */
export interface SummaryCounts {
  tests: number;
  suites: number;
  passed: number;
  failed: number;
  cancelled: number;
  skipped: number;
  todo: number;
  topLevel: number;
}

/** One line of a stage's test-results/timings/<stage>.jsonl. */
export type ReportLine =
  | { event: 'test'; name: string; file: string; nesting: number; duration_ms: number; status: TestStatus; suite?: true }
  | { event: 'summary'; counts: SummaryCounts; duration_ms: number; success: boolean };

export type TestTiming = Omit<Extract<ReportLine, { event: 'test' }>, 'event'> & { stage: string };

export interface StageReport {
  tests: Omit<TestTiming, 'stage'>[];
  /** Absent when the run ended before node:test summed up (a crash, or with-stack could not start the stack). */
  counts?: SummaryCounts;
}

export type StageStatus = 'passed' | 'failed' | 'not run';

export interface StageResult {
  stage: string;
  /** A check (lint, typecheck, deploy) is one command with no test count; a tests stage runs node:test. */
  kind: 'check' | 'tests';
  status: StageStatus;
  /** Why a stage did not run: an earlier stage failed, or what it needs is missing here. */
  reason?: string;
  exitCode?: number;
  duration_ms?: number;
  counts?: SummaryCounts;
}

/** Reads a reporter file; a line cut short (the process was killed mid-write) is skipped, not fatal. */
export function parseReport(text: string): StageReport {
  const report: StageReport = { tests: [] };
  for (const raw of text.split('\n')) {
    let line: ReportLine;
    try {
      line = JSON.parse(raw) as ReportLine;
    } catch {
      continue;
    }
    if (line.event === 'test') {
      const { event: _event, ...test } = line;
      report.tests.push(test);
    } else if (line.event === 'summary') {
      report.counts = line.counts;
    }
  }
  return report;
}

export function minutes(ms: number, decimals = 1): string {
  return (ms / 60_000).toFixed(decimals);
}

/** The slowest top-level tests: a nested test's time is already inside its parent's. */
export function slowest(tests: TestTiming[], n = 5): TestTiming[] {
  return tests
    .filter((t) => t.nesting === 0)
    .sort((a, b) => b.duration_ms - a.duration_ms)
    .slice(0, n);
}

/** The line printed to stderr as each stage ends. */
export function stageLine(r: StageResult): string {
  if (r.status === 'not run') return `test: ${r.stage} not run (${r.reason ?? 'no reason given'})`;
  const count = r.kind === 'check' ? '' : r.counts ? ` (${r.counts.tests} tests)` : ' (no test summary)';
  return `test: ${r.stage} ${r.status} in ${minutes(r.duration_ms ?? 0)} min${count}`;
}

const MAX_NAME = 80;

/** A test name fit for one table cell: one line, no column break, at most MAX_NAME characters. */
export function cellText(name: string): string {
  const flat = name.replace(/\s+/g, ' ').trim();
  const short = flat.length > MAX_NAME ? `${flat.slice(0, MAX_NAME - 1).trimEnd()}…` : flat;
  return short.replace(/\|/g, '\\|');
}

/** What went other than passing, e.g. "2 failed, 1 skipped"; the exit code when node:test counted no failure. */
function notes(r: StageResult): string[] {
  const c = r.counts;
  const list = c
    ? (['failed', 'cancelled', 'skipped', 'todo'] as const).filter((k) => c[k] > 0).map((k) => `${c[k]} ${k}`)
    : [];
  if (r.status === 'failed' && !(c && c.failed + c.cancelled > 0)) list.push(`exit ${r.exitCode ?? '?'}`);
  return list;
}

/** The "passed" cell: passed tests for a tests stage, yes/no for a check, or why the stage did not run. */
function passedCell(r: StageResult): string {
  if (r.status === 'not run') return `not run (${r.reason ?? 'no reason given'})`;
  const n = notes(r);
  const head = r.counts ? String(r.counts.passed) : r.status === 'passed' ? 'yes' : 'no';
  return n.length > 0 ? `${head} (${n.join(', ')})` : head;
}

function stageRow(r: StageResult): string {
  const tests = r.counts ? String(r.counts.tests) : '—';
  const mins = r.duration_ms === undefined ? '—' : minutes(r.duration_ms);
  return `| ${r.stage} | ${tests} | ${passedCell(r)} | ${mins} |`;
}

export interface Totals {
  tests: number;
  passed: number;
  duration_ms: number;
  failedStages: string[];
  notRunStages: string[];
}

export function totals(results: StageResult[]): Totals {
  return {
    tests: results.reduce((s, r) => s + (r.counts?.tests ?? 0), 0),
    passed: results.reduce((s, r) => s + (r.counts?.passed ?? 0), 0),
    duration_ms: results.reduce((s, r) => s + (r.duration_ms ?? 0), 0),
    failedStages: results.filter((r) => r.status === 'failed').map((r) => r.stage),
    notRunStages: results.filter((r) => r.status === 'not run').map((r) => r.stage),
  };
}

function totalRow(results: StageResult[]): string {
  const t = totals(results);
  const failed = t.failedStages.length > 0 ? ` (${t.failedStages.join(', ')} failed)` : '';
  return `| total | ${t.tests} | ${t.passed}${failed} | ${minutes(t.duration_ms)} |`;
}

function slowestTable(tests: TestTiming[]): string[] {
  const top = slowest(tests);
  if (top.length === 0) return [];
  return [
    '',
    `Slowest ${top.length} top-level tests:`,
    '',
    '| stage | test | minutes |',
    '| --- | --- | ---: |',
    // Two decimals: most tests take seconds, which one decimal of a minute would show as 0.0.
    ...top.map((t) => `| ${t.stage} | ${cellText(t.name)} | ${minutes(t.duration_ms, 2)} |`),
  ];
}

/**
 * The markdown printed at the end of a run. Checks (lint, typecheck, deploy) show "—"
 * for tests, so the tests and passed totals are exactly node:test's own counts.
 */
export function renderTable(results: StageResult[], tests: TestTiming[]): string {
  return [
    '| stage | tests | passed | minutes |',
    '| --- | ---: | ---: | ---: |',
    ...results.map(stageRow),
    totalRow(results),
    ...slowestTable(tests),
  ].join('\n') + '\n';
}

/** The same data as the table, for tools: test-results/timings.json. */
export function timingsJson(results: StageResult[], tests: TestTiming[]): object {
  return { stages: results, total: totals(results), slowest: slowest(tests) };
}
