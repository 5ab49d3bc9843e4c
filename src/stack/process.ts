import { spawn } from 'node:child_process';
import { closeSync, existsSync, fchownSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { ErrorCodes, UserstreamError } from '../errors.ts';
import { type Check, WaitFailed, every, until } from '../retry.ts';

export interface RunInfo {
  service: string;
  pid: number;
  version: string;
  /** The service's variant (the secure profile), if any. */
  variant?: string;
  ports: number[];
  startedAt: string;
  /** A marker in the command line that proves the pid is still ours ('' = none: the process retitles itself). */
  marker: string;
  /** The process's start time (clock ticks after boot, /proc/<pid>/stat): a reused pid has another. */
  startTicks?: string;
}

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks after boot. */
export function processStartTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; fields after it are plain.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/**
 * The run file's record; undefined when there is none (or it is not JSON).
 * Any other failure to read it throws: "cannot read it now" must not pass
 * for "nothing of ours runs", which makes callers start or forget a service.
 */
export function readRunInfo(file: string): RunInfo | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as RunInfo;
  } catch {
    return undefined;
  }
}

/** True when `pid` is alive and its command line carries our marker (pids get reused). */
export function isOurs(info: RunInfo | undefined): info is RunInfo {
  if (!info) return false;
  try {
    process.kill(info.pid, 0);
  } catch {
    return false;
  }
  if (info.startTicks !== undefined) {
    const ticks = processStartTicks(info.pid);
    if (ticks !== undefined && ticks !== info.startTicks) return false;
  }
  try {
    return readFileSync(`/proc/${info.pid}/cmdline`, 'utf8').includes(info.marker);
  } catch {
    return true; // no /proc: trust the pid
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts a detached process whose output goes to `logFile`; it outlives this CLI. */
export function startDetached(
  bin: string,
  args: string[],
  options: { logFile: string; cwd: string; env?: NodeJS.ProcessEnv; uid?: number; gid?: number },
): number {
  const fd = openSync(options.logFile, 'a');
  if (options.uid !== undefined) fchownSync(fd, options.uid, options.gid ?? options.uid);
  try {
    const child = spawn(bin, args, {
      cwd: options.cwd,
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { ...process.env, ...options.env },
      ...(options.uid === undefined ? {} : { uid: options.uid }),
      ...(options.gid === undefined ? {} : { gid: options.gid }),
    });
    if (child.pid === undefined) throw new UserstreamError(ErrorCodes.STACK_START, `could not start ${bin}`);
    child.unref();
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

/**
 * Other userstream commands read run files at any time (`status`, `down`,
 * another `up`): the record appears whole, by a rename, never truncated.
 */
export function writeRunInfo(file: string, info: RunInfo): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(info, null, 2)}\n`);
  renameSync(tmp, file);
}

/**
 * Removes a run file, unless it names a live process of ours: that record
 * is the only proof the process is userstream's (without it the next `up`
 * calls its port taken by a stranger), and another start may have written
 * it since the caller last looked.
 */
export function removeRunInfo(file: string): void {
  if (isOurs(readRunInfo(file))) return;
  rmSync(file, { force: true });
}

/** SIGTERM, then SIGKILL after the grace period. Resolves when the process is gone. */
export async function stopProcess(pid: number, graceMs = 30_000): Promise<void> {
  // Each service leads its own process group (started detached): signal the
  // group, so helpers it started (Spark executors, Airflow workers) stop too.
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      process.kill(pid, sig);
    }
  };
  try {
    signal('SIGTERM');
  } catch {
    return;
  }
  const gone = async (): Promise<Check<void>> => (isAlive(pid) ? { done: false, saw: 'still running' } : { done: true, value: undefined });
  try {
    await until(`pid ${pid} to exit`, gone, { deadline: Date.now() + graceMs, pause: every(200) });
    return;
  } catch (error) {
    if (!(error instanceof WaitFailed)) throw error;
  }
  try {
    signal('SIGKILL');
  } catch {
    return;
  }
  await until(`pid ${pid} to exit after SIGKILL`, gone, { deadline: Infinity, pause: every(100) });
}

/** True when nothing listens on the port (on any local address). */
export function portIsFree(port: number, host = '0.0.0.0'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The last lines of a log, to explain why a service died. */
export function logTail(file: string, lines = 15): string {
  if (!existsSync(file)) return '';
  const text = readFileSync(file, 'utf8');
  return text.split('\n').slice(-lines - 1).join('\n');
}
