/**
 * Dead letters read and replayed with `userstream dlq`, on both engines:
 * messages a stricter setting refused (a lower --max-message-bytes) land
 * once the setting is relaxed and they are replayed; replaying them again
 * writes the same rows; a replayed message refused again is dead-lettered
 * once more, with its replay header, and nothing loops.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countRows } from '../../src/cassandra/schema.ts';
import type { Config } from '../../src/config/options.ts';
import { createEngine, ENGINES, type StreamEngine } from '../../src/engines/index.ts';
import { endOffsets, ensureTopics } from '../../src/kafka/admin.ts';
import { createRecordProducer } from '../../src/kafka/producer.ts';
import { toRecord } from '../../src/record/from-random-user.ts';
import { generateUsers } from '../../src/source/builtin/index.ts';
import { runCli } from '../support/cli.ts';
import { cassandraFor, quietLog, readTopic, testConfig, waitFor } from '../support/stack.ts';

const sum = (m: Map<number, bigint>) => Number([...m.values()].reduce((a, b) => a + b, 0n));

interface Listed {
  total: number;
  reasons: { reason: string; count: number; replayed: number; first: string; example: { reason: string; source: { topic: string } } }[];
}

for (const name of ENGINES) {
  test(`${name}: dead letters of a stricter setting land once it is relaxed and they are replayed, once; one refused again is dead-lettered once`, { timeout: 10 * 60_000 }, async (t) => {
    const config = testConfig(t, { maxMessageBytes: 1000 });
    await ensureTopics(config, [{ name: config.topic, partitions: config.partitions }, { name: config.dlqTopic, partitions: 1 }]);
    const at = new Date('2026-12-01T12:00:00.000Z');
    const users = generateUsers({ results: 50, seed: `dlq-${name}` }).results.map((u) => toRecord(u, at));
    // 30 records over 1,000 bytes (a long address), 20 under, and one message that is not JSON.
    const long = users.slice(0, 30).map((r) => ({ ...r, address: `${r.address}, ${'long street name '.repeat(70)}` }));
    const short = users.slice(30);
    const producer = createRecordProducer(config, 'it-dlq');
    await producer.send({
      messages: [
        ...[...long, ...short].map((r) => ({ topic: config.topic, key: r.id, value: Buffer.from(JSON.stringify(r)) })),
        { topic: config.topic, key: 'not-json', value: Buffer.from('this is not a user') },
      ],
    });
    await producer.close();
    const client = await cassandraFor(t, config);
    const cli = (args: string[]) => runCli([...args, '--topic', config.topic, '--dlq-topic', config.dlqTopic]);
    const dlqSize = async () => sum(await endOffsets(config, config.dlqTopic));

    const run = async (c: Config, work: (engine: StreamEngine) => Promise<void>) => {
      const engine = createEngine(name, { config: c, log: quietLog });
      t.after(() => engine.stop());
      await engine.start();
      const caughtUp = () => waitFor('the engine to catch up', async () => ((await engine.caughtUp()) ? true : undefined), 180_000);
      await caughtUp();
      await work(engine);
      await caughtUp();
      await engine.stop();
    };

    // Strict: the long records and the text are dead-lettered.
    await run(config, async () => {});
    assert.equal(await countRows(client, config), short.length);
    const listed = await cli(['dlq', 'list', '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    const list = JSON.parse(listed.stdout) as Listed;
    assert.equal(list.total, 31);
    assert.deepEqual(
      list.reasons.map((r) => [r.reason, r.count]),
      [
        ['value is N bytes, over the 1000-byte limit', 30],
        ['value is not JSON', 1],
      ],
    );
    assert.match(list.reasons[0]!.example.reason, /^value is \d+ bytes, over the 1000-byte limit$/);
    assert.equal(list.reasons[0]!.example.source.topic, config.topic);
    const table = await cli(['dlq', 'list']);
    assert.match(table.stdout, /^30\s+value is N bytes, over the 1000-byte limit\s+\d+\s+\d+\s+\{"id"/m);
    const show = await cli(['dlq', 'show', list.reasons[1]!.first]);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /^reason {3}value is not JSON$/m);
    assert.match(show.stdout, new RegExp(`^from {5}${config.topic} partition \\d+ offset \\d+`, 'm'));
    assert.match(show.stdout, /^this is not a user$/m);
    assert.equal((await cli(['dlq', 'show', '999'])).code, 2);

    // Relaxed, and the refused records replayed: they land, with their values; twice writes the same rows.
    const relaxed: Config = { ...config, maxMessageBytes: 65_536 };
    await run(relaxed, async (engine) => {
      const replay = await cli(['dlq', 'replay', '--reason', 'over the 1000-byte limit']);
      assert.equal(replay.code, 0, replay.stderr);
      assert.match(replay.stdout, new RegExp(`^replayed 30 dead letters \\(offsets \\d+\\.\\.\\d+\\) to ${config.topic}\\n$`));
      await waitFor('the replayed rows', async () => ((await countRows(client, config)) === 50 ? true : undefined), 120_000);
      const again = await cli(['dlq', 'replay', '--reason', 'over the 1000-byte limit']);
      assert.equal(again.code, 0, again.stderr);
      await waitFor('the second replay processed', async () => ((await engine.caughtUp()) ? true : undefined), 120_000);
      assert.equal(await countRows(client, config), 50);
      for (const r of [long[0]!, long[29]!]) {
        const row = (await client.execute(`SELECT address FROM ${config.keyspace}.${config.table} WHERE id = ?`, [r.id], { prepare: true })).first();
        assert.equal(row?.get('address'), r.address);
      }
      assert.equal(await dlqSize(), 31, 'the replayed records were not dead-lettered again');

      // The text refused again: one new dead letter, with the replay header; a plain replay leaves it out.
      const text = await cli(['dlq', 'replay', '--reason', 'not json']);
      assert.match(text.stdout, /^replayed 1 dead letters/);
      await waitFor('the refused replay in the DLQ', async () => ((await dlqSize()) === 32 ? true : undefined), 120_000);
      // Once the engine has committed past the refused replay it never reads it again: the count is final.
      await waitFor('the refused replay committed', async () => ((await engine.caughtUp()) ? true : undefined), 120_000);
    });
    assert.equal(await dlqSize(), 32, 'a replay refused again is dead-lettered once, and nothing loops');
    const [entry] = (await readTopic(config, config.dlqTopic, 32)).slice(-1);
    assert.equal(entry?.headers.get('userstream.reason'), 'value is not JSON');
    assert.equal(entry?.headers.get('userstream.replay.of'), `${config.dlqTopic}:0:${list.reasons[1]!.first}`);
    const after = JSON.parse((await cli(['dlq', 'list', '--json'])).stdout) as Listed;
    assert.deepEqual(after.reasons.find((r) => r.reason === 'value is not JSON'), { ...after.reasons.find((r) => r.reason === 'value is not JSON')!, count: 2, replayed: 1 });
    const dry = await cli(['dlq', 'replay', '--reason', 'not json', '--dry-run']);
    assert.match(dry.stdout, /^would replay 1 dead letters .*; left out 1 replays refused again \(--include-replayed\)\n/);
  });
}
