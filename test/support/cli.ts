import { type ChildProcess, spawn } from 'node:child_process';

const cli = new URL('../../src/cli/main.ts', import.meta.url).pathname;

export interface CliRun {
  child: ChildProcess;
  /** Everything written so far. */
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves when the process has exited. */
  done: Promise<{ code: number; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts the userstream CLI (the same Node, the TypeScript sources) as a child process. */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code: code ?? 1, signal, stdout, stderr })),
  );
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    done,
  };
}

/** Runs the CLI to completion. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  return startCli(args, env).done;
}

/** Options that point a CLI run at a test's own topic, DLQ, group and keyspace. */
export function cliTarget(config: { topic: string; dlqTopic: string; groupId: string; keyspace: string }): string[] {
  return ['--topic', config.topic, '--dlq-topic', config.dlqTopic, '--group-id', config.groupId, '--keyspace', config.keyspace];
}
