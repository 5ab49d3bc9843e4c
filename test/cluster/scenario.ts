/**
 * The cluster fault scenario, for either engine, on the local cluster
 * (`with-stack --cluster`: three brokers, a three-node ring, two Spark
 * workers): 100,000 records through the faulty API while, one after the
 * other, a broker and a Cassandra node are killed (-9) and kept down for a
 * minute, a broker and then a Cassandra node are paused (SIGSTOP) for longer
 * than their session and request timeouts, and (Spark) a worker is killed.
 * Rows must keep landing while each node is down: after the run, the rows
 * Cassandra holds are counted by their write time inside each fault, and
 * the engine's commits, sampled every 2 s, around it; both go into the report. Afterwards every
 * accepted record is in Cassandra, read at QUORUM, unchanged, and every bad
 * message is in the DLQ.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { Admin } from '@platformatic/kafka';
import { createCassandraClient } from '../../src/cassandra/session.ts';
import type { Config } from '../../src/config/options.ts';
import { committedSparkOffsets } from '../../src/engines/spark/checkpoint.ts';
import { pipelineNames } from '../../src/engines/spark/engine.ts';
import { committedOffsets, ensureTopics, offsetTotal } from '../../src/kafka/admin.ts';
import { baseKafkaOptions } from '../../src/kafka/client-options.ts';
import { stackPaths } from '../../src/stack/paths.ts';
import { isOurs, readRunInfo } from '../../src/stack/process.ts';
import { ARTIFACTS } from '../support/browser.ts';
import { type CliRun, cliTarget, runCli, startCli } from '../support/cli.ts';
import { readWholeTopic, testConfig, waitFor } from '../support/stack.ts';
import { assertReconciled, auditLines, badMessages, countBetween, expectedRecords, injectBadMessages, killService, reconcile, startFaultyApi, writeTimes } from '../faults/support.ts';
import { type ClusterReport, type FaultWindow, publishClusterReport } from './report.ts';

export const RECORDS = 100_000;
/**
 * Records per second: slow enough that the ingest outlasts every fault
 * (100,000 in about 500 s). The faults and the restarts between them take
 * about 300-350 s with Spark's worker kill; at 320/s, once a paused broker no
 * longer held the ingest, the producer finished before the last fault
 * (CI run of fdd52c8: it had exited before the Cassandra pause).
 */
const RATE = 200;
/**
 * Users per request: with a rate, the ingest asks for a quarter second's
 * worth at a time (50), and 100,000 must be whole pages of it, which the
 * reconcile regenerates from the seed (at 250/s a last page of 19 was
 * rows it did not know).
 */
const PAGE = Math.ceil(RATE / 4);
/** How long a killed node stays down, and a paused one paused. */
const DOWN_MS = 65_000;
// Past the consumers' 30 s request timeout (the producers give a silent broker 10 s, the ISR drops it after 10 s).
const BROKER_PAUSE_MS = 45_000;
const NODE_PAUSE_MS = 25_000;

/** Messages the engine has committed (written to Cassandra or dead-lettered), in all. */
async function landed(engine: 'node' | 'spark', config: Config): Promise<number | undefined> {
  try {
    let done: Map<number, bigint> | undefined;
    if (engine === 'spark') {
      done = committedSparkOffsets(pipelineNames(config), config.topic);
    } else {
      const admin = new Admin({ ...baseKafkaOptions(config, 'it-timeline'), retries: 0, timeout: 3000 });
      try {
        done = await committedOffsets(admin, config.groupId, config.topic);
      } finally {
        await admin.close().catch(() => {});
      }
    }
    return offsetTotal(done ?? new Map());
  } catch {
    return undefined;
  }
}

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

export async function runClusterScenario(t: TestContext, engineName: 'node' | 'spark'): Promise<void> {
  const SEED = `cluster-faults-${engineName}-1`;
  const config = testConfig(t, { partitions: 3 });
  mkdirSync(ARTIFACTS, { recursive: true });
  const audit = join(ARTIFACTS, `cluster-${engineName}-audit-${config.topic}.txt`);
  const api = await startFaultyApi();
  t.after(() => api.close());
  await ensureTopics(config, [{ name: config.topic, partitions: config.partitions }, { name: config.dlqTopic, partitions: 1 }]);

  const engine = startCli(['stream', '--engine', engineName, ...cliTarget(config)]);
  const producer = startCli([
    'ingest', '--source', api.url, '--seed', SEED, '--count', String(RECORDS), '--duration', '1800', '--rate', String(RATE), '--batch-size', String(PAGE),
    '--topic', config.topic, '--audit-file', audit,
  ]);
  const paused = new Set<string>();
  let sampling = true;
  t.after(async () => {
    sampling = false;
    for (const name of paused) signalService(config, name, 'SIGCONT');
    for (const run of [engine, producer]) if (run.child.exitCode === null) run.child.kill('SIGKILL');
    writeFileSync(join(ARTIFACTS, `cluster-${engineName}-processes.log`), `===== engine\n${engine.stderr}\n===== producer\n${producer.stderr}\n`);
  });
  const alive = (run: CliRun, what: string) => {
    if (run.child.exitCode !== null || run.child.signalCode !== null) assert.fail(`${what} exited (${run.child.exitCode ?? run.child.signalCode}):\n${run.stderr.slice(-2000)}`);
  };
  const accepted = () => auditLines(audit).length;

  // The landed-rows timeline, every 2 s.
  const started = Date.now();
  const timeline: { at: number; landed: number }[] = [];
  const sampler = (async () => {
    while (sampling) {
      const n = await landed(engineName, config);
      if (n !== undefined) timeline.push({ at: Date.now() - started, landed: n });
      await new Promise((r) => setTimeout(r, 2000));
    }
  })();
  const windows: FaultWindow[] = [];
  const fault = async (name: string, detail: string, inject: () => Promise<void>, hold: number, recover: () => Promise<void>) => {
    alive(producer, 'the producer');
    alive(engine, 'the engine');
    const from = Date.now() - started;
    await inject();
    await new Promise((r) => setTimeout(r, hold));
    const until = Date.now() - started;
    await recover();
    windows.push({ fault: name, detail, from, until });
  };
  const up = async (name: string) => {
    const run = await runCli(['stack', 'up', name]);
    assert.equal(run.code, 0, run.stderr);
  };

  await waitFor('the first records', async () => (alive(producer, 'the producer'), accepted() >= 3_000 ? true : undefined), 180_000);
  const sample = expectedRecords(SEED, 1, 1).values().next().value!;
  const bad = badMessages('cluster', sample);
  await injectBadMessages(config, bad);

  await fault('broker kill -9', 'kafka-2 killed, kept down 65 s, then `stack up kafka-2`', () => killService(config, 'kafka-2').then(() => {}), DOWN_MS, () => up('kafka-2'));
  await fault('Cassandra node kill -9', 'cassandra-2 killed, kept down 65 s, then `stack up cassandra-2`', () => killService(config, 'cassandra-2').then(() => {}), DOWN_MS, () => up('cassandra-2'));
  // Paused, not killed: its connections stay open and its peers and clients wait on them until their timeouts.
  const pause = (name: string, ms: number, detail: string, what: string) =>
    fault(
      what,
      detail,
      async () => {
        signalService(config, name, 'SIGSTOP');
        paused.add(name);
      },
      ms,
      async () => {
        signalService(config, name, 'SIGCONT');
        paused.delete(name);
      },
    );
  await pause('kafka-3', BROKER_PAUSE_MS, 'kafka-3 paused 45 s (longer than its 9 s broker session, the ISR\'s 10 s lag limit, the producers\' 10 s and the consumers\' 30 s request timeouts), then SIGCONT', 'broker SIGSTOP');
  await pause('cassandra-3', NODE_PAUSE_MS, 'cassandra-3 paused 25 s (longer than the 12 s request timeout and the failure detector), then SIGCONT', 'Cassandra node SIGSTOP');
  if (engineName === 'spark') {
    await fault('Spark worker kill -9', 'spark-worker-1 and its executor killed, restarted after 30 s by `stack up spark-worker-1`', () => killService(config, 'spark-worker-1').then(() => {}), 30_000, () => up('spark-worker-1'));
  }

  const done = await producer.done;
  assert.equal(done.code, 0, `the ingest completes:\n${done.stderr.slice(-3000)}`);
  const total = RECORDS + bad.length;
  await waitFor('the engine to catch up', async () => (alive(engine, 'the engine'), ((await landed(engineName, config)) ?? 0) >= total ? true : undefined), 600_000);
  sampling = false;
  await sampler;
  engine.child.kill('SIGINT');
  const stopped = await engine.done;
  assert.equal(stopped.code, 0, stopped.stderr.slice(-2000));

  // Reconcile, reading at QUORUM: a majority of the replicas agree on each row.
  const client = createCassandraClient({ ...config, writeConsistency: 'QUORUM' });
  await client.connect();
  t.after(() => client.shutdown());
  const result = await reconcile(client, config, audit, { seed: SEED, records: RECORDS, page: PAGE });
  // All of it: a bad message may be there twice (a batch delivered again after its commit failed).
  const dlq = await readWholeTopic(config, config.dlqTopic);
  const missingFromDlq = bad.filter((b) => !dlq.some((d) => (d.value ?? Buffer.alloc(0)).equals(b.value ?? Buffer.alloc(0)) && b.reason.test(d.headers.get('userstream.reason') ?? '')));

  // What landed while each node was down: the rows Cassandra holds by their
  // write time, and the engine's commits.
  const written = await writeTimes(client, config);
  const at = (ms: number) => [...timeline].reverse().find((s) => s.at <= ms)?.landed ?? 0;
  const perSecond = new Map<number, number>();
  for (const w of written) {
    const second = Math.floor((w - started) / 1000) * 1000;
    perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
  }
  const report: ClusterReport = {
    engine: engineName,
    at: new Date().toISOString(),
    records: RECORDS,
    acceptedIds: result.acceptedIds.size,
    rows: result.rows,
    lost: result.lost.length,
    changed: result.changed.length + result.unexpected.length,
    badInjected: bad.length,
    badMissingFromDlq: missingFromDlq.length,
    faults: windows.map((w) => ({ ...w, written: countBetween(written, started + w.from, started + w.until), landedBefore: at(w.from), landedAfter: at(w.until) })),
    timeline,
    writes: [...perSecond].sort(([a], [b]) => a - b).map(([at, rows]) => ({ at, rows })),
  };
  publishClusterReport(report);

  assertReconciled(result, RECORDS, 'the ingest accepted every record of the seeded pages');
  assert.deepEqual(missingFromDlq.map((b) => b.key), [], 'every bad message is in the DLQ with its reason');
  for (const f of report.faults) {
    assert.ok(f.written > 0, `rows kept landing in Cassandra during "${f.fault}": none has a write time inside it`);
    assert.ok(f.landedAfter > f.landedBefore, `commits kept moving during "${f.fault}": ${f.landedBefore} before, ${f.landedAfter} at its end`);
  }
}
