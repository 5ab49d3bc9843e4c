/**
 * A wait as every wait here is written: a condition checked until it holds
 * or a deadline passes; the failure says what was waited for and what the
 * last check saw. The pause between checks grows from `firstPauseMs` to
 * `maxPauseMs`, so a condition that holds at once costs one check.
 */
export type Check<T> = { done: true; value: T } | { done: false; saw: string };

export interface UntilOptions {
  /** Epoch ms after which the last check's `saw` becomes the failure. */
  deadline: number;
  firstPauseMs?: number;
  maxPauseMs?: number;
  /** Called after each check that did not hold (a progress line). */
  onWait?: (saw: string) => void;
}

export class WaitFailed extends Error {
  readonly what: string;
  readonly saw: string;
  readonly waitedMs: number;

  constructor(what: string, saw: string, waitedMs: number) {
    super(`waited ${(waitedMs / 1000).toFixed(0)} s for ${what}; saw ${saw}`);
    this.name = 'WaitFailed';
    this.what = what;
    this.saw = saw;
    this.waitedMs = waitedMs;
  }
}

/** Resolves with the check's value once it holds; throws WaitFailed past the deadline. */
export async function until<T>(what: string, check: () => Promise<Check<T>>, options: UntilOptions): Promise<T> {
  const started = Date.now();
  let pause = options.firstPauseMs ?? 200;
  for (;;) {
    const result = await check();
    if (result.done) return result.value;
    if (Date.now() >= options.deadline) throw new WaitFailed(what, result.saw, Date.now() - started);
    options.onWait?.(result.saw);
    await new Promise((r) => setTimeout(r, Math.max(0, Math.min(pause, options.deadline - Date.now()))));
    pause = Math.min(pause * 2, options.maxPauseMs ?? 1000);
  }
}
