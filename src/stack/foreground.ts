import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { ErrorCodes, UserstreamError } from '../errors.ts';
import type { StackPaths } from './paths.ts';
import type { ServiceDefinition } from './service.ts';
import { type StackReporter, prepareRun, untilAnswers } from './supervisor.ts';

/**
 * One service of the stack as a container's process (`userstream stack run
 * <service>`): prepared exactly as `up` prepares it (the same definition,
 * configured by the environment), then run in the foreground with its
 * output on ours, so the container's log is the service's. Once it answers
 * its probe, the service's afterStart runs (users, roles, a ring node's
 * wait for the ring) and the line `<service>: ready` is printed; until
 * then `stack probe` calls it not ready (paths.startingFile). SIGTERM and SIGINT go to the service, and
 * its exit status is the container's.
 */
export async function runInForeground(
  service: ServiceDefinition,
  paths: StackPaths,
  options: { javaHome: string | undefined; reporter: StackReporter },
): Promise<number> {
  // Not ready (stack probe says so) until its afterStart is done, below.
  writeFileSync(paths.startingFile(service.name), `${process.pid}\n`);
  const { ctx, cmd } = await prepareRun(service, paths, { ...options, foreground: true });
  const child = spawn(cmd.bin, cmd.args, {
    cwd: ctx.dirs.data,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, ...service.env?.(ctx) },
    ...(cmd.uid === undefined ? {} : { uid: cmd.uid }),
    ...(cmd.gid === undefined ? {} : { gid: cmd.gid }),
  });
  let status: number | undefined;
  const exited = new Promise<number>((resolve) => {
    child.on('error', (error) => {
      process.stderr.write(`userstream: ${service.name}: ${error.message}\n`);
      resolve((status = 127));
    });
    child.on('exit', (code, signal) => resolve((status = code ?? 128 + (signal ? constants.signals[signal] : 0))));
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => child.kill(signal));
  const started = Date.now();
  try {
    await untilAnswers(service, {
      timeoutMs: service.startTimeoutMs,
      exited: () => (status === undefined ? undefined : new UserstreamError(ErrorCodes.STACK_START, `${service.name} exited during start-up with status ${status}`)),
      notYet: '(its process still running)',
    });
    await service.afterStart?.(ctx);
    rmSync(paths.startingFile(service.name), { force: true });
  } catch (error) {
    child.kill('SIGTERM');
    await exited;
    throw error;
  }
  options.reporter.done(service.name, `ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return exited;
}
