import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { countRows } from '../../src/cassandra/schema.ts';
import { createEngine, ENGINES, type StreamEngine } from '../../src/engines/index.ts';
import type { Config } from '../../src/config/options.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { ensureTopics } from '../../src/kafka/admin.ts';
import { createRecordProducer } from '../../src/kafka/producer.ts';
import { parseRecord, type UserRecord } from '../../src/record/record.ts';
import { toRecord } from '../../src/record/from-random-user.ts';
import { generateUsers } from '../../src/source/builtin/index.ts';
import { BuiltinUserSource } from '../../src/source/open.ts';
import { cassandraFor, quietLog, readTopic, testConfig, waitFor } from '../support/stack.ts';

const N = 2500;

/** The same cases run against both engines, on the real Kafka, Cassandra and Spark. */
function engineFor(t: TestContext, name: (typeof ENGINES)[number], config: Config, batchSize?: number): StreamEngine {
  const engine = createEngine(name, { config, log: quietLog, ...(batchSize === undefined ? {} : { batchSize }) });
  t.after(() => engine.stop());
  return engine;
}

const caughtUp = (engine: StreamEngine) => waitFor('the engine to catch up', async () => ((await engine.caughtUp()) ? true : undefined), 120_000);

for (const name of ENGINES) {
test(`${name}: N records in → exactly N rows with the right values; the same records again → still N rows`, async (t) => {
  const config = testConfig(t, { seed: `it-exactly-n-${name}`, batchSize: 1000, count: N, duration: 120 });
  const engine = engineFor(t, name, config);
  await engine.start();

  const produced: UserRecord[] = [];
  const first = await ingest({ config, source: new BuiltinUserSource(), onProduced: (r) => produced.push(...r) });
  assert.equal(first.produced, N);
  assert.equal(new Set(produced.map((r) => r.id)).size, N, 'the built-in source gave N distinct users');

  const client = await cassandraFor(t, config);
  await caughtUp(engine);
  assert.equal(await countRows(client, config), N);

  // Every column of a sample of rows holds exactly what was produced.
  for (const expected of [produced[0]!, produced[N >> 1]!, produced[N - 1]!]) {
    const rs = await client.execute(`SELECT * FROM ${config.keyspace}.${config.table} WHERE id = ?`, [expected.id], { prepare: true });
    const row = rs.first();
    assert.ok(row, `row ${expected.id}`);
    for (const [field, value] of Object.entries(expected)) {
      const actual = row.get(field);
      if (field === 'ingested_at') assert.equal((actual as Date).toISOString(), value);
      else assert.equal(String(actual), value, field);
    }
  }

  // Replay: the same seed and pages give the same users, which upsert.
  const again = await ingest({ config, source: new BuiltinUserSource() });
  assert.equal(again.produced, N);
  await caughtUp(engine);
  assert.equal(await countRows(client, config), N);
  assert.equal(engine.stats.written, 2 * N);
  assert.equal(engine.stats.deadLettered, 0);
});

test(`${name}: malformed JSON, non-JSON bytes and schema violations go to the DLQ; good records still arrive`, async (t) => {
  const config = testConfig(t, { seed: `it-dlq-${name}`, count: 300, duration: 60 });
  await ensureTopics(config, [{ name: config.topic, partitions: config.partitions }]);
  const producer = createRecordProducer(config, 'it-bad-producer');
  t.after(() => producer.close());

  const bad: { value: Buffer; reason: RegExp }[] = [
    { value: Buffer.from('{"id": "truncated'), reason: /not JSON/ },
    { value: Buffer.from([0xc3, 0x28, 0xa0, 0xa1]), reason: /UTF-8/ },
    { value: Buffer.from('plain text, not json'), reason: /not JSON/ },
    { value: Buffer.from(JSON.stringify({ id: 'not-a-uuid', first_name: 'x' })), reason: /schema violation at id/ },
    { value: Buffer.from(JSON.stringify([1, 2, 3])), reason: /schema violation/ },
    { value: Buffer.alloc(0), reason: /empty message/ },
    // A valid record but for one number where the contract wants a string or an integer.
    { value: Buffer.from(JSON.stringify({ ...validRecord(), post_code: 12.34 })), reason: /schema violation at post_code/ },
    { value: Buffer.from(JSON.stringify({ ...validRecord(), ingested_at: 'yesterday' })), reason: /schema violation at ingested_at/ },
    { value: Buffer.from(JSON.stringify({ ...validRecord(), first_name: 'x'.repeat(70_000) })), reason: /^value is 7\d{4} bytes, over the 65536-byte limit$/ },
    // JSON that is not an object, and text that is not JSON at all.
    { value: Buffer.from('   '), reason: /not JSON/ },
    { value: Buffer.from('null'), reason: /schema violation at value/ },
    { value: Buffer.from('123'), reason: /schema violation at value/ },
    { value: Buffer.from('"a string"'), reason: /schema violation at value/ },
    // Fields missing, null, or of another JSON type, compact and spaced out: the first in record order is named.
    { value: Buffer.from(JSON.stringify({ ...validRecord(), email: undefined })), reason: /schema violation at email/ },
    { value: Buffer.from(JSON.stringify({ ...validRecord(), gender: null })), reason: /schema violation at gender/ },
    { value: Buffer.from(JSON.stringify({ ...validRecord(), phone: true, dob: { date: 'x' } }, null, 2)), reason: /schema violation at dob/ },
    { value: Buffer.from(JSON.stringify({ ...validRecord(), id: 42 })), reason: /schema violation at id/ },
    { value: Buffer.from(JSON.stringify({ ...validRecord(), picture: ['a'] })), reason: /schema violation at picture/ },
    { value: Buffer.from(JSON.stringify({ ...validRecord(), post_code: 12.34 }).replace('"post_code":', '"post_code"\t: ')), reason: /schema violation at post_code/ },
    // JSON the lenient way (Spark's readers take single quotes and NaN), and `null` after a newline.
    { value: Buffer.from(JSON.stringify(validRecord()).replaceAll('"', "'")), reason: /not JSON/ },
    { value: Buffer.from(JSON.stringify(validRecord()).replace(/"post_code":"[^"]*"/, '"post_code":NaN')), reason: /not JSON/ },
    { value: Buffer.from('\n null\t'), reason: /schema violation at value/ },
    // A record, then more: Spark's JSON functions stop after the first value; JSON.parse does not.
    { value: Buffer.from(`${JSON.stringify(validRecord())} x`), reason: /not JSON/ },
    { value: Buffer.from(`${JSON.stringify(validRecord())} ${JSON.stringify(validRecord('second'))}`), reason: /not JSON/ },
    { value: Buffer.from(`${JSON.stringify(validRecord())}] [1`), reason: /not JSON/ },
    { value: Buffer.from(`${JSON.stringify(validRecord())}} {"a":1`), reason: /not JSON/ },
    // Written the producer's way but for one flaw: a control character as is, an escape JSON lacks, invalid UTF-8, an id and a time cut short.
    { value: Buffer.from(JSON.stringify({ ...validRecord(), last_name: 'a\u0001b' }).replace('\\u0001', '\u0001')), reason: /not JSON/ },
    { value: Buffer.from(JSON.stringify({ ...validRecord(), last_name: 'ab' }).replace('"last_name":"ab"', '"last_name":"a\\xb"')), reason: /not JSON/ },
    { value: withByteAt(JSON.stringify({ ...validRecord(), last_name: 'a#b' }), '"a#b"', 2, 0xff), reason: /UTF-8/ },
    { value: Buffer.from(JSON.stringify({ ...validRecord(), id: validRecord().id.slice(0, -1) })), reason: /schema violation at id/ },
    { value: Buffer.from(JSON.stringify({ ...validRecord(), ingested_at: '2026-11-30T07:00:00' })), reason: /schema violation at ingested_at/ },
    // Formats Spark's patterns once let through: a time without seconds, a month 13, 30 February,
    // an offset without its colon, and an id or a time followed by a newline (Java's `$` matches before it).
    ...['2026-11-30T07:00Z', '2026-13-01T07:00:00Z', '2026-02-30T07:00:00Z', '2026-11-30T07:00:00+0100', '2026-11-30T07:00:00.000Z\n'].map((at) => ({
      value: Buffer.from(JSON.stringify({ ...validRecord(), ingested_at: at })),
      reason: /schema violation at ingested_at/,
    })),
    { value: Buffer.from(JSON.stringify({ ...validRecord(), id: `${validRecord().id}\n` })), reason: /schema violation at id/ },
  ];
  // Valid records written another way: spaced out, after a newline, with an extra numeric key, a '\":5' inside a string.
  const odd = [
    JSON.stringify(validRecord('odd-1'), null, 2),
    `\n\t ${JSON.stringify(validRecord('odd-2'))}`,
    JSON.stringify({ ...validRecord('odd-3'), extra: 7 }),
    JSON.stringify({ ...validRecord('odd-4'), address: 'said "x":5, then {"id": 1}' }),
    // With escapes, a real U+FFFD (not invalid UTF-8), an upper-case id.
    JSON.stringify({ ...validRecord('odd-5'), address: 'line\none\ttab \\ back "quoted" é \u0007' }),
    JSON.stringify({ ...validRecord('odd-6'), address: 'replacement \uFFFD character' }),
    JSON.stringify({ ...validRecord('odd-7'), id: validRecord('odd-7').id.toUpperCase() }),
    // Braces inside a string and a nested object before the end, and whitespace after it.
    JSON.stringify({ ...validRecord('odd-8'), address: 'a} {b', extra: { k: ['}'] } }),
    `${JSON.stringify(validRecord('odd-9'))}\r\n\t `,
    // A leap day, an offset instead of Z, a time without a fraction.
    JSON.stringify({ ...validRecord('odd-10'), ingested_at: '2024-02-29T23:59:59.5+05:30' }),
    JSON.stringify({ ...validRecord('odd-11'), ingested_at: '2026-11-30T07:00:00-00:00' }),
  ].map((text) => Buffer.from(text));
  const messages = [...bad.map((b, i) => ({ key: `bad-${i}`, value: b.value })), ...odd.map((value, i) => ({ key: `odd-${i}`, value }))];
  await producer.send({ messages: messages.map((m) => ({ topic: config.topic, ...m })) });

  const engine = engineFor(t, name, config);
  await engine.start();
  const result = await ingest({ config, source: new BuiltinUserSource(), producer });
  assert.equal(result.produced, 300);
  // More bad messages after the good ones: the stream must not have stopped.
  await producer.send({ messages: [{ topic: config.topic, key: 'bad-late', value: Buffer.from('}{') }] });

  const client = await cassandraFor(t, config);
  await caughtUp(engine);
  assert.equal(await countRows(client, config), 300 + odd.length, 'the good records and the valid ones written another way');
  assert.equal(engine.stats.deadLettered, bad.length + 1);

  const dlq = await readTopic(config, config.dlqTopic, bad.length + 1);
  assert.equal(dlq.length, bad.length + 1);
  for (const b of bad) {
    const entry = dlq.find((d) => d.value.equals(b.value));
    assert.ok(entry, `DLQ holds the original bytes of ${b.value.toString('hex')}`);
    const reason = entry.headers.get('userstream.reason') ?? '';
    assert.match(reason, b.reason);
    // Both engines name the same kind of problem and the same field (the node engine's parseRecord adds details).
    const verdict = parseRecord(b.value);
    assert.ok(!verdict.ok);
    assert.equal(reason.split(':')[0], verdict.reason.split(':')[0], `reason for ${JSON.stringify(b.value.toString().slice(0, 60))}`);
    assert.equal(entry.headers.get('userstream.source.topic'), config.topic);
    assert.match(entry.headers.get('userstream.source.offset') ?? '', /^\d+$/);
  }
});

test(`${name}: an engine stopped mid-stream and started again → still exactly N rows`, async (t) => {
  const total = 20_000;
  const config = testConfig(t, { seed: `it-restart-${name}`, count: total, batchSize: 5000, duration: 120 });
  await ensureTopics(config, [{ name: config.topic, partitions: config.partitions }]);
  assert.equal((await ingest({ config, source: new BuiltinUserSource() })).produced, total);
  const client = await cassandraFor(t, config);

  const first = engineFor(t, name, config, 1000);
  await first.start();
  await waitFor('the first rows', async () => ((await countRows(client, config)) > 0 ? true : undefined), 120_000);
  await first.stop();
  const atStop = await countRows(client, config);
  t.diagnostic(`stopped with ${atStop} of ${total} rows written`);

  const second = engineFor(t, name, config, 1000);
  await second.start();
  await caughtUp(second);
  assert.equal(await countRows(client, config), total);
  assert.equal(first.stats.deadLettered + second.stats.deadLettered, 0);
});
}

/** The text as bytes, with the byte `offset` bytes into the first `marker` replaced: invalid UTF-8 where the text is otherwise fine. */
function withByteAt(text: string, marker: string, offset: number, byte: number): Buffer {
  const bytes = Buffer.from(text);
  const at = bytes.indexOf(marker);
  assert.ok(at >= 0, `${marker} in the text`);
  bytes[at + offset] = byte;
  return bytes;
}

function validRecord(seed = 'valid-record'): UserRecord {
  const [user] = generateUsers({ results: 1, seed }).results;
  return toRecord(user!, new Date());
}
