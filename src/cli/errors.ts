import { describeError, errorDetail, ErrorCodes, isUserstreamError } from '../errors.ts';

/**
 * Turns any failure into one clear line on stderr and an exit code: 2 for a
 * bad flag or value, 1 for everything else. `--verbose` adds the stack and
 * the chain of causes.
 */
export function reportFatal(error: unknown, verbose: boolean): number {
  const line = describeError(error);
  process.stderr.write(`userstream: ${line}\n`);
  if (verbose) {
    process.stderr.write(`${errorDetail(error)}\n`);
  } else if (!isUserstreamError(error)) {
    process.stderr.write('userstream: (unexpected error; run again with --verbose for details)\n');
  }
  if (isUserstreamError(error) && (error.code === ErrorCodes.CONFIG || error.code === ErrorCodes.USAGE)) return 2;
  return 1;
}
