/**
 * The reliability scenario, for either engine: 100,000 records through a
 * faulty API, with the engine, Kafka and Cassandra killed (-9) and restarted
 * and the producer stopped (SIGTERM) and run again along the way, and bad
 * messages injected into the topic; for Spark, the Connect server (the
 * driver, where the queries run) is killed and restarted too. Afterwards,
 * what the ingest accepted is what is in Cassandra, each row as the source
 * sent it, and every bad message is in the DLQ with its reason. Results:
 * test-results/faults-<engine>.json and docs/RELIABILITY.md.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { Config } from '../../src/config/options.ts';
import { partitionStates } from '../../src/dashboard/collector.ts';
import { committedSparkOffsets } from '../../src/engines/spark/checkpoint.ts';
import { pipelineNames } from '../../src/engines/spark/engine.ts';
import { endOffsets, ensureTopics, groupLag } from '../../src/kafka/admin.ts';
import { ARTIFACTS } from '../support/browser.ts';
import { type CliRun, cliTarget, runCli, startCli } from '../support/cli.ts';
import { cassandraFor, readWholeTopic, testConfig, waitFor } from '../support/stack.ts';
import { type FaultReport, publishReport, reconciliationCounts } from './report.ts';
import {
  assertReconciled, auditLines, badMessages, expectedRecords, injectBadMessages, killService, reconcile, startFaultyApi,
} from './support.ts';

export const RECORDS = 100_000;
const PAGE = 500;

/** Messages of the topic the engine has not written or dead-lettered yet. */
async function engineLag(engine: 'node' | 'spark', config: Config): Promise<number> {
  if (engine === 'node') return Number(await groupLag(config, config.groupId, config.topic));
  const names = pipelineNames(config);
  const done = committedSparkOffsets(names, config.topic);
  if (!done) return Number.POSITIVE_INFINITY;
  return partitionStates(await endOffsets(config, config.topic), done).reduce((s, p) => s + (p.lag ?? 0), 0);
}

export async function runFaultScenario(t: TestContext, engineName: 'node' | 'spark'): Promise<void> {
  const SEED = `faults-${engineName}-1`;

  const config = testConfig(t, { partitions: 3 });
  mkdirSync(ARTIFACTS, { recursive: true });
  const audit = join(ARTIFACTS, `faults-${engineName}-audit-${config.topic}.txt`);
  const api = await startFaultyApi();
  t.after(() => api.close());
  await ensureTopics(config, [{ name: config.topic, partitions: config.partitions }, { name: config.dlqTopic, partitions: 1 }]);
  const sample = expectedRecords(SEED, 1, 1).values().next().value!;
  const injected: FaultReport['injected'] = [];
  const note = (fault: string, detail: string, count = 1) => {
    injected.push({ fault, detail, count, at: new Date().toISOString() });
  };

  const engines: CliRun[] = [];
  const startEngine = () => {
    const e = startCli(['stream', '--engine', engineName, ...cliTarget(config)]);
    engines.push(e);
    return e;
  };
  const ingestArgs = [
    'ingest', '--source', api.url, '--seed', SEED, '--count', String(RECORDS), '--duration', '1800', '--rate', '2500', '--batch-size', String(PAGE),
    '--topic', config.topic, '--audit-file', audit,
  ];
  const producers: CliRun[] = [];
  t.after(async () => {
    for (const e of engines) if (e.child.exitCode === null) e.child.kill('SIGKILL');
    for (const p of producers) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    // Every process's log, for when something went wrong.
    writeFileSync(
      join(ARTIFACTS, `faults-${engineName}-processes.log`),
      [...engines.map((e, i) => [`engine ${i + 1}`, e] as const), ...producers.map((p, i) => [`producer ${i + 1}`, p] as const)]
        .map(([name, run]) => `===== ${name}\n${run.stderr}`)
        .join('\n'),
    );
  });

  let engine = startEngine();
  const producer1 = startCli(ingestArgs);
  producers.push(producer1);
  const accepted = () => auditLines(audit).length;
  const alive = (run: CliRun, what: string) => {
    // An AssertionError: waitFor fails at once instead of waiting out its timeout.
    if (run.child.exitCode !== null || run.child.signalCode !== null) {
      assert.fail(`${what} exited (${run.child.exitCode ?? run.child.signalCode}):\n${run.stderr.slice(-2000)}`);
    }
  };

  // 1. Bad messages, while good ones flow.
  await waitFor('the first records', async () => (accepted() >= 2_000 ? true : undefined), 120_000);
  const bad1 = badMessages('early', sample);
  await injectBadMessages(config, bad1);
  note('bad messages', `one of each: ${bad1.map((b) => b.kind).join(', ')}`, bad1.length);

  // 2. The engine killed mid-stream, then started again.
  await waitFor('10,000 accepted', async () => (alive(producer1, 'the producer'), accepted() >= 10_000 ? true : undefined), 120_000);
  alive(engine, 'the engine');
  engine.child.kill('SIGKILL');
  await engine.done;
  note('engine kill -9', `the ${engineName === 'spark' ? 'Spark engine\'s client' : 'node engine'} process, restarted after 1 s`);
  await new Promise((r) => setTimeout(r, 1000));
  engine = startEngine();
  if (engineName === 'spark') {
    // The queries live in the Spark Connect server (the driver): once the new
    // client has started them again, kill the server too.
    const restarted = engine;
    await waitFor('the restarted engine to run its queries', async () => (alive(restarted, 'the engine'), /rejects → /.test(restarted.stderr) ? true : undefined), 120_000);
    await waitFor('15,000 accepted', async () => (alive(producer1, 'the producer'), accepted() >= 15_000 ? true : undefined), 120_000);
    await killService(config, 'spark-connect');
    note('Spark Connect server kill -9', 'the driver and its queries, restarted by `stack up spark-connect`; the engine starts its queries again from their checkpoints');
    const connectUp = await runCli(['stack', 'up', 'spark-connect']);
    assert.equal(connectUp.code, 0, connectUp.stderr);
  }

  // 3. The broker killed and restarted while both clients run.
  await waitFor('25,000 accepted', async () => (alive(producer1, 'the producer'), accepted() >= 25_000 ? true : undefined), 120_000);
  await killService(config, 'kafka');
  note('Kafka kill -9', 'broker + controller process group, restarted by `stack up kafka`');
  const kafkaUp = await runCli(['stack', 'up', 'kafka']);
  assert.equal(kafkaUp.code, 0, kafkaUp.stderr);

  // 4. The producer stopped mid-run (SIGTERM) and run again from the start.
  await waitFor('45,000 accepted', async () => (alive(producer1, 'the producer'), accepted() >= 45_000 ? true : undefined), 180_000);
  producer1.child.kill('SIGTERM');
  const first = await producer1.done;
  assert.equal(first.code, 0, `a SIGTERMed ingest flushes and exits 0:\n${first.stderr.slice(-2000)}`);
  note('producer SIGTERM', `after ${accepted()} records; run again with the same seed (a replay of the first pages)`);
  const producer2 = startCli(ingestArgs);
  producers.push(producer2);

  // 5. Cassandra killed and restarted under the engine.
  await waitFor('70,000 accepted', async () => (alive(producer2, 'the second producer'), accepted() >= 70_000 ? true : undefined), 180_000);
  alive(engine, 'the engine');
  await killService(config, 'cassandra');
  note('Cassandra kill -9', 'the node, restarted by `stack up cassandra`');
  const cassandraUp = await runCli(['stack', 'up', 'cassandra']);
  assert.equal(cassandraUp.code, 0, cassandraUp.stderr);
  const bad2 = badMessages('late', sample);
  await injectBadMessages(config, bad2);
  note('bad messages', 'the same kinds again, after the Cassandra restart', bad2.length);

  const second = await producer2.done;
  assert.equal(second.code, 0, `the second ingest completes:\n${second.stderr.slice(-3000)}`);
  alive(engine, 'the engine');
  await waitFor('the engine to catch up', async () => {
    alive(engine, 'the engine');
    return (await engineLag(engineName, config)) === 0 ? true : undefined;
  }, 300_000);
  engine.child.kill('SIGINT');
  const stopped = await engine.done;
  assert.equal(stopped.code, 0, stopped.stderr.slice(-2000));

  // Reconcile.
  const result = await reconcile(await cassandraFor(t, config), config, audit, { seed: SEED, records: RECORDS, page: PAGE });
  const bad = [...bad1, ...bad2];
  // All of it: a bad message may be there twice (a batch delivered again after its commit failed).
  const dlq = await readWholeTopic(config, config.dlqTopic);
  const missingFromDlq = bad.filter((b) => {
    const entry = dlq.find((d) => (d.value ?? Buffer.alloc(0)).equals(b.value ?? Buffer.alloc(0)) && b.reason.test(d.headers.get('userstream.reason') ?? ''));
    return !entry;
  });

  publishReport(engineName, {
    engine: engineName,
    at: new Date().toISOString(),
    records: RECORDS,
    ...reconciliationCounts(result),
    deadLettered: dlq.length,
    badInjected: bad.length,
    badMissingFromDlq: missingFromDlq.length,
    api: { ...api.counts },
    injected,
  });

  assertReconciled(result, RECORDS, 'the ingest accepted every record of the seeded pages (replays included once)');
  assert.deepEqual(missingFromDlq.map((b) => b.key), [], 'every bad message is in the DLQ with its reason');
  // The live ingest line counts the failures it rode out.
  assert.match(producer1.stderr + producer2.stderr, /errors retried \(source [1-9]\d*, Kafka \d+\)/);
  assert.ok(api.counts['500'] + api.counts['503'] > 0 && api.counts['429'] > 0 && api.counts.hang > 0 && api.counts.truncate > 0, JSON.stringify(api.counts));
}
