import { ErrorCodes, UserstreamError } from '../errors.ts';

/** An offset argument (0 or more), or undefined when not given; anything else is a usage error naming the flag. */
export function offsetArg(flag: string, value: string | undefined): bigint | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UserstreamError(ErrorCodes.USAGE, `invalid ${flag} ${JSON.stringify(value)}: expected an offset (0 or more)`);
  return BigInt(value);
}

/** A whole-number argument from `min` up, or undefined when not given; anything else is a usage error naming the flag. */
export function countArg(flag: string, value: string | undefined, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min) throw new UserstreamError(ErrorCodes.USAGE, `invalid ${flag} ${JSON.stringify(value)}: expected a whole number, ${min} or more`);
  return n;
}
