import { describeError, errorDetail, exitCode, isUserstreamError, withCode } from '../errors.ts';

/**
 * Turns any failure into one clear line on stderr, ending in the error's code
 * (`userstream: <what failed> [US_ERR_…]`), and an exit code: 2 for a bad
 * flag or value, 1 for everything else. `--verbose` adds the stack and the
 * chain of causes.
 */
export function reportFatal(error: unknown, verbose: boolean): number {
  process.stderr.write(`userstream: ${withCode(error, describeError(error))}\n`);
  if (verbose) {
    process.stderr.write(`${errorDetail(error)}\n`);
  } else if (!isUserstreamError(error)) {
    process.stderr.write('userstream: (unexpected error; run again with --verbose for details)\n');
  }
  return exitCode(error);
}
