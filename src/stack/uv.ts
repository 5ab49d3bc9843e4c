/**
 * Python packages for the local stack, installed with uv (from PyPI, like
 * everything else the stack runs). uv resolves the whole set first, so it
 * knows how many packages it will fetch before the first download: the
 * progress is a bar with a total, and the install takes seconds where pip
 * took over a minute for Airflow.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ErrorCodes, UserstreamError } from '../errors.ts';
import { progressBar } from './maven.ts';

const run = promisify(execFile);

/** The uv release the stack installs; the progress below reads its output. */
export const UV_VERSION = '0.13.9';

export interface UvProgressState {
  phase: 'resolving' | 'downloading' | 'installing' | 'done';
  /** Packages in the resolved set; 0 until resolved. */
  total: number;
  /** Packages downloaded (or found in uv's cache) and unpacked. */
  prepared: number;
  installed: number;
}

/**
 * Follows `uv pip install -vv` line by line. The summary lines ("Resolved N
 * packages", "Prepared N", "Installed N") are uv's normal output; each
 * package's wheel lock being released (downloaded and unpacked) and each
 * record written (installed) are its trace lines. A trace line uv no longer
 * prints only stops the bar moving until the next summary line.
 */
export class UvProgress {
  readonly state: UvProgressState = { phase: 'resolving', total: 0, prepared: 0, installed: 0 };

  /** Takes one output line; true when the state changed. */
  feed(line: string): boolean {
    const s = this.state;
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^Resolved (\d+) packages?\b/))) {
      s.total = Number(m[1]);
      s.phase = 'downloading';
    } else if (/^TRACE Released lock at `.*[\\/]wheels-v\d+[\\/]/.test(line)) {
      s.prepared = s.total > 0 ? Math.min(s.total, s.prepared + 1) : s.prepared + 1;
    } else if (/^Prepared \d+ packages?\b/.test(line)) {
      s.prepared = s.total;
      s.phase = 'installing';
    } else if (/^TRACE Writing record name=/.test(line)) {
      s.installed = s.total > 0 ? Math.min(s.total, s.installed + 1) : s.installed + 1;
      s.phase = 'installing';
    } else if (/^(Installed|Audited) \d+ packages?\b/.test(line)) {
      s.installed = s.total;
      s.prepared = s.total;
      s.phase = 'done';
    } else {
      return false;
    }
    return true;
  }

  /** The state as the stack's status line shows it. */
  describe(what: string): string {
    const s = this.state;
    switch (s.phase) {
      case 'resolving':
        return `resolving ${what} from PyPI`;
      case 'downloading':
        return `downloading ${what} from PyPI ${progressBar(s.prepared, s.total)} packages`;
      case 'installing':
        return `installing ${what} ${progressBar(s.installed, s.total)} packages`;
      case 'done':
        return `installed ${what}: ${s.total} packages`;
    }
  }
}

/** A Python virtualenv at `dir` (`--without-pip` when uv, not pip, fills it); a clear error when Python cannot make one. */
export async function createVenv(python: string, dir: string, options: { withoutPip?: boolean } = {}): Promise<void> {
  try {
    await run(python, ['-m', 'venv', ...(options.withoutPip ? ['--without-pip'] : []), dir]);
  } catch (error) {
    throw new UserstreamError(
      ErrorCodes.STACK_START,
      `cannot create a Python virtualenv with ${python} (need Python 3.10-3.13 with venv: apt-get install python3-venv): ${(error as Error).message.split('\n')[0]}`,
      { cause: error },
    );
  }
}

/**
 * uv itself, in its own virtualenv in the stack's cache (pip installs it,
 * once). Returns the path of the `uv` binary.
 */
export async function ensureUv(python: string, cache: string, report: (text: string) => void): Promise<string> {
  const venv = join(cache, 'tools', `uv-${UV_VERSION}`);
  const uv = join(venv, 'bin', 'uv');
  const marker = join(venv, '.installed');
  if (existsSync(marker) && existsSync(uv)) return uv;
  rmSync(venv, { recursive: true, force: true });
  mkdirSync(venv, { recursive: true });
  report(`installing uv ${UV_VERSION} from PyPI`);
  await createVenv(python, venv);
  try {
    await run(join(venv, 'bin', 'pip'), ['install', '--disable-pip-version-check', '--quiet', `uv==${UV_VERSION}`], { maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    const why = (e.stderr || e.message).trim().split('\n').slice(-2).join(' ');
    throw new UserstreamError(ErrorCodes.STACK_DOWNLOAD, `installing uv ${UV_VERSION} from PyPI failed: ${why}`, { canRetry: true });
  }
  writeFileSync(marker, new Date().toISOString());
  return uv;
}

export interface UvInstallOptions {
  uv: string;
  /** The virtualenv's Python the packages go into. */
  python: string;
  packages: string[];
  /** uv's download cache. */
  cacheDir: string;
  /** What is installed, for the status line and errors ("apache-airflow 3.3.2"). */
  what: string;
  report: (text: string) => void;
}

/** `uv pip install` into a virtualenv, with a progress bar; throws with uv's own error lines. */
export async function uvInstall(o: UvInstallOptions): Promise<void> {
  const progress = new UvProgress();
  o.report(progress.describe(o.what));
  const child = spawn(o.uv, ['pip', 'install', '--python', o.python, '-vv', ...o.packages], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, UV_CACHE_DIR: o.cacheDir, UV_NO_PROGRESS: '1', NO_COLOR: '1' },
  });
  const tail: string[] = [];
  let pending = '';
  const onData = (chunk: Buffer) => {
    const lines = (pending + chunk.toString()).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (progress.feed(line)) o.report(progress.describe(o.what));
      if (line.trim() === '' || line.startsWith('TRACE ') || line.startsWith('DEBUG ')) continue;
      tail.push(line);
      if (tail.length > 20) tail.shift();
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const code = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? 1));
  });
  if (code !== 0) {
    const errors = tail.filter((l) => /error|×|╰─▶/i.test(l));
    const why = (errors.length > 0 ? errors : tail).slice(-3).map((l) => l.trim()).join(' ');
    throw new UserstreamError(ErrorCodes.STACK_DOWNLOAD, `installing ${o.what} from PyPI failed: ${why}`, { canRetry: true });
  }
}
