import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { countRows } from '../../../src/cassandra/schema.ts';
import { ensureTopics } from '../../../src/kafka/admin.ts';
import { ARTIFACTS } from '../../support/browser.ts';
import { cliTarget, runCli, startCli } from '../../support/cli.ts';
import { cassandraFor, testConfig, waitFor } from '../../support/stack.ts';
import { allRows, auditLines, killService } from '../../faults/support.ts';
import { RECORDS, runClusterScenario } from '../scenario.ts';

test(`cluster, node and Spark engines side by side: at least ${RECORDS.toLocaleString('en')} records while a broker and a Cassandra node are killed and paused and a Spark worker killed: rows keep landing, none lost, none changed in either`, { timeout: 30 * 60_000 }, (t) =>
  runClusterScenario(t));

test('two of three brokers down: the producer retries, then fails with one line, and everything it reported accepted lands', { timeout: 10 * 60_000 }, async (t) => {
  const config = testConfig(t, { partitions: 3 });
  await ensureTopics(config, [{ name: config.topic, partitions: config.partitions }, { name: config.dlqTopic, partitions: 1 }]);
  const audit = join(mkdtempSync(join(tmpdir(), 'us-two-down-')), 'audit.txt');
  const producer = startCli(['ingest', '--source', 'builtin', '--seed', 'two-down', '--count', '50000', '--rate', '500', '--batch-size', '250', '--send-timeout', '20', '--topic', config.topic, '--audit-file', audit]);
  t.after(() => {
    if (producer.child.exitCode === null) producer.child.kill('SIGKILL');
  });
  await waitFor('records accepted', async () => (auditLines(audit).length >= 2_000 ? true : undefined), 120_000);
  await killService(config, 'kafka-2');
  await killService(config, 'kafka-3');
  const done = await producer.done;
  assert.equal(done.code, 1, 'the ingest fails');
  const lines = done.stderr.split('\n').filter((l) => l.startsWith('userstream:'));
  assert.equal(lines.length, 1, done.stderr.slice(-3000));
  assert.match(lines[0]!, /gave up after 20 s; \d+ accepted records of this batch were not acknowledged\) \[US_ERR_KAFKA\]$/);
  assert.doesNotMatch(done.stderr, /\n\s+at /);
  const accepted = new Set(auditLines(audit));

  // The brokers back: everything the ingest reported accepted reaches Cassandra.
  const up = await runCli(['stack', 'up', 'kafka']);
  assert.equal(up.code, 0, up.stderr);
  const engine = startCli(['stream', '--engine', 'node', ...cliTarget(config)]);
  t.after(() => {
    if (engine.child.exitCode === null) engine.child.kill('SIGKILL');
    writeFileSync(join(ARTIFACTS, 'cluster-two-down-processes.log'), `===== producer\n${producer.stderr}\n===== engine\n${engine.stderr}\n`);
  });
  const client = await cassandraFor(t, config);
  await waitFor('the accepted records in Cassandra', async () => ((await countRows(client, config).catch(() => 0)) >= accepted.size ? true : undefined), 300_000);
  const rows = await allRows(client, config);
  assert.deepEqual([...accepted].filter((id) => !rows.has(id)).slice(0, 5), [], 'accepted records missing from Cassandra');
  engine.child.kill('SIGINT');
  await engine.done;
});
