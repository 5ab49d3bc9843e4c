/**
 * withDeadline, the bound the node engine puts on work that may never settle:
 * a batch's write and dead letters (BATCH_ATTEMPT_MS in batch.ts) and its
 * offset commit (COMMIT_MS in commits.ts). A promise that never settles would
 * otherwise hold back every later batch for good; the bound turns it into a
 * retryable timeout. One helper for both, so it has its own module.
 */
import { ErrorCodes, UserstreamError } from '../../errors.ts';

/** `work`, or a rejection with `message` once `ms` pass (the work itself goes on). */
export function withDeadline<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UserstreamError(ErrorCodes.TIMEOUT, message, { canRetry: true })), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
