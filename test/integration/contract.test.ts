/**
 * The contract's cases (test/support/contract-cases.ts) through Kafka to
 * each engine on the real stack: every accepted message is a row with
 * exactly the expected columns, every rejected one is in the DLQ with
 * exactly the expected reason — the same reasons the node engine's unit
 * tests see from parseRecord, so both engines agree on every case.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countRows } from '../../src/cassandra/schema.ts';
import { createEngine, ENGINES } from '../../src/engines/index.ts';
import { ensureTopics } from '../../src/kafka/admin.ts';
import { createRecordProducer } from '../../src/kafka/producer.ts';
import { RECORD_FIELDS } from '../../src/record/record.ts';
import { contractCases, type Row } from '../support/contract-cases.ts';
import { cassandraFor, quietLog, readTopic, testConfig, waitFor } from '../support/stack.ts';

for (const name of ENGINES) {
  test(`${name}: every case of the contract table is accepted with its columns or rejected with its reason`, { timeout: 5 * 60_000 }, async (t) => {
    const config = testConfig(t);
    await ensureTopics(config, [{ name: config.topic, partitions: config.partitions }, { name: config.dlqTopic, partitions: 1 }]);
    const cases = contractCases();
    const producer = createRecordProducer(config, 'it-contract');
    await producer.send({ messages: cases.map((c, i) => ({ topic: config.topic, key: `case-${i}`, value: c.value })) });
    await producer.close();

    const engine = createEngine(name, { config, log: quietLog });
    t.after(() => engine.stop());
    await engine.start();
    await waitFor('the engine to catch up', async () => ((await engine.caughtUp()) ? true : undefined), 180_000);

    const rejected = cases.filter((c) => 'reason' in c.expect);
    const dlq = await readTopic(config, config.dlqTopic, rejected.length);
    const reasons = new Map<number, string>();
    for (const entry of dlq) reasons.set(Number(/^case-(\d+)$/.exec(entry.key ?? '')?.[1]), entry.headers.get('userstream.reason') ?? '');

    const client = await cassandraFor(t, config);
    const problems: string[] = [];
    for (const [i, c] of cases.entries()) {
      if ('reason' in c.expect) {
        if (reasons.get(i) !== c.expect.reason) problems.push(`${c.name}: reason ${JSON.stringify(reasons.get(i) ?? 'none: not dead-lettered')}, expected ${JSON.stringify(c.expect.reason)}`);
        continue;
      }
      if (reasons.has(i)) problems.push(`${c.name}: dead-lettered (${reasons.get(i)}), expected a row`);
      const rs = await client.execute(`SELECT * FROM ${config.keyspace}.${config.table} WHERE id = ?`, [c.expect.row.id], { prepare: true });
      const found = rs.first();
      if (!found) {
        problems.push(`${c.name}: no row ${c.expect.row.id}`);
        continue;
      }
      const row = Object.fromEntries(
        RECORD_FIELDS.map((f) => {
          const v = found.get(f) as unknown;
          return [f, v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v)];
        }),
      ) as Row;
      for (const f of RECORD_FIELDS) if (row[f] !== c.expect.row[f]) problems.push(`${c.name}: ${f} ${JSON.stringify(row[f])}, expected ${JSON.stringify(c.expect.row[f])}`);
    }
    assert.deepEqual(problems, []);
    assert.equal(dlq.length, rejected.length, 'one dead letter per rejected case');
    assert.equal(await countRows(client, config), cases.length - rejected.length, 'a row per accepted case, nothing else');
  });
}
