import assert from 'node:assert/strict';
import { test } from 'node:test';
import type cassandra from 'cassandra-driver';
import { CassandraWriter, RECORD_ROWS, Slots } from '../../../src/cassandra/writer.ts';
import { toRecord } from '../../../src/record/from-random-user.ts';
import { generateUsers } from '../../../src/source/builtin/index.ts';

test('slots: never more taken than there are, and waiters served in the order they asked', async () => {
  const slots = new Slots(2);
  const order: string[] = [];
  await slots.acquire();
  await slots.acquire();
  const a = slots.acquire().then(() => order.push('a'));
  const b = slots.acquire().then(() => order.push('b'));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, [], 'both wait while the two slots are taken');
  slots.release();
  await a;
  assert.deepEqual(order, ['a']);
  slots.release();
  await b;
  assert.deepEqual(order, ['a', 'b']);
  // Both slots are held by a and b now: a third waits until one is released.
  let third = false;
  const c = slots.acquire().then(() => (third = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(third, false);
  slots.release();
  await c;
  assert.equal(third, true);
});

/**
 * The writer's scheduling against a driver stand-in that records each
 * request: the rows it carried and when it was answered. Only the writer's
 * own logic is under test here; it writes to a real Cassandra in the
 * integration and end-to-end tests.
 */
function fakeClient(options: { failOn?: (call: number) => boolean } = {}) {
  const sent: { call: number; ids: string[] }[] = [];
  const pending: (() => void)[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const answer = (call: number, resolve: () => void, reject: (e: Error) => void) => () => {
    inFlight--;
    if (options.failOn?.(call)) reject(new Error(`request ${call} failed`));
    else resolve();
  };
  const send = (rows: { params: unknown[] }[]) =>
    new Promise<void>((resolve, reject) => {
      const call = sent.length;
      sent.push({ call, ids: rows.map((r) => String(r.params[0])) });
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      pending.push(answer(call, resolve, reject));
    });
  const client = {
    hosts: { length: 1 },
    getReplicas: () => [],
    batch: (queries: { params: unknown[] }[]) => send(queries),
    execute: (_q: string, params: unknown[]) => send([{ params }]),
  } as unknown as cassandra.Client;
  /** Answers the oldest request not answered yet. */
  const answerOne = async () => {
    await new Promise((r) => setImmediate(r));
    pending.shift()?.();
    await new Promise((r) => setImmediate(r));
  };
  return { client, sent, answerOne, pending, get maxInFlight() { return maxInFlight; } };
}

const records = (n: number) => generateUsers({ results: n, seed: `writer-${n}` }).results.map((u) => toRecord(u, new Date()));
const options = { cassandraHosts: ['localhost:9042'], cassandraDc: 'dc1', keyspace: 'ks', table: 't', rowsPerRequest: 2, retries: 0 };

test('writer: overlapping batches share the in-flight limit, the second taking the slots the first one frees', async () => {
  const fake = fakeClient();
  const writer = new CassandraWriter(fake.client, { ...options, concurrency: 3 });
  const first = records(10);
  const second = records(6);
  let firstDone = false;
  let secondDone = false;
  const p1 = writer.writeBatch(first, RECORD_ROWS).then(() => (firstDone = true));
  const p2 = writer.writeBatch(second, RECORD_ROWS).then(() => (secondDone = true));
  while (!(firstDone && secondDone)) await fake.answerOne();
  await Promise.all([p1, p2]);
  assert.equal(fake.maxInFlight, 3, 'never more than the limit, and the limit is used');
  assert.equal(fake.sent.length, 5 + 3, 'two rows per request');
  const firstIds = new Set(first.map((r) => r.id));
  const owner = fake.sent.map((s) => (s.ids.every((id) => firstIds.has(id)) ? 1 : 2));
  assert.deepEqual(owner, [1, 1, 1, 1, 1, 2, 2, 2], "the second batch's requests go out after every one of the first's");
  assert.deepEqual(new Set(fake.sent.flatMap((s) => s.ids)), new Set([...first, ...second].map((r) => r.id)), 'every row sent');
});

test('writer: after a failed request a batch sends nothing more, and rejects once its requests in flight are answered', async () => {
  const fake = fakeClient({ failOn: (call) => call === 0 });
  const writer = new CassandraWriter(fake.client, { ...options, concurrency: 2 });
  let outcome: string | undefined;
  const p = writer.writeBatch(records(12), RECORD_ROWS).then(
    () => (outcome = 'resolved'),
    (e: Error) => (outcome = e.message),
  );
  await fake.answerOne(); // request 0 fails; request 1 is still in flight
  assert.equal(outcome, undefined, 'not settled while request 1 is in flight');
  await fake.answerOne();
  await p;
  assert.match(outcome!, /request 0 failed/);
  assert.ok(fake.sent.length <= 3, `sent ${fake.sent.length} of 6 requests: stops after the failure`);
  assert.equal(fake.pending.length, 0, 'nothing left in flight');
});
