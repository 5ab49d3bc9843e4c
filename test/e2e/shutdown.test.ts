import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countRows } from '../../src/cassandra/schema.ts';
import { createEngine, ENGINES } from '../../src/engines/index.ts';
import { NodeEngine } from '../../src/engines/node/engine.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { engineLag } from '../../src/engines/committed.ts';
import { endOffsets, ensureTopics } from '../../src/kafka/admin.ts';
import { parseRecord } from '../../src/record/record.ts';
import { generateUsers } from '../../src/source/builtin/index.ts';
import { BuiltinUserSource } from '../../src/source/open.ts';
import { cliTarget, startCli } from '../support/cli.ts';
import { cassandraFor, quietLog, readTopic, testConfig, waitFor } from '../support/stack.ts';

const sum = (m: Map<number, bigint>) => [...m.values()].reduce((a, b) => a + b, 0n);

test('SIGTERM during an ingest: every fetched page is sent and flushed, nothing after it', async (t) => {
  const config = testConfig(t);
  const batch = 500;
  const run = startCli([
    'ingest', '--source', 'builtin', '--seed', 'sigterm', '--batch-size', String(batch), '--rate', '4000', '--duration', '120',
    '--topic', config.topic,
  ]);
  t.after(() => run.child.kill('SIGKILL'));
  await waitFor('records in the topic', async () => {
    assert.equal(run.child.exitCode, null, `ingest exited early: ${run.stderr}`);
    return sum(await endOffsets(config, config.topic)) >= 3000n ? true : undefined;
  });
  run.child.kill('SIGTERM');
  const result = await run.done;
  assert.equal(result.code, 0, result.stderr);
  const produced = Number(/ingested (\d+) records/.exec(result.stdout)?.[1]);
  assert.ok(produced >= 3000, result.stdout);
  assert.equal(produced % batch, 0, 'whole pages: the page in hand when the signal came was sent, not cut');
  assert.equal(sum(await endOffsets(config, config.topic)), BigInt(produced), 'the topic holds exactly what the ingest reported');

  // The topic holds exactly the first `produced` users of the seeded stream: no page skipped or lost.
  const expected = new Set<string>();
  for (let page = 1; expected.size < produced; page++) {
    for (const u of generateUsers({ results: batch, seed: 'sigterm', page }).results) expected.add(u.login.uuid);
  }
  const messages = await readTopic(config, config.topic, produced);
  const ids = new Set(messages.map((m) => {
    const parsed = parseRecord(m.value);
    assert.ok(parsed.ok);
    return parsed.record.id;
  }));
  assert.equal(ids.size, produced);
  assert.deepEqual([...ids].sort(), [...expected].sort());
});

for (const name of ENGINES) {
test(`SIGTERM during streaming (${name}): the engine stops cleanly; a restart writes the rest, each record once`, async (t) => {
  const N = 40_000;
  const config = testConfig(t, { seed: `stream-sigterm-${name}`, count: N, batchSize: 5000, duration: 120 });
  await ensureTopics(config, [{ name: config.topic, partitions: config.partitions }]);
  const produced = await ingest({ config, source: new BuiltinUserSource() });
  assert.equal(produced.produced, N);

  const run = startCli(['stream', '--engine', name, ...cliTarget(config)]);
  t.after(() => run.child.kill('SIGKILL'));
  const client = await cassandraFor(t, config);
  await waitFor('the first rows', async () => {
    assert.equal(run.child.exitCode, null, `stream exited early: ${run.stderr}`);
    return (await countRows(client, config)) > 0 ? true : undefined;
  });
  run.child.kill('SIGTERM');
  const result = await run.done;
  assert.equal(result.code, 0, result.stderr);
  const rowsAtStop = await countRows(client, config);
  t.diagnostic(`stopped with ${rowsAtStop} of ${N} rows written`);
  if (name === 'node') {
    // Offsets never run ahead of the rows: what is committed is written.
    const lag = (await engineLag('node', config)).total!;
    assert.ok(rowsAtStop >= N - lag, `rows ${rowsAtStop}, lag ${lag}`);
  }

  const engine = createEngine(name, { config, log: quietLog });
  t.after(() => engine.stop());
  await engine.start();
  await waitFor('the engine to catch up', async () => ((await engine.caughtUp()) ? true : undefined), 120_000);
  assert.equal(await countRows(client, config), N);
});
}


test('two engine instances in one group share the partitions and write each record once', async (t) => {
  const N = 10_000;
  const config = testConfig(t, { seed: 'two-engines', count: N, rate: 2000, batchSize: 500, duration: 120, partitions: 4 });
  const a = new NodeEngine({ config, log: quietLog, clientId: 'it-a' });
  const b = new NodeEngine({ config, log: quietLog, clientId: 'it-b' });
  t.after(() => Promise.all([a.stop(), b.stop()]));
  await a.start();
  await b.start();
  const produced = await ingest({ config, source: new BuiltinUserSource() });
  assert.equal(produced.produced, N);
  const client = await cassandraFor(t, config);
  await waitFor('lag 0', async () => ((await engineLag('node', config)).total === 0 ? true : undefined));
  assert.equal(await countRows(client, config), N);
  assert.ok(a.stats.written > 0 && b.stats.written > 0, `a wrote ${a.stats.written}, b wrote ${b.stats.written}`);
  assert.ok(a.stats.written + b.stats.written >= N);
});
