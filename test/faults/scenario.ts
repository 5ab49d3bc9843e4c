/**
 * The reliability scenario, both engines at once: 100,000 records through a
 * faulty API into one topic that the node engine and the Spark engine each
 * read into their own keyspace, with both engines, Kafka and Cassandra
 * killed (-9) and restarted, the producer stopped (SIGTERM) and run again
 * along the way, bad messages injected into the topic, and the Spark Connect
 * server (the driver, where the Spark queries run) killed and restarted.
 * Afterwards, for each engine, what the ingest accepted is what is in its
 * table, each row as the source sent it, and every bad message is in its DLQ
 * with its reason. Results: test-results/faults-<engine>.json and
 * docs/RELIABILITY.md.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { ARTIFACTS } from '../support/browser.ts';
import { type CliRun, runCli, startCli } from '../support/cli.ts';
import { cassandraFor, waitFor } from '../support/stack.ts';
import { assertRunning, dlqCheck, ENGINES, type EngineName, enginePair, lagOf, startEngine } from './engines.ts';
import { type FaultReport, publishReport, reconciliationCounts } from './report.ts';
import {
  assertReconciled, auditLines, badMessages, expectedRecords, injectBadMessages, killService, reconcile, startFaultyApi,
} from './support.ts';

export const RECORDS = 100_000;
const PAGE = 500;
const SEED = 'faults-engines-1';

export async function runFaultScenario(t: TestContext): Promise<void> {
  const pair = await enginePair(t, { partitions: 3 });
  const { topic: target, engines: configs } = pair;
  mkdirSync(ARTIFACTS, { recursive: true });
  const audit = join(ARTIFACTS, `faults-audit-${target.topic}.txt`);
  const api = await startFaultyApi();
  t.after(() => api.close());
  const sample = expectedRecords(SEED, 1, 1).values().next().value!;
  const injected: FaultReport['injected'] = [];
  const note = (fault: string, detail: string, count = 1) => {
    injected.push({ fault, detail, count, at: new Date().toISOString() });
  };

  const runs: Record<EngineName, CliRun[]> = { node: [], spark: [] };
  const start = (engine: EngineName) => {
    const run = startEngine(engine, configs[engine]);
    runs[engine].push(run);
    return run;
  };
  const current = (engine: EngineName) => runs[engine].at(-1)!;
  const ingestArgs = [
    'ingest', '--source', api.url, '--seed', SEED, '--count', String(RECORDS), '--duration', '1800', '--rate', '2500', '--batch-size', String(PAGE),
    '--topic', target.topic, '--audit-file', audit,
  ];
  const producers: CliRun[] = [];
  t.after(async () => {
    const all = [...ENGINES.flatMap((e) => runs[e].map((r, i) => [`${e} engine ${i + 1}`, r] as const)), ...producers.map((p, i) => [`producer ${i + 1}`, p] as const)];
    for (const [, run] of all) if (run.child.exitCode === null) run.child.kill('SIGKILL');
    // Every process's log, for when something went wrong.
    writeFileSync(join(ARTIFACTS, 'faults-processes.log'), all.map(([name, run]) => `===== ${name}\n${run.stderr}`).join('\n'));
  });

  for (const e of ENGINES) start(e);
  const producer1 = startCli(ingestArgs);
  producers.push(producer1);
  const accepted = () => auditLines(audit).length;
  const reach = (n: number, producer: CliRun, timeoutMs = 120_000) =>
    waitFor(`${n.toLocaleString('en')} records accepted by the ingest`, async () => (assertRunning(producer, 'the producer'), accepted() >= n ? true : undefined), timeoutMs);
  const up = async (service: string) => {
    const run = await runCli(['stack', 'up', service]);
    assert.equal(run.code, 0, run.stderr);
  };

  // 1. Bad messages, while good ones flow.
  await reach(2_000, producer1);
  const bad1 = badMessages('early', sample);
  await injectBadMessages(target, bad1);
  note('bad messages', `one of each: ${bad1.map((b) => b.kind).join(', ')}`, bad1.length);

  // 2. Both engines killed mid-stream, then started again.
  await reach(10_000, producer1);
  for (const e of ENGINES) {
    assertRunning(current(e), `the ${e} engine`);
    current(e).child.kill('SIGKILL');
    await current(e).done;
  }
  note('engine kill -9', 'the node engine process and the Spark engine\'s client process, restarted after 1 s');
  await new Promise((r) => setTimeout(r, 1000));
  for (const e of ENGINES) start(e);

  // The Spark queries live in the Spark Connect server (the driver): once the
  // restarted client has started them again, kill the server too.
  const spark = current('spark');
  await waitFor('the restarted Spark engine to run its queries', async () => (assertRunning(spark, 'the Spark engine'), /rejects → /.test(spark.stderr) ? true : undefined), 120_000);
  await reach(15_000, producer1);
  await killService(target, 'spark-connect');
  note('Spark Connect server kill -9', 'the driver and its queries (the Spark engine\'s), restarted by `stack up spark-connect`; the engine starts its queries again from their checkpoints');
  await up('spark-connect');

  // 3. The broker killed and restarted while every client runs.
  await reach(25_000, producer1);
  await killService(target, 'kafka');
  note('Kafka kill -9', 'broker + controller process group, restarted by `stack up kafka`');
  await up('kafka');

  // 4. The producer stopped mid-run (SIGTERM) and run again from the start.
  await reach(45_000, producer1, 180_000);
  producer1.child.kill('SIGTERM');
  const first = await producer1.done;
  assert.equal(first.code, 0, `a SIGTERMed ingest flushes and exits 0:\n${first.stderr.slice(-2000)}`);
  note('producer SIGTERM', `after ${accepted()} records; run again with the same seed (a replay of the first pages)`);
  const producer2 = startCli(ingestArgs);
  producers.push(producer2);

  // 5. Cassandra killed and restarted under both engines.
  await reach(70_000, producer2, 180_000);
  for (const e of ENGINES) assertRunning(current(e), `the ${e} engine`);
  await killService(target, 'cassandra');
  note('Cassandra kill -9', 'the node, restarted by `stack up cassandra`');
  await up('cassandra');
  const bad2 = badMessages('late', sample);
  await injectBadMessages(target, bad2);
  note('bad messages', 'the same kinds again, after the Cassandra restart', bad2.length);

  const second = await producer2.done;
  assert.equal(second.code, 0, `the second ingest completes:\n${second.stderr.slice(-3000)}`);
  // The live ingest line counts the failures it rode out.
  assert.match(producer1.stderr + producer2.stderr, /errors retried \(source [1-9]\d*, Kafka \d+\)/);
  assert.ok(api.counts['500'] + api.counts['503'] > 0 && api.counts['429'] > 0 && api.counts.hang > 0 && api.counts.truncate > 0, JSON.stringify(api.counts));
  const bad = [...bad1, ...bad2];

  // Each engine caught up, stopped, and reconciled on its own.
  for (const e of ENGINES) {
    await t.test(`${e} engine: every accepted record in its table once and unchanged, every bad message in its DLQ`, async () => {
      const config = configs[e];
      const run = current(e);
      await waitFor(`the ${e} engine to catch up (lag 0)`, async () => (assertRunning(run, `the ${e} engine`), (await lagOf(e, config)) === 0 ? true : undefined), 300_000);
      run.child.kill('SIGINT');
      const stopped = await run.done;
      assert.equal(stopped.code, 0, stopped.stderr.slice(-2000));
      const result = await reconcile(await cassandraFor(t, config), config, audit, { seed: SEED, records: RECORDS, page: PAGE });
      const dlq = await dlqCheck(config, bad);
      publishReport(e, {
        engine: e,
        at: new Date().toISOString(),
        records: RECORDS,
        ...reconciliationCounts(result),
        deadLettered: dlq.deadLettered,
        badInjected: bad.length,
        badMissingFromDlq: dlq.missing.length,
        api: { ...api.counts },
        injected,
      });
      assertReconciled(result, RECORDS, 'the ingest accepted every record of the seeded pages (replays included once)');
      assert.deepEqual(dlq.missing.map((b) => b.key), [], 'every bad message is in the DLQ with its reason');
    });
  }
}
