import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type RunDeps, STAGES, exitCodeOf, helpText, keepsStack, parseArgs, reporterFlags, runStages, timingsFile } from '../../../scripts/test.ts';
import { type StageResult, type SummaryCounts, type TestTiming, cellText, parseReport, renderTable, stageLine } from '../../../scripts/test-timings.ts';

const root = new URL('../../../', import.meta.url);
const scripts = (JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { scripts: Record<string, string> }).scripts;

const counts = (c: Partial<SummaryCounts>): SummaryCounts => ({
  tests: 0, suites: 0, passed: 0, failed: 0, cancelled: 0, skipped: 0, todo: 0, topLevel: 0, ...c,
});

test('npm test runs every stage, and each test:<stage> script runs its stage through scripts/test.ts', () => {
  assert.equal(scripts.test, 'node scripts/test.ts');
  const names = STAGES.map((s) => s.name);
  for (const [script, command] of Object.entries(scripts).filter(([k]) => k.startsWith('test:'))) {
    const stage = script.slice('test:'.length);
    assert.ok(names.includes(stage), `${script} names no stage of scripts/test.ts`);
    assert.equal(command, `node scripts/test.ts ${stage}`);
  }
  // lint and typecheck keep their plain scripts (editors and people run them); the stage runs the same command.
  for (const s of STAGES) {
    const ok = scripts[`test:${s.name}`] !== undefined || scripts[s.name] === s.command;
    assert.ok(ok, `stage ${s.name} has neither a test:${s.name} script nor a ${s.name} script running "${s.command}"`);
  }
});

test('the stages run in the order of the old && chain (docker before the local stack starts), with the cluster and its faults last', () => {
  assert.deepEqual(STAGES.map((s) => s.name), ['lint', 'typecheck', 'unit', 'deploy', 'docker', 'integration', 'faults', 'zookeeper', 'secure', 'cluster', 'cluster-faults']);
  assert.equal(new Set(STAGES.map((s) => s.name)).size, STAGES.length);
});

test('every test file runs whole in exactly one stage (the ZooKeeper stage runs a part of one again)', () => {
  const files = readdirSync(new URL('test', root), { recursive: true }).map(String).filter((f) => f.endsWith('.test.ts')).map((f) => `test/${f}`);
  assert.ok(files.length > 40, String(files.length));
  for (const file of files) {
    const owners = STAGES.filter((s) => !s.command.includes('--test-name-pattern')).filter((s) => [...s.command.matchAll(/'([^']+\.test\.ts)'|(\S+\.test\.ts)/g)].some((m) => path.matchesGlob(file, m[1] ?? m[2]!)));
    assert.equal(owners.length, 1, `${file} runs in ${owners.map((s) => s.name).join(', ') || 'no stage'}`);
  }
});

test('a stage leaves its special stack running only for a next stage on the same one: the cluster starts once', () => {
  const byName = new Map(STAGES.map((s) => [s.name, s]));
  const at = (n: string) => byName.get(n)!;
  assert.equal(keepsStack(at('cluster'), at('cluster-faults')), true);
  assert.equal(keepsStack(at('cluster-faults'), undefined), false, 'the last stage leaves nothing of the cluster');
  assert.equal(keepsStack(at('secure'), at('cluster')), false);
  assert.equal(keepsStack(at('integration'), at('faults')), false, 'the default stack is left running anyway');
  assert.equal(keepsStack(at('cluster'), at('lint')), false);
});

test('every node:test stage keeps the spec reporter on stdout and adds the timings reporter once', () => {
  for (const s of STAGES) {
    const occurrences = s.command.split('--test-reporter=./scripts/test-reporter.ts').length - 1;
    if (s.kind === 'check') {
      assert.doesNotMatch(s.command, /--test\b/, s.name);
      continue;
    }
    assert.equal(occurrences, 1, s.name);
    assert.ok(s.command.includes(reporterFlags(s.name)), s.name);
    assert.ok(reporterFlags(s.name).startsWith('--test-reporter=spec --test-reporter-destination=stdout '));
    assert.ok(reporterFlags(s.name).endsWith(`--test-reporter-destination=${timingsFile(s.name)}`));
    // The stack suites share one stack: one file at a time, as before.
    assert.equal(s.command.startsWith('node scripts/with-stack.ts'), s.command.includes('--test-concurrency=1'), s.name);
  }
});

test('an unknown stage is one line naming the stages; --help lists each with what it runs', () => {
  const args = parseArgs(['unit', 'integraton']);
  assert.ok('error' in args);
  assert.doesNotMatch(args.error, /\n/);
  assert.match(args.error, /^test: unknown stage "integraton"; the stages are lint, typecheck, unit, .*cluster/);
  assert.deepEqual(parseArgs(['deploy', 'lint']), { stages: [STAGES[3], STAGES[0]] });
  assert.deepEqual(parseArgs([]), { stages: [...STAGES] });
  assert.deepEqual(parseArgs(['--help']), { help: true });
  for (const s of STAGES) assert.match(helpText(), new RegExp(`^  ${s.name} +\\S`, 'm'));
});

test('node scripts/test.ts with an unknown stage exits 2 with one line on stderr, running nothing', () => {
  const run = spawnSync(process.execPath, ['scripts/test.ts', 'nope'], { cwd: root, encoding: 'utf8' });
  assert.equal(run.status, 2);
  assert.equal(run.stdout, '');
  assert.equal(run.stderr.trim().split('\n').length, 1);
});

/** Stand-ins for the shell and the reporter files: each stage exits with the code given. */
function fakeDeps(codes: Record<string, number>, log: string[]): RunDeps {
  return {
    exec: async (command) => codes[STAGES.find((s) => s.command === command)!.name] ?? 0,
    clear: () => {},
    readReport: (stage) => ({ tests: [{ name: `${stage} test`, file: 'x.test.ts', nesting: 0, duration_ms: 5, status: 'passed' }], counts: counts({ tests: 1, passed: 1 }) }),
    log: (line) => log.push(line),
  };
}

test('the first failing stage stops the run with its exit code; the later ones are "not run"', async () => {
  const log: string[] = [];
  // Every stage available, whatever this machine has (the docker stage's check is its own test).
  const stages = STAGES.map((s) => ({ ...s, unavailable: undefined }));
  const { results, tests } = await runStages(stages, fakeDeps({ integration: 3 }, log));
  assert.deepEqual(results.map((r) => r.status), ['passed', 'passed', 'passed', 'passed', 'passed', 'failed', 'not run', 'not run', 'not run', 'not run', 'not run']);
  assert.equal(results.at(-1)!.reason, 'integration failed');
  assert.equal(exitCodeOf(results), 3);
  assert.deepEqual(tests.map((t) => t.stage), ['unit', 'docker', 'integration']);
  assert.equal(log.length, STAGES.length, 'one line per stage');
  assert.match(log[2]!, /^test: unit passed in \d+\.\d min \(1 tests\)$/);
  assert.match(log[0]!, /^test: lint passed in \d+\.\d min$/);
  assert.equal(log[6], 'test: faults not run (integration failed)');
});

test('a stage this machine cannot run is "not run" with its reason, and the run goes on and passes', async () => {
  const docker = { name: 'docker', description: 'x', kind: 'tests' as const, command: 'docker', unavailable: () => 'no Docker engine here' };
  const { results } = await runStages([STAGES[0]!, docker, STAGES[1]!], fakeDeps({}, []));
  assert.deepEqual(results.map((r) => [r.stage, r.status, r.reason]), [['lint', 'passed', undefined], ['docker', 'not run', 'no Docker engine here'], ['typecheck', 'passed', undefined]]);
  assert.equal(exitCodeOf(results), 0);
});

test('a failed stage that node:test counted no failure in shows its exit code, and never exits 0', () => {
  const r: StageResult = { stage: 'integration', kind: 'tests', status: 'failed', exitCode: 0, duration_ms: 30_000 };
  assert.equal(exitCodeOf([r]), 1);
  assert.equal(stageLine(r), 'test: integration failed in 0.5 min (no test summary)');
});

test('the table: a row per stage, the total, then the five slowest top-level tests', () => {
  const results: StageResult[] = [
    { stage: 'lint', kind: 'check', status: 'passed', exitCode: 0, duration_ms: 12_000 },
    { stage: 'unit', kind: 'tests', status: 'passed', exitCode: 0, duration_ms: 66_000, counts: counts({ tests: 201, passed: 200, skipped: 1 }) },
    { stage: 'integration', kind: 'tests', status: 'failed', exitCode: 1, duration_ms: 1_200_000, counts: counts({ tests: 56, passed: 54, failed: 2 }) },
    { stage: 'faults', kind: 'tests', status: 'not run', reason: 'integration failed' },
    { stage: 'docker', kind: 'tests', status: 'not run', reason: 'no Docker engine here' },
  ];
  const long = `userstream up | with the Spark engine ${'and a very long name '.repeat(4)}`;
  const t = (stage: string, name: string, duration_ms: number, nesting = 0): TestTiming => ({ stage, name, file: 'f.test.ts', nesting, duration_ms, status: 'passed' });
  const tests = [
    t('unit', 'quick', 3_000), t('unit', 'a subtest, inside its parent', 900_000, 1), t('integration', long, 480_000),
    t('integration', 'b', 90_000), t('integration', 'c', 60_000), t('unit', 'd', 6_000), t('unit', 'e', 5_000),
  ];
  assert.equal(renderTable(results, tests), [
    '| stage | tests | passed | minutes |',
    '| --- | ---: | ---: | ---: |',
    '| lint | — | yes | 0.2 |',
    '| unit | 201 | 200 (1 skipped) | 1.1 |',
    '| integration | 56 | 54 (2 failed) | 20.0 |',
    '| faults | — | not run (integration failed) | — |',
    '| docker | — | not run (no Docker engine here) | — |',
    '| total | 257 | 254 (integration failed) | 21.3 |',
    '',
    'Slowest 5 top-level tests:',
    '',
    '| stage | test | minutes |',
    '| --- | --- | ---: |',
    `| integration | ${cellText(long)} | 8.00 |`,
    '| integration | b | 1.50 |',
    '| integration | c | 1.00 |',
    '| unit | d | 0.10 |',
    '| unit | e | 0.08 |',
    '',
  ].join('\n'));
  assert.equal(cellText(long).length, 81, 'cut to 80 characters, the | escaped');
  assert.match(cellText(long), /^userstream up \\\| with the Spark engine and .*…$/);
});

test('a reporter file: its tests and the run summary; a line cut short is skipped', () => {
  const text = [
    '{"event":"test","name":"sub","file":"a.test.ts","nesting":1,"duration_ms":1,"status":"passed"}',
    '{"event":"test","name":"top","file":"a.test.ts","nesting":0,"duration_ms":2.5,"status":"failed"}',
    '{"event":"summary","counts":{"tests":2,"suites":0,"passed":1,"failed":1,"cancelled":0,"skipped":0,"todo":0,"topLevel":1},"duration_ms":40,"success":false}',
    '{"event":"test","name":"cut',
  ].join('\n');
  const report = parseReport(text);
  assert.deepEqual(report.tests.map((x) => [x.name, x.nesting, x.status]), [['sub', 1, 'passed'], ['top', 0, 'failed']]);
  assert.equal(report.counts?.tests, 2);
  assert.equal(report.counts?.failed, 1);
  assert.deepEqual(parseReport(''), { tests: [] });
});

const FIXTURE = `
import { describe, test } from 'node:test';
test('parent', async (t) => { await t.test('child', () => {}); await t.test('skipped child', (c) => c.skip()); });
test('fails', () => { throw new Error('on purpose'); });
test.skip('skipped', () => {});
test.todo('todo that fails', () => { throw new Error('todo'); });
describe('suite', () => { test('in suite', () => {}); });
`;

test("the reporter's summary is node's own: the counts of the spec reporter's ℹ lines", (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'us-reporter-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'fixture.test.ts'), FIXTURE);
  writeFileSync(join(dir, 'other.test.ts'), "import { test } from 'node:test';\ntest('other', () => {});\n");
  const reporter = new URL('scripts/test-reporter.ts', root).href;
  const args = ['--test', '--test-reporter=spec', '--test-reporter-destination=stdout', `--test-reporter=${reporter}`, '--test-reporter-destination=out.jsonl', '*.test.ts'];
  // NODE_TEST_CONTEXT would make the inner node --test report to this test run instead of its reporters.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const run = spawnSync(process.execPath, args, { cwd: dir, env, encoding: 'utf8' });
  assert.equal(run.status, 1, run.stderr);
  const spec = Object.fromEntries([...run.stdout.matchAll(/^ℹ (\w+) (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
  const report = parseReport(readFileSync(join(dir, 'out.jsonl'), 'utf8'));
  const c = report.counts!;
  assert.deepEqual(
    { tests: c.tests, suites: c.suites, pass: c.passed, fail: c.failed, cancelled: c.cancelled, skipped: c.skipped, todo: c.todo },
    { tests: spec.tests, suites: spec.suites, pass: spec.pass, fail: spec.fail, cancelled: spec.cancelled, skipped: spec.skipped, todo: spec.todo },
  );
  assert.deepEqual(spec, { tests: 8, suites: 1, pass: 4, fail: 1, cancelled: 0, skipped: 2, todo: 1 });
  const byName = new Map(report.tests.map((x) => [x.name, x]));
  assert.deepEqual([...byName.keys()].sort(), ['child', 'fails', 'in suite', 'other', 'parent', 'skipped', 'skipped child', 'suite', 'todo that fails']);
  assert.equal(byName.get('child')!.nesting, 1);
  assert.equal(byName.get('parent')!.file, 'fixture.test.ts');
  assert.deepEqual(['fails', 'skipped', 'skipped child', 'todo that fails', 'suite'].map((n) => byName.get(n)!.status), ['failed', 'skipped', 'skipped', 'todo', 'passed']);
  assert.equal(byName.get('suite')!.suite, true);
});
