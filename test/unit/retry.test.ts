import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCodes, UserstreamError } from '../../src/errors.ts';
import { BACKOFF, DEFAULT_BACKOFF, WaitFailed, backoffMs, every, isRetryable, until } from '../../src/retry.ts';

const attempts = [...Array(40).keys()];
const low = () => 0;
const high = () => 1;

test('backoffMs: each caller keeps the pauses it had when it wrote its own formula', () => {
  for (const a of attempts) {
    // ingest.ts sendPatiently (attempt counted from 1 there): min(5000, 250 * 2 ** min(attempt - 1, 5)).
    assert.equal(backoffMs(a), Math.min(5000, 250 * 2 ** Math.min(a, 5)), `default, attempt ${a}`);
    // node engine #flush: min(10_000, 250 * 2 ** attempt).
    assert.equal(backoffMs(a, BACKOFF.engineBatch), Math.min(10_000, 250 * 2 ** a), `engine batch, attempt ${a}`);
    // cassandra/writer.ts sendRows: min(5000, 100 * 2 ** attempt).
    assert.equal(backoffMs(a, BACKOFF.cassandraWrite), Math.min(5000, 100 * 2 ** a), `cassandra write, attempt ${a}`);
    // The source's HTTP client and the Spark Connect client: min(max, first * 2 ** attempt) * (0.5 + random / 2).
    for (const [policy, first, max] of [[BACKOFF.source, 250, 30_000], [BACKOFF.sparkConnect, 100, 5000]] as const) {
      const full = Math.min(max, first * 2 ** a);
      assert.equal(backoffMs(a, policy, low), full / 2);
      assert.equal(backoffMs(a, policy, high), full);
      assert.equal(backoffMs(a, policy, () => 0.5), full * 0.75);
    }
  }
  assert.deepEqual(attempts.slice(0, 5).map((a) => backoffMs(a, BACKOFF.poll)), [200, 400, 800, 1000, 1000], "until's pause between checks");
  assert.deepEqual(DEFAULT_BACKOFF, { firstMs: 250, maxMs: 5000 });
});

test('backoffMs: a fixed pause, another factor, and no NaN or Infinity however many attempts', () => {
  assert.deepEqual([0, 1, 7, 1000].map((a) => backoffMs(a, every(500))), [500, 500, 500, 500]);
  assert.deepEqual([0, 1, 2, 3].map((a) => backoffMs(a, { firstMs: 100, maxMs: 1000, factor: 3 })), [100, 300, 900, 1000]);
  assert.equal(backoffMs(5000, { firstMs: 0, maxMs: 0 }), 0, 'a client told not to pause (retries: 0 policies) never gets NaN');
  assert.equal(backoffMs(5000, BACKOFF.engineBatch), 10_000);
  assert.equal(backoffMs(5000, BACKOFF.source, high), 30_000);
  for (let i = 0; i < 100; i++) {
    const pause = backoffMs(3, BACKOFF.source);
    assert.ok(pause >= 1000 && pause <= 2000, `jitter keeps 50-100 %: ${pause}`);
  }
});

test('isRetryable: a UserstreamError that says it can be retried, nothing else', () => {
  assert.equal(isRetryable(new UserstreamError(ErrorCodes.KAFKA, 'broker gone', { canRetry: true })), true);
  assert.equal(isRetryable(new UserstreamError(ErrorCodes.KAFKA, 'SASL refused', { canRetry: false })), false);
  assert.equal(isRetryable(new UserstreamError(ErrorCodes.CONFIG, 'bad flag')), false, 'canRetry is false unless set');
  // The Kafka client's own errors carry a canRetry of their own; the code here wraps them first (kafkaError).
  assert.equal(isRetryable(Object.assign(new Error('network'), { canRetry: true })), false);
  assert.equal(isRetryable(new Error('ECONNRESET')), false);
  for (const value of [undefined, null, 'timeout', { canRetry: true }]) assert.equal(isRetryable(value), false);
});

test('until: a condition that holds at once costs one check; past the deadline the failure says what it waited for and what it saw', async () => {
  let checks = 0;
  assert.equal(await until('x', async () => (checks++, { done: true, value: 7 }), { deadline: Date.now() }), 7);
  assert.equal(checks, 1);

  const seen: string[] = [];
  checks = 0;
  const failed = await until('the moon', async () => ({ done: false, saw: `check ${++checks}` }), { deadline: Date.now() + 30, pause: { firstMs: 1, maxMs: 2 }, onWait: (s) => seen.push(s) }).catch((e: unknown) => e);
  assert.ok(failed instanceof WaitFailed);
  assert.match(failed.message, new RegExp(`^waited 0 s for the moon; saw check ${checks}$`));
  assert.ok(checks >= 2 && seen.length === checks - 1, 'checked until the deadline, a progress line between checks');
});

test('until: `fail` makes the error a caller has always thrown; a check that throws ends the wait', async () => {
  const mine = new UserstreamError(ErrorCodes.STACK_START, 'kafka: 1 of 3 brokers after 180 s');
  const failed = await until('the quorum', async () => ({ done: false, saw: '1 of 3' }), { deadline: Date.now() + 5, pause: every(1), fail: (w) => (assert.equal(w.saw, '1 of 3'), mine) }).catch((e: unknown) => e);
  assert.equal(failed, mine);

  let checks = 0;
  const died = new Error('exited during start-up');
  await assert.rejects(until('a probe', async () => (++checks === 2 ? Promise.reject(died) : { done: false, saw: 'no answer' }), { deadline: Date.now() + 60_000, pause: every(1) }), died);
  assert.equal(checks, 2);
});

test('until: the pause grows as `pause` says, and the last one is cut to the deadline', async () => {
  const at: number[] = [];
  const started = Date.now();
  await until('three checks', async () => (at.push(Date.now()), at.length === 3 ? { done: true, value: undefined } : { done: false, saw: 'not yet' }), { deadline: started + 60_000, pause: { firstMs: 20, maxMs: 40 } });
  assert.ok(at[1]! - at[0]! >= 15 && at[2]! - at[1]! >= 35, `paused about 20 then 40 ms: ${at.map((t) => t - started)}`);

  const begun = Date.now();
  await until('nothing', async () => ({ done: false, saw: 'no' }), { deadline: begun + 50, pause: every(10_000) }).catch(() => {});
  assert.ok(Date.now() - begun < 2000, 'a 10 s pause does not outlast a 50 ms deadline');
});
