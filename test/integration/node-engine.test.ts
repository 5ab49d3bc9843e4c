import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countRows } from '../../src/cassandra/schema.ts';
import { NodeEngine } from '../../src/engines/node/engine.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { ensureTopics, groupLag } from '../../src/kafka/admin.ts';
import { createRecordProducer } from '../../src/kafka/producer.ts';
import type { UserRecord } from '../../src/record/record.ts';
import { BuiltinUserSource } from '../../src/source/open.ts';
import { cassandraFor, quietLog, readTopic, testConfig, waitFor } from '../support/stack.ts';

const N = 2500;

test('N records in → exactly N rows with the right values; the same records again → still N rows', async (t) => {
  const config = testConfig(t, { seed: 'it-exactly-n', batchSize: 1000, count: N, duration: 120 });
  const engine = new NodeEngine({ config, log: quietLog });
  t.after(() => engine.stop());
  await engine.start();

  const produced: UserRecord[] = [];
  const first = await ingest({ config, source: new BuiltinUserSource(), onProduced: (r) => produced.push(...r) });
  assert.equal(first.produced, N);
  assert.equal(new Set(produced.map((r) => r.id)).size, N, 'the built-in source gave N distinct users');

  const client = await cassandraFor(t, config);
  await waitFor('N rows', async () => ((await countRows(client, config)) === N ? true : undefined));
  await waitFor('lag 0', async () => ((await groupLag(config, config.groupId, config.topic)) === 0n ? true : undefined));

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
  await waitFor('replay processed', async () => ((await groupLag(config, config.groupId, config.topic)) === 0n ? true : undefined));
  assert.equal(await countRows(client, config), N);
  assert.equal(engine.stats.written, 2 * N);
  assert.equal(engine.stats.deadLettered, 0);
});

test('malformed JSON, non-JSON bytes and schema violations go to the DLQ; good records still arrive', async (t) => {
  const config = testConfig(t, { seed: 'it-dlq', count: 300, duration: 60 });
  await ensureTopics(config, [{ name: config.topic, partitions: config.partitions }]);
  const producer = createRecordProducer(config, 'it-bad-producer');
  t.after(() => producer.close());

  const bad: { value: Buffer; reason: RegExp }[] = [
    { value: Buffer.from('{"id": "truncated'), reason: /not JSON/ },
    { value: Buffer.from([0xc3, 0x28, 0xa0, 0xa1]), reason: /UTF-8/ },
    { value: Buffer.from('plain text, not json'), reason: /not JSON/ },
    { value: Buffer.from(JSON.stringify({ id: 'not-a-uuid', first_name: 'x' })), reason: /schema violation at id/ },
    { value: Buffer.from(JSON.stringify([1, 2, 3])), reason: /schema violation/ },
  ];
  await producer.send({ messages: bad.map((b, i) => ({ topic: config.topic, key: `bad-${i}`, value: b.value })) });

  const engine = new NodeEngine({ config, log: quietLog });
  t.after(() => engine.stop());
  await engine.start();
  const result = await ingest({ config, source: new BuiltinUserSource(), producer });
  assert.equal(result.produced, 300);
  // More bad messages after the good ones: the stream must not have stopped.
  await producer.send({ messages: [{ topic: config.topic, key: 'bad-late', value: Buffer.from('}{') }] });

  const client = await cassandraFor(t, config);
  await waitFor('300 rows', async () => ((await countRows(client, config)) === 300 ? true : undefined));
  await waitFor('lag 0', async () => ((await groupLag(config, config.groupId, config.topic)) === 0n ? true : undefined));
  assert.equal(engine.stats.deadLettered, bad.length + 1);

  const dlq = await readTopic(config, config.dlqTopic, bad.length + 1);
  assert.equal(dlq.length, bad.length + 1);
  for (const b of bad) {
    const entry = dlq.find((d) => d.value.equals(b.value));
    assert.ok(entry, `DLQ holds the original bytes of ${b.value.toString('hex')}`);
    assert.match(entry.headers.get('userstream.reason') ?? '', b.reason);
    assert.equal(entry.headers.get('userstream.source.topic'), config.topic);
    assert.match(entry.headers.get('userstream.source.offset') ?? '', /^\d+$/);
  }
});
