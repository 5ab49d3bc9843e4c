import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { ErrorCodes, UserstreamError } from '../errors.ts';

export const NODE = process.execPath;
export const CLI = new URL('../cli/main.ts', import.meta.url).pathname;

export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  startedAt: number;
  /** Resolves when the process has exited, with when and how. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** The last lines of its stderr, for error messages. */
  stderrTail(): string;
  /** Called with every stdout line. */
  onLine(listener: (line: string) => void): void;
}

/** Spawns a node script as a child with its output captured (never inherited: the bench prints its own lines). */
export function startChild(name: string, script: string, args: string[], env: NodeJS.ProcessEnv = {}): Child {
  const proc = spawn(NODE, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  if (proc.pid === undefined) throw new UserstreamError(ErrorCodes.BENCH, `bench: could not start ${name}`);
  const tail: string[] = [];
  const listeners: ((line: string) => void)[] = [];
  createInterface({ input: proc.stdout! }).on('line', (line) => listeners.forEach((l) => l(line)));
  createInterface({ input: proc.stderr! }).on('line', (line) => {
    tail.push(line);
    if (tail.length > 40) tail.shift();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    proc.on('close', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  return {
    name,
    proc,
    pid: proc.pid,
    startedAt: Date.now(),
    exited,
    stderrTail: () => tail.join('\n'),
    onLine: (l) => listeners.push(l),
  };
}

/** Waits for a child to exit 0; otherwise throws with the end of its stderr. */
export async function succeeded(child: Child): Promise<number> {
  const { code, signal, at } = await child.exited;
  if (code !== 0) {
    throw new UserstreamError(ErrorCodes.BENCH, `bench: ${child.name} exited with ${signal ?? `code ${code}`}\n${child.stderrTail()}`);
  }
  return at;
}

export async function stopChild(child: Child, graceMs = 60_000): Promise<void> {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return;
  child.proc.kill('SIGTERM');
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
}

/** Runs the userstream CLI to completion with its output shown (stack up). */
export function runCli(args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(NODE, [CLI, ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}
