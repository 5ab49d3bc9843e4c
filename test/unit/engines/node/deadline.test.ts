import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withDeadline } from '../../../../src/engines/node/deadline.ts';
import { ErrorCodes, UserstreamError } from '../../../../src/errors.ts';

// A batch's write and its offset commit are each bounded: one that never
// settles would otherwise hold back every later batch for good.
test('a deadline passes on what settles in time, and turns what does not into a retryable timeout', async (t) => {
  assert.equal(await withDeadline(Promise.resolve(7), 1000, 'late'), 7);
  await assert.rejects(withDeadline(Promise.reject(new Error('refused')), 1000, 'late'), /refused/);
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const never = withDeadline(new Promise<number>(() => {}), 30_000, 'the commit was not acknowledged within 30 s');
  t.mock.timers.tick(29_999);
  let settled = false;
  void never.catch(() => (settled = true));
  await Promise.resolve();
  assert.equal(settled, false, 'not before its time');
  t.mock.timers.tick(1);
  await assert.rejects(never, (e: unknown) => e instanceof UserstreamError && e.code === ErrorCodes.TIMEOUT && e.canRetry === true && /within 30 s/.test(e.message));
});
