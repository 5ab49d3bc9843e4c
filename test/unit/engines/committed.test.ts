import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Admin } from '@platformatic/kafka';
import { checkpointPosition, committedWhere, engineCommitted, engineLag, type PositionConfig } from '../../../src/engines/committed.ts';
import { pipelineNames } from '../../../src/engines/spark/names.ts';
import { partitionStates } from '../../../src/kafka/lag.ts';

const config = (sparkCheckpointDir: string): PositionConfig => ({
  kafkaBrokers: ['127.0.0.1:1'], topic: 'users', groupId: 'g', keyspace: 'ks', table: 't', dlqTopic: 'users.dlq', sparkCheckpointDir,
});

/** An admin client that answers from memory: the topic's end offsets and the group's committed offsets (-1: none). */
function fakeAdmin(ends: Record<number, bigint>, committed: Record<number, bigint> | undefined): Admin {
  const fake = {
    metadata: async () => ({ topics: new Map([['users', { partitionsCount: Object.keys(ends).length }]]) }),
    listTopics: async () => ['users'],
    listOffsets: async () => [{ name: 'users', partitions: Object.entries(ends).map(([p, offset]) => ({ partitionIndex: Number(p), offset })) }],
    listConsumerGroupOffsets: async () =>
      committed === undefined
        ? []
        : [{ groupId: 'g', topics: [{ name: 'users', partitions: Object.entries(committed).map(([p, o]) => ({ partitionIndex: Number(p), committedOffset: o })) }] }],
  };
  return fake as unknown as Admin;
}

test('the checkpoints\' position: the slower query\'s, nothing committed when the folder is there without a batch, unknown without a folder', () => {
  assert.equal(checkpointPosition(false, undefined), undefined);
  assert.deepEqual(checkpointPosition(true, undefined), new Map());
  const slower = new Map([[0, 5n]]);
  assert.equal(checkpointPosition(true, slower), slower);
  assert.equal(checkpointPosition(false, slower), slower);
});

test('spark: read from the pipeline\'s checkpoint folder on this disk', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'us-committed-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const c = config(dir);
  const names = pipelineNames(c);
  assert.equal(await engineCommitted('spark', c), undefined, 'no folder: not known here');

  // The queries started: their folders, a planned batch, none committed.
  const batch = (checkpoint: string, n: number, offsets: Record<string, number>, committed: boolean) => {
    mkdirSync(join(checkpoint, 'offsets'), { recursive: true });
    mkdirSync(join(checkpoint, 'commits'), { recursive: true });
    writeFileSync(join(checkpoint, 'offsets', String(n)), `v1\n{"batchWatermarkMs":0}\n${JSON.stringify({ users: offsets })}`);
    if (committed) writeFileSync(join(checkpoint, 'commits', String(n)), 'v1\n{}');
  };
  batch(names.rowsCheckpoint, 0, { 0: 10, 1: 20 }, false);
  batch(names.dlqCheckpoint, 0, { 0: 10, 1: 20 }, false);
  const none = await engineCommitted('spark', c);
  assert.deepEqual(none, new Map(), 'started, nothing committed');
  assert.deepEqual(partitionStates(new Map([[0, 10n], [1, 20n]]), none).map((p) => p.lag), [10, 20], 'so the lag is the whole topic');

  batch(names.rowsCheckpoint, 0, { 0: 10, 1: 20 }, true);
  batch(names.dlqCheckpoint, 0, { 0: 10, 1: 20 }, true);
  batch(names.rowsCheckpoint, 1, { 0: 30, 1: 25 }, true);
  assert.deepEqual(await engineCommitted('spark', c), new Map([[0, 10n], [1, 20n]]), 'the slower query: the DLQ one');
  assert.equal(committedWhere('spark', c), `Spark checkpoints ${join(dir, 'userstream_users_to_ks_t')}`);
});

test('node: the group\'s offsets; a group with no commit has committed nothing, a partition without one is at 0', async () => {
  const c = config('/nonexistent');
  assert.deepEqual(await engineCommitted('node', c, fakeAdmin({ 0: 100n }, undefined)), new Map(), 'no group: nothing committed, not unknown');
  assert.deepEqual(await engineCommitted('node', c, fakeAdmin({ 0: 100n, 1: 50n }, { 0: 90n, 1: -1n })), new Map([[0, 90n]]));
  assert.deepEqual(await engineLag('node', c, fakeAdmin({ 0: 100n, 1: 50n }, undefined)), {
    partitions: [
      { partition: 0, end: 100, done: 0, lag: 100 },
      { partition: 1, end: 50, done: 0, lag: 50 },
    ],
    total: 150,
  });
  // A commit past the end (the topic made again) is no lag, and hides none of another partition's.
  assert.equal((await engineLag('node', c, fakeAdmin({ 0: 100n, 1: 50n }, { 0: 120n, 1: -1n }))).total, 50);
  assert.equal(committedWhere('node', c), 'consumer group g');
});

test('spark without a checkpoint here: lag unknown, per partition and in all', async () => {
  const lag = await engineLag('spark', config('/nonexistent/userstream-test'), fakeAdmin({ 0: 7n }, undefined));
  assert.deepEqual(lag, { partitions: [{ partition: 0, end: 7, done: null, lag: null }], total: null });
});
