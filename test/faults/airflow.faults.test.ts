/**
 * The producer as the Airflow DAG's task, under faults: the faulty API, the
 * task's ingest process killed (-9) mid-run so Airflow retries the task
 * (which replays the seeded pages from the start), and the broker killed and
 * restarted during the retry. Afterwards the run is a success on its second
 * try, and what the ingest accepted is what is in Cassandra, each row once
 * and as the source sent it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { airflowClient } from '../../src/cli/dag-run.ts';
import { engineLag } from '../../src/engines/committed.ts';
import { ensureTopics } from '../../src/kafka/admin.ts';
import { ARTIFACTS } from '../support/browser.ts';
import { type CliRun, cliTarget, runCli, startCli } from '../support/cli.ts';
import { cassandraFor, testConfig, waitFor } from '../support/stack.ts';
import { type FaultReport, publishReport, reconciliationCounts } from './report.ts';
import { assertReconciled, auditLines, killService, reconcile, startFaultyApi } from './support.ts';

const RECORDS = 30_000;
const PAGE = 500;
const SEED = 'faults-airflow-1';

/** Pids of the processes running the ingest for this topic (the task's command). */
function ingestPids(topic: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', `ingest .*--topic '?${topic}'?( |$)`], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

test(`Airflow: ${RECORDS.toLocaleString('en')} records from the DAG's task through API faults, the task killed -9 and retried, a broker restart: none lost, none changed`, { timeout: 15 * 60_000 }, async (t) => {
  const config = testConfig(t, { partitions: 3 });
  mkdirSync(ARTIFACTS, { recursive: true });
  const audit = join(ARTIFACTS, `faults-airflow-audit-${config.topic}.txt`);
  // What the task reads besides its params: the seed (so a retry replays the same pages) and the audit file.
  // Pages are PAGE users: the ingest asks for at most a quarter of --rate per request, and 2,000/4 = PAGE.
  const envFile = join(ARTIFACTS, `faults-airflow-${config.topic}.env`);
  writeFileSync(envFile, `USERSTREAM_SEED=${SEED}\nUSERSTREAM_AUDIT_FILE=${audit}\nUSERSTREAM_BATCH_SIZE=${PAGE}\n`);
  const api = await startFaultyApi();
  t.after(() => api.close());
  await ensureTopics(config, [{ name: config.topic, partitions: config.partitions }, { name: config.dlqTopic, partitions: 1 }]);
  const injected: FaultReport['injected'] = [];
  const note = (fault: string, detail: string) => injected.push({ fault, detail, count: 1, at: new Date().toISOString() });

  const engine: CliRun = startCli(['stream', '--engine', 'node', ...cliTarget(config)]);
  t.after(() => {
    if (engine.child.exitCode === null) engine.child.kill('SIGKILL');
    writeFileSync(join(ARTIFACTS, 'faults-airflow-processes.log'), `===== engine\n${engine.stderr}`);
  });

  const airflow = airflowClient(config);
  await airflow.waitForDag();
  const started = await airflow.trigger({
    duration: 1800, rate: 2000, count: RECORDS, source: api.url, kafka_brokers: config.kafkaBrokers.join(','), topic: config.topic, env_file: envFile,
  });
  const accepted = () => auditLines(audit).length;

  // 1. The task's ingest killed mid-run: the task fails and Airflow retries it.
  await waitFor('8,000 accepted by the first try', async () => (accepted() >= 8_000 ? true : undefined), 180_000);
  const pids = ingestPids(config.topic);
  assert.ok(pids.length > 0, 'the task\'s ingest process is running');
  for (const pid of pids) process.kill(pid, 'SIGKILL');
  note('task kill -9', `the DAG task's ingest process (${pids.length} process${pids.length > 1 ? 'es' : ''}) after ${accepted()} records; Airflow retries the task, which replays the seeded pages`);

  // 2. The broker killed and restarted during the retry.
  const firstTry = accepted();
  await waitFor('the retry to send 8,000 more', async () => (accepted() >= firstTry + 8_000 ? true : undefined), 240_000);
  await killService(config, 'kafka');
  note('Kafka kill -9', 'during the retried task, restarted by `stack up kafka`');
  const kafkaUp = await runCli(['stack', 'up', 'kafka']);
  assert.equal(kafkaUp.code, 0, kafkaUp.stderr);

  const run = await airflow.waitForRun(started.dag_run_id, { timeoutMs: 600_000 });
  const ti = await airflow.taskInstance(run.dag_run_id);
  const log = await airflow.taskLog(run.dag_run_id, ti.try_number);
  assert.equal(run.state, 'success', log.slice(-3000));
  assert.equal(ti.try_number, 2, 'the killed try failed and the second succeeded');
  assert.match(log, new RegExp(`ingested ${RECORDS} records in`));

  await waitFor('the engine to catch up', async () => ((await engineLag('node', config)).total === 0 ? true : undefined), 300_000);
  engine.child.kill('SIGINT');
  assert.equal((await engine.done).code, 0, engine.stderr.slice(-2000));

  const result = await reconcile(await cassandraFor(t, config), config, audit, { seed: SEED, records: RECORDS, page: PAGE });
  publishReport('airflow', {
    engine: 'node',
    label: 'ingest as the Airflow DAG task, node engine',
    at: new Date().toISOString(),
    records: RECORDS,
    ...reconciliationCounts(result),
    deadLettered: 0,
    badInjected: 0,
    badMissingFromDlq: 0,
    api: { ...api.counts },
    injected,
  });

  assertReconciled(result, RECORDS, 'every record of the seeded pages was accepted (the retry\'s replay once)');
  assert.ok(result.auditLines > RECORDS, 'the retry replayed pages the killed try had sent');
});
