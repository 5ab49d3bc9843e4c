import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countRows } from '../../src/cassandra/schema.ts';
import { NodeEngine } from '../../src/engines/node/engine.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { engineLag } from '../../src/engines/committed.ts';
import { committedOffsets, ensureTopics, withAdmin } from '../../src/kafka/admin.ts';
import { BuiltinUserSource } from '../../src/source/open.ts';
import { cassandraFor, quietLog, testConfig, waitFor } from '../support/stack.ts';

// A rebalance while batches are in flight: the member that loses a partition
// may still be writing a batch of it, and the member that keeps one starts
// again from the committed offset while its later batches are in flight.
// A commit sets the offset to what it is sent, so either would move the
// group back if it were sent late. On one node the rebalance is over before
// a batch finishes and this passes either way; on the three-broker cluster
// with a ring writing at LOCAL_QUORUM it failed without the engine's commit
// rule (partition 0: 14882 → 12202), which is why it lives here.
test('cluster: a second node-engine instance joining mid-drain: no partition\'s committed offset ever moves back, and every record lands', { timeout: 10 * 60_000 }, async (t) => {
  const N = 200_000;
  const config = testConfig(t, { seed: 'join-mid-drain', count: N, partitions: 4 });
  await ensureTopics(config, [{ name: config.topic, partitions: config.partitions }]);
  assert.equal((await ingest({ config, source: new BuiltinUserSource() })).produced, N);
  const a = new NodeEngine({ config, log: quietLog, clientId: 'it-a' });
  const b = new NodeEngine({ config, log: quietLog, clientId: 'it-b' });
  t.after(() => Promise.all([a.stop(), b.stop()]));

  const high = new Map<number, bigint>();
  const backwards: string[] = [];
  let sampling = true;
  const sampler = withAdmin(config, 'sampling the committed offsets', async (admin) => {
    while (sampling) {
      for (const [p, offset] of await committedOffsets(admin, config.groupId, config.topic)) {
        const before = high.get(p) ?? -1n;
        if (offset < before) backwards.push(`partition ${p}: ${before} → ${offset}`);
        else high.set(p, offset);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  await a.start();
  await waitFor('the first batch committed', async () => (a.stats.written > 0 ? true : undefined), 120_000);
  await b.start();
  await waitFor('lag 0', async () => ((await engineLag('node', config)).total === 0 ? true : undefined), 300_000);
  sampling = false;
  await sampler;
  assert.ok(b.stats.written > 0, `the second instance took partitions over (b wrote ${b.stats.written})`);
  assert.deepEqual(backwards, []);
  const client = await cassandraFor(t, config);
  assert.equal(await countRows(client, config), N);
});
