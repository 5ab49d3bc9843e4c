import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { PREREQUISITES, missingLine, plan, prerequisitesFor } from '../../../src/stack/prerequisites.ts';

const file = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

/** The commands of a shell script: no comments, blank lines, `set` or `cd` to the checkout. */
function commands(script: string): string[] {
  return script
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#') && !/^set -/.test(l) && !/^cd "\$\(dirname "\$0"\)\/\.\."$/.test(l));
}

test('.ci/run is npm ci and the README test command, nothing more (a green CI proves the README)', () => {
  const ci = commands(file('.ci/run'));
  assert.equal(ci.length, 2, `.ci/run runs more than npm ci and npm test: ${ci.join(' | ')}`);
  assert.match(ci[0]!, /^npm ci( --[a-z-]+)*$/);
  assert.equal(ci[1], 'npm test');
  assert.match(file('README.md'), /^npm test\b/m);
});

test("the README's install line names exactly the packages the prerequisite check installs", () => {
  const readme = file('README.md');
  const lines = [...readme.matchAll(/^(?:sudo )?apt-get install ([a-z0-9 .+-]+)$/gm)].map((m) => m[1]!.trim().split(/\s+/));
  assert.equal(lines.length, 1, 'the README should give one apt-get install line for the prerequisites');
  assert.deepEqual(new Set(lines[0]), new Set(PREREQUISITES.flatMap((p) => (p.apt ? [p.apt] : []))));
  // What apt cannot install is named in the README with how to get it.
  for (const p of PREREQUISITES.filter((x) => !x.apt)) assert.ok(readme.includes(p.what), `the README should name ${p.what}`);
});

test('npm start and npm test check their own prerequisites before anything else', () => {
  const scripts = (JSON.parse(file('package.json')) as { scripts: Record<string, string> }).scripts;
  assert.equal(scripts.prestart, 'sh scripts/ensure-deps.sh start');
  assert.equal(scripts.pretest, 'sh scripts/ensure-deps.sh test');
  const ensure = commands(file('scripts/ensure-deps.sh'));
  const check = ensure.findIndex((l) => l.includes('scripts/prerequisites.ts "${1:-start}"'));
  const gen = ensure.findIndex((l) => l.includes('gen-spark-connect.ts'));
  assert.ok(check >= 0, 'ensure-deps.sh does not run the prerequisite check');
  assert.ok(check < gen, 'the prerequisite check must run before the Spark Connect code generation (which needs Java and Maven)');
});

test('test needs everything start needs, and Chromium', () => {
  const start = prerequisitesFor('start').map((p) => p.apt ?? p.what);
  const all = prerequisitesFor('test').map((p) => p.apt ?? p.what);
  for (const p of start) assert.ok(all.includes(p));
  assert.ok(!start.includes('chromium'));
  assert.ok(all.includes('chromium'));
});

test('with nothing on PATH, everything on PATH is missing, and only root with apt-get may install', () => {
  const env = { PATH: '/nonexistent', USERSTREAM_CHROMIUM: '/nonexistent/chromium', USERSTREAM_PYTHON: '/nonexistent/python3' };
  const asUser = plan('test', env, 1000);
  const missing = asUser.missing.map((p) => p.apt ?? p.what);
  for (const apt of ['openjdk-17-jdk-headless', 'maven', 'python3-venv', 'chromium']) assert.ok(missing.includes(apt), `${apt} should be missing`);
  assert.equal(asUser.canInstall, false);
  // No apt-get on this PATH either: root cannot install.
  assert.equal(plan('test', env, 0).canInstall, false);
  const line = missingLine(asUser.missing);
  assert.doesNotMatch(line, /\n/);
  assert.match(line, /install with: sudo apt-get install .*maven.*chromium/);
});

test('this machine passes the check for npm start (the stack tests run on it)', () => {
  assert.deepEqual(plan('start').missing.map((p) => p.what), []);
});
