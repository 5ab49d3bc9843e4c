import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SparkEngine } from '../../src/engines/spark/engine.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { deleteTopicsWithPrefix, ensureTopics } from '../../src/kafka/admin.ts';
import { BuiltinUserSource } from '../../src/source/open.ts';
import { quietLog, testConfig, waitFor } from '../support/stack.ts';

/** The Spark engine on the real Kafka, Cassandra and Spark: what only it has, its checkpoint. */
test('spark: a topic deleted and created again behind the checkpoint stops the engine with a clear error instead of restarting forever', async (t) => {
  const config = testConfig(t, { seed: 'it-spark-data-loss', count: 300, duration: 60 });
  const first = new SparkEngine({ config, log: quietLog });
  t.after(() => first.stop());
  await first.start();
  assert.equal((await ingest({ config, source: new BuiltinUserSource() })).produced, 300);
  await waitFor('the engine to write the first records', async () => ((await first.caughtUp()) ? true : undefined), 120_000);
  await first.stop();

  // The topic again, empty: its offsets start at 0, behind the checkpoint's.
  await deleteTopicsWithPrefix(config, config.topic);
  await waitFor('the topic to be created again', async () => ensureTopics(config, [{ name: config.topic, partitions: config.partitions }]).then(() => true, () => undefined), 60_000);
  assert.equal((await ingest({ config: { ...config, count: 30 }, source: new BuiltinUserSource() })).produced, 30);

  // A generous outage window: the error must come from knowing the cause, not from the window running out.
  const second = new SparkEngine({ config, log: quietLog, outageMs: 600_000 });
  t.after(() => second.stop().catch(() => {}));
  await second.start();
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the engine kept running after the topic was created again')), 120_000).unref());
  await assert.rejects(Promise.race([second.finished, timeout]), (error: Error) => {
    assert.match(error.message, new RegExp(`Kafka topic ${config.topic} no longer has the messages the Spark checkpoint expects`));
    assert.match(error.message, /offset was changed from \d+ to \d+/);
    assert.match(error.message, /delete the checkpoint \S+spark-checkpoints\/userstream_it_/);
    return true;
  });
  assert.equal(second.stats.written, 0);
});
