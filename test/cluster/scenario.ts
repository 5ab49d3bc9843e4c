/**
 * The cluster fault scenario, both engines at once, on the local cluster
 * (`with-stack --cluster`: three brokers, a three-node ring, two Spark
 * workers): one ingest through the faulty API into one topic that the node
 * engine and the Spark engine each read into their own keyspace while, one
 * after the other, a broker and a Cassandra node are killed (-9) and kept
 * down, a broker and then a Cassandra node are paused (SIGSTOP) for longer
 * than their session and request timeouts, and a Spark worker is killed.
 * The ingest runs until the last fault is over and at least 100,000 records
 * are accepted, then stops (SIGTERM: it sends every page it fetched whole).
 * Rows must keep landing while each node is down: after the run, the rows
 * each engine's table holds are counted by their write time inside each
 * fault, and the engine's commits, sampled every 2 s, around it; both go
 * into its report. Afterwards every accepted record is in each table, read
 * at QUORUM, unchanged, and every bad message is in each DLQ.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { createCassandraClient } from '../../src/cassandra/session.ts';
import type { Config } from '../../src/config/options.ts';
import { stackPaths } from '../../src/stack/paths.ts';
import { isOurs, readRunInfo } from '../../src/stack/process.ts';
import { ARTIFACTS } from '../support/browser.ts';
import { type CliRun, runCli, startCli } from '../support/cli.ts';
import { waitFor } from '../support/stack.ts';
import { assertRunning, dlqCheck, ENGINES, type EngineName, enginePair, lagOf, landed, startEngine } from '../faults/engines.ts';
import {
  assertReconciled, auditLines, badMessages, countBetween, expectedRecords, injectBadMessages, killService, type Reconciliation, reconcile, startFaultyApi, writeTimes,
} from '../faults/support.ts';
import { type ClusterReport, type FaultWindow, publishClusterReport } from './report.ts';

/** At least this many records go through each engine under the faults. */
export const RECORDS = 100_000;
/**
 * Records per second: the ingest lasts as long as the faults (about 250-300 s
 * with the restarts between them), and is stopped after the last one once
 * RECORDS are accepted, so neither waits long for the other.
 */
const RATE = 400;
/**
 * Users per request: with a rate, the ingest asks for a quarter second's
 * worth at a time, and the reconcile regenerates the seed's pages whole.
 */
const PAGE = Math.ceil(RATE / 4);
/**
 * How long a killed node stays down: past the broker session (9 s), the
 * producers' 10 s and the consumers' 30 s request timeouts, Cassandra's
 * failure detector and the drivers' 12 s request timeout, so every client
 * has given up on it and gone on through the others.
 */
const DOWN_MS = 40_000;
// Past the consumers' 30 s request timeout (the producers give a silent broker 10 s, the ISR drops it after 10 s).
const BROKER_PAUSE_MS = 45_000;
// Past the drivers' 12 s request timeout and the failure detector.
const NODE_PAUSE_MS = 25_000;
/** Rows keep landing after the last recovery before the ingest stops: its records, too, go through a healed cluster. */
const AFTER_LAST_FAULT_MS = 15_000;

/** SIGSTOP or SIGCONT to a service's whole process group. */
function signalService(config: Pick<Config, 'stackHome'>, name: string, signal: 'SIGSTOP' | 'SIGCONT'): void {
  const info = readRunInfo(stackPaths(config.stackHome).runFile(name));
  if (!isOurs(info)) throw new Error(`${name} is not running (no run file of ours)`);
  try {
    process.kill(-info.pid, signal);
  } catch {
    process.kill(info.pid, signal);
  }
}

export async function runClusterScenario(t: TestContext): Promise<void> {
  const SEED = 'cluster-faults-1';
  const { topic: target, engines: configs } = await enginePair(t, { partitions: 3 });
  mkdirSync(ARTIFACTS, { recursive: true });
  const audit = join(ARTIFACTS, `cluster-audit-${target.topic}.txt`);
  const api = await startFaultyApi();
  t.after(() => api.close());

  const engines = { node: startEngine('node', configs.node), spark: startEngine('spark', configs.spark) } satisfies Record<EngineName, CliRun>;
  // As many records as the faults take: stopped below, after the last one.
  const producer = startCli([
    'ingest', '--source', api.url, '--seed', SEED, '--count', String(100 * RECORDS), '--duration', '1800', '--rate', String(RATE), '--batch-size', String(PAGE),
    '--topic', target.topic, '--audit-file', audit,
  ]);
  const paused = new Set<string>();
  let sampling = true;
  t.after(async () => {
    sampling = false;
    for (const name of paused) signalService(target, name, 'SIGCONT');
    for (const run of [engines.node, engines.spark, producer]) if (run.child.exitCode === null) run.child.kill('SIGKILL');
    writeFileSync(join(ARTIFACTS, 'cluster-processes.log'), `===== node engine\n${engines.node.stderr}\n===== spark engine\n${engines.spark.stderr}\n===== producer\n${producer.stderr}\n`);
  });
  const accepted = () => auditLines(audit).length;
  const allRunning = () => {
    assertRunning(producer, 'the producer');
    for (const e of ENGINES) assertRunning(engines[e], `the ${e} engine`);
  };

  // Each engine's landed-messages timeline, every 2 s.
  const started = Date.now();
  const timelines: Record<EngineName, { at: number; landed: number }[]> = { node: [], spark: [] };
  const sampler = (async () => {
    while (sampling) {
      for (const e of ENGINES) {
        const n = await landed(e, configs[e]);
        if (n !== undefined) timelines[e].push({ at: Date.now() - started, landed: n });
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
  })();
  const windows: (FaultWindow & { engines: readonly EngineName[] })[] = [];
  const fault = async (name: string, detail: string, inject: () => Promise<void>, hold: number, recover: () => Promise<void>, engines: readonly EngineName[] = ENGINES) => {
    allRunning();
    const from = Date.now() - started;
    await inject();
    await new Promise((r) => setTimeout(r, hold));
    const until = Date.now() - started;
    await recover();
    windows.push({ fault: name, detail, from, until, engines });
  };
  const up = async (name: string) => {
    const run = await runCli(['stack', 'up', name]);
    assert.equal(run.code, 0, run.stderr);
  };
  const secs = (ms: number) => `${ms / 1000} s`;

  await waitFor('the first records accepted by the ingest', async () => (allRunning(), accepted() >= 3_000 ? true : undefined), 180_000);
  // The faults start once both engines write: Spark's first micro-batch on the cluster comes tens of
  // seconds after the node engine's, and a fault before it would measure the start, not the fault
  // (a clean-clone run had the Spark engine land nothing during the first fault).
  for (const e of ENGINES) {
    await waitFor(`the ${e} engine to commit its first thousand messages`, async () => (allRunning(), ((await landed(e, configs[e])) ?? 0) >= 1_000 ? true : undefined), 300_000);
  }
  const sample = expectedRecords(SEED, 1, 1).values().next().value!;
  const bad = badMessages('cluster', sample);
  await injectBadMessages(target, bad);

  const kill = (name: string) => killService(target, name).then(() => {});
  await fault('broker kill -9', `kafka-2 killed, kept down ${secs(DOWN_MS)}, then \`stack up kafka-2\``, () => kill('kafka-2'), DOWN_MS, () => up('kafka-2'));
  await fault('Cassandra node kill -9', `cassandra-2 killed, kept down ${secs(DOWN_MS)}, then \`stack up cassandra-2\``, () => kill('cassandra-2'), DOWN_MS, () => up('cassandra-2'));
  // Paused, not killed: its connections stay open and its peers and clients wait on them until their timeouts.
  const pause = (name: string, ms: number, detail: string, what: string) =>
    fault(
      what,
      detail,
      async () => {
        signalService(target, name, 'SIGSTOP');
        paused.add(name);
      },
      ms,
      async () => {
        signalService(target, name, 'SIGCONT');
        paused.delete(name);
      },
    );
  await pause('kafka-3', BROKER_PAUSE_MS, `kafka-3 paused ${secs(BROKER_PAUSE_MS)} (longer than its 9 s broker session, the ISR's 10 s lag limit, the producers' 10 s and the consumers' 30 s request timeouts), then SIGCONT`, 'broker SIGSTOP');
  await pause('cassandra-3', NODE_PAUSE_MS, `cassandra-3 paused ${secs(NODE_PAUSE_MS)} (longer than the 12 s request timeout and the failure detector), then SIGCONT`, 'Cassandra node SIGSTOP');
  await fault('Spark worker kill -9', 'spark-worker-1 and its executor killed, restarted after 30 s by `stack up spark-worker-1`', () => kill('spark-worker-1'), 30_000, () => up('spark-worker-1'), ['spark']);

  // The ingest goes on through the healed cluster for a while, and until RECORDS are accepted.
  const lastRecovery = Date.now();
  await waitFor(`${RECORDS.toLocaleString('en')} records accepted and ${secs(AFTER_LAST_FAULT_MS)} since the last recovery`, async () =>
    (allRunning(), accepted() >= RECORDS && Date.now() - lastRecovery >= AFTER_LAST_FAULT_MS ? true : undefined), 600_000);
  producer.child.kill('SIGTERM');
  const done = await producer.done;
  assert.equal(done.code, 0, `a SIGTERMed ingest flushes and exits 0:\n${done.stderr.slice(-3000)}`);
  // Whole pages of the seed: every page the ingest fetched was sent whole.
  const records = new Set(auditLines(audit)).size;
  assert.ok(records >= RECORDS, `at least ${RECORDS} records accepted: ${records}`);

  // Reconcile each engine's table, reading at QUORUM: a majority of the replicas agree on each row.
  const client = createCassandraClient({ ...target, writeConsistency: 'QUORUM' });
  await client.connect();
  t.after(() => client.shutdown());
  const caughtUp = Object.fromEntries(
    ENGINES.map((e) => [e, waitFor(`the ${e} engine to catch up (lag 0)`, async () => (assertRunning(engines[e], `the ${e} engine`), (await lagOf(e, configs[e])) === 0 ? true : undefined), 600_000)]),
  ) as Record<EngineName, Promise<true>>;
  for (const e of ENGINES) caughtUp[e].catch(() => {}); // awaited in the engine's own subtest
  for (const e of ENGINES) {
    await t.test(`${e} engine: rows kept landing through every fault; every accepted record in its table once and unchanged; every bad message in its DLQ`, async () => {
      const config = configs[e];
      await caughtUp[e];
      engines[e].child.kill('SIGINT');
      const stopped = await engines[e].done;
      assert.equal(stopped.code, 0, stopped.stderr.slice(-2000));
      if (ENGINES.every((x) => engines[x].child.exitCode !== null)) {
        sampling = false;
        await sampler;
      }
      const result = await reconcile(client, config, audit, { seed: SEED, records, page: PAGE });
      const dlq = await dlqCheck(config, bad);
      const report = clusterReport(e, { records, result, bad: bad.length, missing: dlq.missing.length, started, windows: windows.filter((w) => w.engines.includes(e)), timeline: timelines[e], written: await writeTimes(client, config) });
      publishClusterReport(report);
      assertReconciled(result, records, 'the ingest accepted every record of the seeded pages');
      assert.deepEqual(dlq.missing.map((b) => b.key), [], 'every bad message is in the DLQ with its reason');
      for (const f of report.faults) {
        assert.ok(f.written > 0, `rows kept landing in Cassandra during "${f.fault}": none has a write time inside it`);
        assert.ok(f.landedAfter > f.landedBefore, `commits kept moving during "${f.fault}": ${f.landedBefore} before, ${f.landedAfter} at its end`);
      }
    });
  }
}

/** One engine's report: its rows and commits inside each fault window. */
function clusterReport(
  engine: EngineName,
  run: { records: number; result: Reconciliation; bad: number; missing: number; started: number; windows: FaultWindow[]; timeline: { at: number; landed: number }[]; written: number[] },
): ClusterReport {
  const { result, started, timeline, written } = run;
  const at = (ms: number) => [...timeline].reverse().find((s) => s.at <= ms)?.landed ?? 0;
  const perSecond = new Map<number, number>();
  for (const w of written) {
    const second = Math.floor((w - started) / 1000) * 1000;
    perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
  }
  return {
    engine,
    at: new Date().toISOString(),
    records: run.records,
    acceptedIds: result.acceptedIds.size,
    rows: result.rows,
    lost: result.lost.length,
    changed: result.changed.length + result.unexpected.length,
    badInjected: run.bad,
    badMissingFromDlq: run.missing,
    faults: run.windows.map((w) => ({ fault: w.fault, detail: w.detail, from: w.from, until: w.until, written: countBetween(written, started + w.from, started + w.until), landedBefore: at(w.from), landedAfter: at(w.until) })),
    timeline,
    writes: [...perSecond].sort(([a], [b]) => a - b).map(([second, rows]) => ({ at: second, rows })),
  };
}
