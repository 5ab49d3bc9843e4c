/**
 * "postgres exited during start-up (pid …)" while that postgres ran and was
 * ready, its run file gone, and the next `up` calling port 5432 "taken by a
 * process userstream did not start". The stand-in below behaves like a
 * postmaster where it matters: one per data folder (a second one finds the
 * lock file naming a live process and exits at once, as PostgreSQL does), it
 * listens on its port, and it is ready only when the test says so.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { stackPaths } from '../../../src/stack/paths.ts';
import { isAlive, isOurs, readRunInfo, stopProcess } from '../../../src/stack/process.ts';
import type { ServiceDefinition } from '../../../src/stack/service.ts';
import { stackDown, stackUp, type StackReporter } from '../../../src/stack/supervisor.ts';
import { freePort } from '../../support/ports.ts';

const POSTMASTER = `
const { readFileSync, writeFileSync, existsSync } = require('node:fs');
const { createServer } = require('node:net');
const [data, port] = process.argv.slice(2);
const lock = data + '/postmaster.pid';
let other;
try { other = Number(readFileSync(lock, 'utf8').split('\\n')[0]); process.kill(other, 0); } catch { other = undefined; }
if (other !== undefined) {
  console.log('FATAL: lock file "' + lock + '" already exists; another postmaster (PID ' + other + ') runs in it');
  process.exit(1);
}
writeFileSync(lock, process.pid + '\\n' + data + '\\n');
createServer().listen(Number(port), '127.0.0.1', () => {
  const wait = setInterval(() => {
    if (!existsSync(data + '/go')) return;
    clearInterval(wait);
    writeFileSync(data + '/ready', String(process.pid));
    console.log('ready to accept connections');
  }, 10);
});
`;

/** Polls `check` until it is truthy; fails after `ms`. */
async function until<T>(check: () => T, what: string, ms = 8000): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The pid a data folder's lock file names, when that process lives. */
function lockHolder(data: string): number | undefined {
  if (!existsSync(join(data, 'postmaster.pid'))) return undefined;
  const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  return pid > 0 && isAlive(pid) ? pid : undefined;
}

async function setup(t: { after(fn: () => Promise<void>): void }, prepare: ServiceDefinition['prepare'] = async () => {}) {
  const home = mkdtempSync(join(tmpdir(), 'us-start-race-'));
  const paths = stackPaths(home);
  const script = join(home, 'postmaster.cjs');
  writeFileSync(script, POSTMASTER);
  const data = paths.data('pglike');
  const lines: string[] = [];
  const reporter: StackReporter = { update: (_s, text) => lines.push(text), done: (_s, text) => lines.push(text) };
  const port = await freePort();
  const service: ServiceDefinition = {
    name: 'pglike',
    version: '15',
    artifacts: [],
    noJava: true,
    ports: [{ port, what: 'PostgreSQL', flag: '--postgres-port', host: '127.0.0.1' }],
    startTimeoutMs: 10_000,
    prepare,
    // The data folder on the command line marks the process as ours, as for PostgreSQL.
    command: (ctx) => ({ bin: process.execPath, args: [script, ctx.dirs.data, String(port)], marker: ctx.dirs.data }),
    orphan: (dirs) => {
      const pid = lockHolder(dirs.data);
      return pid === undefined ? undefined : { pid, marker: dirs.data };
    },
    probe: async () => existsSync(join(data, 'ready')),
  };
  t.after(async () => {
    const pids = [readRunInfo(paths.runFile('pglike'))?.pid, lockHolder(data)];
    await stackDown([service], paths, { update() {}, done() {} }).catch(() => {});
    // Never this test process, which one test writes into the lock file.
    for (const pid of pids) if (pid !== undefined && pid !== process.pid && isAlive(pid)) await stopProcess(pid, 2000);
    rmSync(home, { recursive: true, force: true });
  });
  const up = () => stackUp([service], paths, { javaHome: undefined, reporter });
  return { paths, data, service, lines, up };
}

test('two starts of one service at once: the first is not called exited while it runs, the second reuses it, the run file names it', async (t) => {
  // Both starts look for a run file before either has spawned (two `up`s,
  // each busy with initdb); the second spawns once the first's server holds
  // the data folder, as happens when their prepares end close together.
  let prepares = 0;
  const settled = { second: false };
  const waiting = () => s.lines.some((l) => /another userstream .* is starting it/.test(l));
  const s = await setup(t, async () => {
    const nth = ++prepares;
    await until(() => prepares === 2 || waiting() || settled.second, 'both starts are past their check of the run file');
    if (nth === 2) await until(() => lockHolder(s.data), 'the first server holds the data folder');
  });
  const first = s.up();
  first.catch(() => {}); // judged below, once both have settled
  // The second starts once the first is past its port check (two at the same instant would see each other's probe).
  await until(() => prepares === 1, 'the first start is preparing');
  const second = s.up();
  void second.then(() => (settled.second = true), () => (settled.second = true));
  const server = await until(() => lockHolder(s.data), 'the first server holds the data folder');
  await until(() => settled.second || waiting(), 'the second start failed or waits for the first');
  writeFileSync(join(s.data, 'go'), '');
  const [a, b] = await Promise.allSettled([first, second]);
  const why = (r: PromiseSettledResult<void>) => (r.status === 'rejected' ? (r.reason as Error).message.split('\n')[0] : 'fulfilled');
  assert.equal(a.status, 'fulfilled', `the first start, whose server ${isAlive(server) ? 'runs' : 'died'} (pid ${server}): ${why(a)}`);
  assert.equal(b.status, 'fulfilled', `the second start: ${why(b)}`);
  const info = readRunInfo(s.paths.runFile('pglike'));
  assert.equal(info?.pid, server, 'the run file names the server that runs');
  assert.ok(isOurs(info));
  assert.deepEqual(readFileSync(join(s.paths.home, 'logs', 'pglike.log'), 'utf8').match(/FATAL/g) ?? [], [], 'no second server was started');
});

test('a server of ours that lost its run file is adopted by up (found by its lock file), not called a stranger on its port; down stops it', async (t) => {
  const s = await setup(t);
  writeFileSync(join(s.data, 'go'), '');
  await s.up();
  const server = readRunInfo(s.paths.runFile('pglike'))!.pid;
  rmSync(s.paths.runFile('pglike'));

  await s.up();
  const info = readRunInfo(s.paths.runFile('pglike'));
  assert.equal(info?.pid, server, 'up adopted the running server');
  assert.ok(isOurs(info));
  assert.ok(s.lines.some((l) => l.includes(`running (pid ${server}, adopted`)), s.lines.join('\n'));

  rmSync(s.paths.runFile('pglike'));
  await stackDown([s.service], s.paths, { update() {}, done() {} });
  assert.equal(isAlive(server), false, 'down stopped the server whose run file was gone');
});

test('a start that really exits is reported with its own pid, and leaves no run file behind', async (t) => {
  const s = await setup(t);
  // A live process holds the data folder: the server started finds the lock file and exits.
  writeFileSync(join(s.data, 'postmaster.pid'), `${process.pid}\n`);
  const orphan = s.service.orphan;
  delete s.service.orphan; // this test process is not a server to adopt
  await assert.rejects(s.up(), /pglike exited during start-up \(pid \d+\)[^]*FATAL: lock file/);
  assert.equal(readRunInfo(s.paths.runFile('pglike')), undefined);
  s.service.orphan = orphan;
  rmSync(join(s.data, 'postmaster.pid'));
});

test('a start is judged by the process it started, not by a run file that changed meanwhile; the next up adopts its server', async (t) => {
  const s = await setup(t);
  const first = s.up();
  first.catch(() => {}); // judged below
  const server = await until(() => lockHolder(s.data), 'the server holds the data folder');
  await until(() => readRunInfo(s.paths.runFile('pglike'))?.pid === server, 'its run file is written');
  // Another command's record replaces it while the start waits for the probe
  // (a userstream without start claims, a hand-edited file): a pid that is gone.
  const gone = await exitedPid();
  writeFileSync(s.paths.runFile('pglike'), JSON.stringify({ ...readRunInfo(s.paths.runFile('pglike')), pid: gone }));
  writeFileSync(join(s.data, 'go'), '');
  await first.then(
    () => {},
    (error: Error) => assert.fail(`the start of a server that runs (pid ${server}, ${isAlive(server) ? 'alive' : 'dead'}) failed: ${error.message.split('\n')[0]}`),
  );
  assert.ok(isAlive(server));
  await s.up();
  assert.equal(readRunInfo(s.paths.runFile('pglike'))?.pid, server, 'the next up adopted the server');
});

test('a start claim left by a userstream that died (Ctrl-C during a start) is taken over', async (t) => {
  const s = await setup(t);
  writeFileSync(join(s.data, 'go'), '');
  writeFileSync(join(s.paths.runDir, 'pglike.starting'), JSON.stringify({ pid: await exitedPid(), token: 'gone' }));
  await s.up();
  assert.ok(isOurs(readRunInfo(s.paths.runFile('pglike'))));
  assert.equal(existsSync(join(s.paths.runDir, 'pglike.starting')), false, 'the claim is released');
});

/** The pid of a process that has exited (and been reaped). */
function exitedPid(): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', '']);
    child.on('exit', () => resolve(child.pid!));
  });
}
