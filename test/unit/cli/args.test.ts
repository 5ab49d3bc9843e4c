import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countArg, offsetArg } from '../../../src/cli/args.ts';
import { UserstreamError } from '../../../src/errors.ts';

const usage = (flag: string, value: string) => (e: unknown) => e instanceof UserstreamError && e.code === 'US_ERR_USAGE' && e.message.startsWith(`invalid ${flag} ${JSON.stringify(value)}`);

test('offsetArg: 0 or more as a bigint; not given is undefined; anything else names the flag', () => {
  assert.equal(offsetArg('--from', '0'), 0n);
  assert.equal(offsetArg('--from', '90071992547409930'), 90071992547409930n);
  assert.equal(offsetArg('--from', undefined), undefined);
  for (const bad of ['-1', '1.5', 'x', '']) assert.throws(() => offsetArg('--from', bad), usage('--from', bad));
});

test('countArg: a whole number from the minimum up; not given is undefined; anything else names the flag', () => {
  assert.equal(countArg('--limit', '3'), 3);
  assert.equal(countArg('--partition', '0', 0), 0);
  assert.equal(countArg('--limit', undefined), undefined);
  for (const bad of ['0', '-2', '2.5', 'ten', '', '99999999999999999999']) assert.throws(() => countArg('--limit', bad), usage('--limit', bad));
});
