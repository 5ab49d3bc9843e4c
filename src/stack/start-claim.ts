/**
 * One start of a service at a time in a stack folder, across userstream
 * processes (two `up`s, `up` beside `stack up`). Without it both look for a
 * run file before either has spawned (each then spends seconds in initdb or
 * a download), both find the port free (the first server has not bound it
 * yet) and both spawn: the second server exits at once (PostgreSQL: the
 * data folder's postmaster.pid names a live postmaster), its record has
 * replaced the first's, and the first server runs on with no record —
 * which the next `up` calls a stranger on the port.
 */
import { randomUUID } from 'node:crypto';
import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive, processStartTicks } from './process.ts';

interface Holder {
  pid: number;
  startTicks?: string;
  token: string;
}

function readHolder(file: string): Holder | 'none' | 'unreadable' {
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as Holder;
    return typeof holder.pid === 'number' && typeof holder.token === 'string' ? holder : 'unreadable';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'none' : 'unreadable';
  }
}

/** The holder still runs: its pid lives and started when it did (pids get reused). */
function holderLives(holder: Holder): boolean {
  if (!isAlive(holder.pid)) return false;
  const ticks = processStartTicks(holder.pid);
  return holder.startTicks === undefined || ticks === undefined || ticks === holder.startTicks;
}

function removeIfHeldBy(file: string, token: string | undefined): void {
  const holder = readHolder(file);
  if (holder === 'none') return;
  if (holder === 'unreadable' || holder.token === token) rmSync(file, { force: true });
}

/**
 * Waits until this process may start `service` (run/<service>.starting is
 * ours) and returns its release. A claim whose holder has died (Ctrl-C
 * during a start) is taken over; `onWait` hears once whom we wait for.
 */
export async function claimStart(runDir: string, service: string, onWait: (holderPid: number) => void): Promise<() => void> {
  const file = join(runDir, `${service}.starting`);
  const ticks = processStartTicks(process.pid);
  const me: Holder = { pid: process.pid, ...(ticks === undefined ? {} : { startTicks: ticks }), token: randomUUID() };
  // Written aside, then linked into place: the claim appears whole or not at all.
  const tmp = `${file}.${me.token}`;
  writeFileSync(tmp, JSON.stringify(me));
  try {
    let told = false;
    for (;;) {
      try {
        linkSync(tmp, file);
        return () => removeIfHeldBy(file, me.token);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readHolder(file);
      if (holder === 'none') continue;
      if (holder === 'unreadable' || !holderLives(holder)) {
        removeIfHeldBy(file, holder === 'unreadable' ? undefined : holder.token);
        continue;
      }
      if (!told) onWait(holder.pid);
      told = true;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    rmSync(tmp, { force: true });
  }
}
