import assert from 'node:assert/strict';
import { test } from 'node:test';
import { messageJson, peekRanges, pickMessages } from '../../../src/kafka/peek.ts';
import type { TopicMessage } from '../../../src/kafka/reader.ts';

const offsets = (o: Record<number, number>) => new Map(Object.entries(o).map(([p, v]) => [Number(p), BigInt(v)]));
const ranges = (r: ReturnType<typeof peekRanges>) => Object.fromEntries([...r].map(([p, { from, to }]) => [p, [Number(from), Number(to)]]));

test('peekRanges: the last --limit of each partition, never before its first offset', () => {
  const starts = offsets({ 0: 0, 1: 5, 2: 0 });
  const ends = offsets({ 0: 100, 1: 6, 2: 0 });
  assert.deepEqual(ranges(peekRanges(starts, ends, { limit: 3 })), { 0: [97, 100], 1: [5, 6], 2: [0, 0] });
  assert.deepEqual(ranges(peekRanges(starts, ends, { limit: 3, partition: 1 })), { 1: [5, 6] });
});

test('peekRanges: from --offset on in one partition, cut at its end, moved up to its first offset, empty past its end', () => {
  const starts = offsets({ 0: 10, 1: 0 });
  const ends = offsets({ 0: 100, 1: 50 });
  assert.deepEqual(ranges(peekRanges(starts, ends, { limit: 5, partition: 0, offset: 40n })), { 0: [40, 45] });
  assert.deepEqual(ranges(peekRanges(starts, ends, { limit: 5, partition: 0, offset: 98n })), { 0: [98, 100] });
  assert.deepEqual(ranges(peekRanges(starts, ends, { limit: 5, partition: 0, offset: 2n })), { 0: [10, 15] });
  assert.deepEqual(ranges(peekRanges(starts, ends, { limit: 5, partition: 1, offset: 70n })), { 1: [70, 70] });
});

const message = (partition: number, offset: number, timestamp: number, value: Buffer | null = null, key: Buffer | null = null): TopicMessage => ({
  partition,
  offset: BigInt(offset),
  timestamp: BigInt(timestamp),
  key,
  value,
  headers: new Map(),
});

test('pickMessages: in the order they were written; the newest --limit, or the first from an offset', () => {
  const all = [message(0, 7, 300), message(1, 2, 100), message(2, 9, 300), message(0, 6, 200)];
  const where = (ms: TopicMessage[]) => ms.map((m) => `${m.partition}:${m.offset}`);
  assert.deepEqual(where(pickMessages(all, { limit: 2 })), ['0:7', '2:9']);
  assert.deepEqual(where(pickMessages(all, { limit: 10 })), ['1:2', '0:6', '0:7', '2:9']);
  assert.deepEqual(where(pickMessages(all, { limit: 1, partition: 0, offset: 6n })), ['1:2']);
});

test('messageJson: where, when, key, headers, size, and the value as JSON', () => {
  const value = Buffer.from('{"id":"b8f5b8ce-4e0b-4c8e-9a55-0d7a9c1f6f3e","post_code":12345678901234567890,"name":"Zoë"}');
  const m = { ...message(1, 42, Date.UTC(2026, 11, 6, 10), value, Buffer.from('b8f5b8ce-4e0b-4c8e-9a55-0d7a9c1f6f3e')), headers: new Map([['userstream.reason', 'x']]) };
  const json = messageJson('users_created', m);
  assert.deepEqual(Object.keys(json), ['topic', 'partition', 'offset', 'timestamp', 'key', 'headers', 'bytes', 'value']);
  assert.equal(json.offset, '42');
  assert.equal(json.timestamp, '2026-12-06T10:00:00.000Z');
  assert.equal(json.key, 'b8f5b8ce-4e0b-4c8e-9a55-0d7a9c1f6f3e');
  assert.deepEqual(json.headers, { 'userstream.reason': 'x' });
  assert.equal(json.bytes, value.length);
  // A number JavaScript cannot hold is printed as the message wrote it.
  assert.match(JSON.stringify(json), /"post_code":12345678901234567890,"name":"Zoë"/);
});

test('messageJson: the wire format shows its schema id; text stays text, bytes are base64, nothing is null', () => {
  const framed = Buffer.concat([Buffer.from([0, 0, 0, 0, 7]), Buffer.from('{"a":1}')]);
  const json = messageJson('t', message(0, 0, 0, framed));
  assert.equal(json.schemaId, 7);
  assert.deepEqual(json.value, { a: 1 });
  assert.equal(messageJson('t', message(0, 0, 0, Buffer.from('this is not a user'))).value, 'this is not a user');
  const binary = messageJson('t', message(0, 0, 0, Buffer.from([0, 1, 2, 255, 9]), Buffer.from([255])));
  assert.equal(binary.schemaId, undefined);
  assert.deepEqual(binary.value, { base64: 'AAEC/wk=' });
  assert.deepEqual(binary.key, { base64: '/w==' });
  assert.equal(messageJson('t', message(0, 0, 0, null)).value, null);
});
