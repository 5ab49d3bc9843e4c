/**
 * How this code tries again, in one place: the pause before the next
 * attempt (`backoffMs`, each caller's numbers in BACKOFF), the one wait for
 * a condition until a deadline (`until`), and which errors are worth
 * another attempt (`isRetryable`).
 */
import { UserstreamError } from './errors.ts';

/**
 * A pause that grows: `firstMs` before the second attempt, times `factor`
 * (2) each attempt after, never over `maxMs`; with `jitter`, a random
 * 50–100 % of that, so clients that failed together do not come back
 * together. `firstMs` equal to `maxMs` is the same pause every time.
 */
export interface Backoff {
  firstMs: number;
  maxMs: number;
  factor?: number;
  jitter?: boolean;
}

/** The default: 250 ms, doubling, at most 5 s, no jitter (a batch sent again to Kafka). */
export const DEFAULT_BACKOFF: Backoff = { firstMs: 250, maxMs: 5000 };

/**
 * The callers that need other numbers, each as it has always been. A
 * caller's own options (the source's, Spark Connect's) may set others.
 */
export const BACKOFF = {
  /** A page from the user source (randomuser.me): a server under load may need long pauses. */
  source: { firstMs: 250, maxMs: 30_000, jitter: true },
  /** A Spark Connect call that found the server unavailable or busy. */
  sparkConnect: { firstMs: 100, maxMs: 5000, jitter: true },
  /** One Cassandra request of rows (a timeout, an unavailable node). */
  cassandraWrite: { firstMs: 100, maxMs: 5000 },
  /** A node engine batch written again whole. */
  engineBatch: { firstMs: 250, maxMs: 10_000 },
  /** Between two checks of `until`, unless the wait says otherwise. */
  poll: { firstMs: 200, maxMs: 1000 },
} as const satisfies Record<string, Backoff>;

/** The same pause every time. */
export function every(ms: number): Backoff {
  return { firstMs: ms, maxMs: ms };
}

/** The pause before attempt `attempt + 1`, attempt 0 being the first that failed. */
export function backoffMs(attempt: number, policy: Backoff = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const grown = policy.firstMs * (policy.factor ?? 2) ** attempt;
  // 0 × Infinity (a zero first pause, many attempts) is no pause, not NaN.
  const pause = Math.min(policy.maxMs, Number.isNaN(grown) ? 0 : grown);
  return policy.jitter ? pause * (0.5 + random() / 2) : pause;
}

/**
 * Whether trying the same thing again can help: the error says so itself
 * (UserstreamError.canRetry, set where it is made: a network blip, a 5xx, a
 * timeout, but not refused credentials). Anything else is not.
 */
export function isRetryable(error: unknown): error is UserstreamError & { readonly canRetry: true } {
  return error instanceof UserstreamError && error.canRetry;
}

/**
 * A wait as every wait here is written: a condition checked until it holds
 * or a deadline passes; the failure says what was waited for and what the
 * last check saw. The pause between checks is `backoffMs` of `pause`
 * (BACKOFF.poll: from 200 ms up to 1 s, so a condition that holds at once
 * costs one check), never past the deadline.
 */
export type Check<T> = { done: true; value: T } | { done: false; saw: string };

export interface UntilOptions {
  /** Epoch ms after which the last check's `saw` becomes the failure. */
  deadline: number;
  pause?: Backoff;
  /** Called after each check that did not hold (a progress line). */
  onWait?: (saw: string) => void;
  /** The error to throw past the deadline, instead of the WaitFailed. */
  fail?: (failed: WaitFailed) => unknown;
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

/** Resolves with the check's value once it holds; throws WaitFailed (or `fail`'s error) past the deadline. A check that throws ends the wait. */
export async function until<T>(what: string, check: () => Promise<Check<T>>, options: UntilOptions): Promise<T> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    const result = await check();
    if (result.done) return result.value;
    if (Date.now() >= options.deadline) {
      const failed = new WaitFailed(what, result.saw, Date.now() - started);
      throw options.fail ? options.fail(failed) : failed;
    }
    options.onWait?.(result.saw);
    const pause = backoffMs(attempt, options.pause ?? BACKOFF.poll);
    await new Promise((r) => setTimeout(r, Math.max(0, Math.min(pause, options.deadline - Date.now()))));
  }
}
