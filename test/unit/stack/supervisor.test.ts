import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { stackPaths } from '../../../src/stack/paths.ts';
import { isOurs, readRunInfo, stopProcess } from '../../../src/stack/process.ts';
import type { ServiceDefinition } from '../../../src/stack/service.ts';
import { stackDown, stackUp } from '../../../src/stack/supervisor.ts';

/** A service that is a sleeping Node process: enough for the supervisor's lifecycle. */
function sleeper(name: string, extra: Partial<ServiceDefinition> = {}): ServiceDefinition {
  return {
    name,
    version: '1',
    artifacts: [],
    noJava: true,
    ports: [],
    startTimeoutMs: 10_000,
    async prepare() {},
    command: (ctx) => ({ bin: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)', '--', ctx.marker], marker: ctx.marker }),
    probe: async () => true,
    ...extra,
  };
}

const quiet = { update() {}, done() {} };

test('a reused service that holds sessions to one started afresh is restarted, with one line saying why', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'us-supervisor-'));
  const paths = stackPaths(home);
  const db = sleeper('db');
  const driver = sleeper('driver', { holdsSessionsTo: ['db'] });
  const other = sleeper('other');
  const all = [db, driver, other];
  t.after(async () => {
    await stackDown(all, paths, quiet);
    rmSync(home, { recursive: true, force: true });
  });
  const pid = (name: string) => readRunInfo(paths.runFile(name))?.pid;
  const warnings: string[] = [];
  const up = (services: ServiceDefinition[]) => stackUp(services, paths, { javaHome: undefined, reporter: quiet, others: all, warn: (l) => warnings.push(l) });

  await up(all);
  const first = { db: pid('db'), driver: pid('driver'), other: pid('other') };
  assert.deepEqual(warnings, [], 'a fresh stack restarts nothing');

  // Everything reused: nothing restarts.
  await up(all);
  assert.deepEqual({ db: pid('db'), driver: pid('driver'), other: pid('other') }, first);
  assert.deepEqual(warnings, []);

  // The database stopped and started again under the running driver.
  await stopProcess(first.db!);
  await up(all);
  assert.notEqual(pid('db'), first.db);
  assert.notEqual(pid('driver'), first.driver, 'the driver was restarted');
  assert.equal(pid('other'), first.other, 'a service without sessions to it was not');
  assert.ok(isOurs(readRunInfo(paths.runFile('driver'))));
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /^driver: restarting it, because db started again under it/);

  // `up db` alone: the driver runs outside this up, and is restarted all the same.
  const driverBefore = pid('driver');
  await stopProcess(pid('db')!);
  await up([db]);
  assert.notEqual(pid('driver'), driverBefore);
  assert.equal(warnings.length, 2);
});
