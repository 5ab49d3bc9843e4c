import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DAG_ID, TASK_ID } from '../../src/airflow/client.ts';
import { countRows } from '../../src/cassandra/schema.ts';
import { airflowClient, failureReason, runConf, runDag } from '../../src/cli/dag-run.ts';
import { createEngine } from '../../src/engines/index.ts';
import { join } from 'node:path';
import { ARTIFACTS, launchChromium } from '../support/browser.ts';
import { cassandraFor, quietLog, testConfig, waitFor } from '../support/stack.ts';

test('the DAG loads without import errors, daily, without catch-up, and its first scheduled run is the next midnight', async (t) => {
  const client = airflowClient(testConfig(t));
  await client.waitForDag();
  assert.deepEqual(await client.importErrors(), []);
  const dag = await client.dag();
  assert.equal(dag.dag_id, DAG_ID);
  assert.equal(dag.timetable_summary, '0 0 * * *');
  // Not the midnight that has passed: that run would start as soon as `up`
  // unpauses the DAG and stream beside the run `up` triggers.
  assert.ok(dag.next_dagrun_run_after, 'the DAG has a next scheduled run');
  assert.ok(Date.parse(dag.next_dagrun_run_after) > Date.now(), `next scheduled run ${dag.next_dagrun_run_after} is in the past`);
});

test('a triggered run streams through Kafka and its records reach Cassandra; the task log shows the summary', async (t) => {
  const config = testConfig(t, { source: 'builtin', count: 1500, duration: 60, seed: undefined });
  const engine = createEngine('node', { config, log: quietLog });
  t.after(() => engine.stop());
  await engine.start();
  const { run, log } = await runDag(airflowClient(config), runConf(config), () => {});
  assert.equal(run.state, 'success', log);
  assert.match(log, /ingested 1500 records in/);
  assert.match(log, /ingest: builtin → /);
  await waitFor('the engine to catch up', async () => ((await engine.caughtUp()) ? true : undefined));
  const client = await cassandraFor(t, config);
  assert.equal(await countRows(client, config), 1500);

  // The Airflow UI shows the same run as a success, with the ingest's log.
  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(config.airflowUrl);
  await page.getByLabel('Username').fill(config.airflowUser);
  await page.getByLabel('Password').fill(config.airflowPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/auth'));
  await page.goto(`${config.airflowUrl}/dags/${DAG_ID}/runs/${encodeURIComponent(run.dag_run_id)}/tasks/${TASK_ID}`);
  await page.getByText('ingested 1500 records in').waitFor({ timeout: 30_000 });
  await page.getByText('Success', { exact: true }).first().waitFor();
  await page.getByText(run.dag_run_id).first().waitFor();
  await page.screenshot({ path: join(ARTIFACTS, 'airflow-run.png') });
});

test('a run with Kafka down fails the task, and its log says why', async (t) => {
  const config = testConfig(t, { source: 'builtin', count: 10, duration: 30, kafkaBrokers: ['127.0.0.1:1'] });
  const { run, log } = await runDag(airflowClient(config), runConf(config), () => {});
  assert.equal(run.state, 'failed');
  assert.match(failureReason(log), /^userstream: .*Kafka 127\.0\.0\.1:1/);
  assert.match(log, /Command exited with return code 1/);
});
