import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { countRows } from '../../src/cassandra/schema.ts';
import { ingest } from '../../src/ingest/ingest.ts';
import { endOffsets, ensureTopics } from '../../src/kafka/admin.ts';
import { createRecordProducer } from '../../src/kafka/producer.ts';
import { metrics } from '../../src/metrics/metrics.ts';
import { BuiltinUserSource } from '../../src/source/open.ts';
import { ARTIFACTS, launchChromium } from '../support/browser.ts';
import { cliTarget, runCli, startCli } from '../support/cli.ts';
import { cassandraFor, testConfig, waitFor } from '../support/stack.ts';
import { freePort } from '../support/ports.ts';

/** One value of a Prometheus text exposition, by metric name and labels. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

test('the dashboard during `up --follow`: the numbers move, the user cards render with pictures (offline), on a phone too', async (t) => {
  const config = testConfig(t);
  const port = await freePort();
  const run = startCli([
    'up', '--follow', '--engine', 'node', '--no-airflow', '--source', 'builtin', '--rate', '300', '--batch-size', '100',
    '--dashboard-port', String(port), ...cliTarget(config),
  ]);
  // Stopped at the end of the test, not in an after hook: testConfig's hook, registered first, runs
  // first and deletes the topic, and a run whose topic is gone retries its last batch for the whole
  // --send-timeout (two minutes of this test went that way). This one is for a test that failed.
  t.after(() => {
    if (run.child.exitCode === null) run.child.kill('SIGKILL');
  });
  const url = await waitFor('the dashboard URL in the log', async () => {
    if (run.child.exitCode !== null) throw new Error(`up exited early: ${run.stderr}`);
    return /dashboard on (http:\/\/[^\s"]+)/.exec(run.stderr)?.[1];
  }, 120_000);
  assert.equal(url, `http://127.0.0.1:${port}/`);

  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(url);
  await page.getByRole('status').filter({ hasText: 'Live.' }).waitFor({ timeout: 15_000 });

  const number = async (id: string) => Number(((await page.getByTestId(id).textContent()) ?? '').replace(/[^\d]/g, '') || 'NaN');
  // The numbers move: records keep arriving in Kafka and rows in Cassandra.
  const produced0 = await number('produced');
  await waitFor('more records in Kafka on the page', async () => ((await number('produced')) > produced0 ? true : undefined), 15_000);
  const rows0 = await waitFor('a row count', async () => {
    const n = await number('rows');
    return Number.isFinite(n) && n > 0 ? n : undefined;
  }, 20_000);
  await waitFor('more rows on the page', async () => ((await number('rows')) > rows0 ? true : undefined), 20_000);
  await waitFor('an ingest rate', async () => ((await number('rate')) > 0 ? true : undefined), 10_000);

  // User cards with their pictures: the built-in source's URLs point at
  // randomuser.me, unreachable here, so each falls back to the dashboard's own.
  await waitFor('six user cards with loaded pictures', async () => {
    const loaded = await page.locator('[data-testid=users] li img').evaluateAll((imgs) =>
      imgs.filter((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0).length,
    );
    return loaded >= 6 ? true : undefined;
  }, 30_000);
  const alts = await page.locator('[data-testid=users] li img').evaluateAll((imgs) => imgs.map((i) => i.getAttribute('alt') ?? ''));
  assert.ok(alts.every((a) => /^Portrait of \S/.test(a)), alts.join(' | '));

  // Per-partition lag from the engine's consumer group; services answer.
  assert.equal(await page.locator('#partitions tr').count(), config.partitions);
  await page.getByText(`From consumer group ${config.groupId}`).waitFor();
  await page.locator('#services li', { hasText: 'kafka' }).getByText(/^up — /).waitFor({ timeout: 15_000 });
  await page.locator('#services li', { hasText: 'cassandra' }).getByText(/^up — /).waitFor();

  // A message that is not a user: its reason appears with its count, read from the DLQ.
  const bad = createRecordProducer(config, 'it-dashboard-bad');
  await bad.send({ messages: [{ topic: config.topic, key: 'bad-1', value: Buffer.from('not a user') }, { topic: config.topic, key: 'bad-2', value: Buffer.from('{"id": 1') }] });
  await bad.close();
  const reason = page.locator('[data-testid=reasons] tr', { hasText: 'value is not JSON' });
  await reason.waitFor({ timeout: 30_000 });
  await waitFor('both dead letters counted', async () => ((await reason.locator('td').textContent()) === '2' ? true : undefined), 30_000);
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });

  // Keyboard: the skip link first, then the pause button, which toggles.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to the numbers');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  assert.equal(await page.getByRole('button', { name: 'Resume updates' }).getAttribute('aria-pressed'), 'true');

  // A phone-sized screen: nothing wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole('button', { name: 'Resume updates' }).click();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than a 390px screen`);
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard-phone.png'), fullPage: true });

  // Ctrl-C with the page still open: the ingest stops, the engine drains, the summary prints.
  run.child.kill('SIGINT');
  const stopped = await run.done;
  assert.equal(stopped.code, 0, stopped.stderr.slice(-2000));
  assert.match(stopped.stdout, /userstream up: done/);
});

for (const engine of ['node', 'spark']) {
test(`metrics of the ${engine} engine match the rows in Cassandra, the latency histogram counts every row`, async (t) => {
  const config = testConfig(t);
  const port = await freePort();
  const stream = startCli(['stream', '--engine', engine, '--metrics-port', String(port), ...cliTarget(config)]);
  t.after(() => {
    if (stream.child.exitCode === null) stream.child.kill('SIGKILL');
  });
  await waitFor(`the metrics endpoint${engine === 'spark' ? ' and the queries' : ''}`, async () => {
    if (engine === 'spark' && !/rejects → /.test(stream.stderr)) return undefined;
    const res = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => undefined);
    return res?.ok ? true : undefined;
  }, 60_000);
  const produced = await runCli(['ingest', '--source', 'builtin', '--count', '3000', '--rate', '0', '--topic', config.topic]);
  assert.equal(produced.code, 0, produced.stderr);
  const client = await cassandraFor(t, config);
  await waitFor('3000 rows', async () => ((await countRows(client, config)) === 3000 ? true : undefined), 60_000);

  const rows = await countRows(client, config);
  // The rows are acknowledged before the counters move: give them a moment.
  const text = await waitFor('the written counter to reach the row count', async () => {
    const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    return sample(body, 'userstream_sink_rows_written_total', `engine="${engine}"`) === rows ? body : undefined;
  }, 30_000);
  assert.equal(sample(text, 'userstream_engine_consumed_total', `engine="${engine}"`), 3000);
  assert.equal(sample(text, 'userstream_engine_dead_lettered_total', `engine="${engine}"`) ?? 0, 0);
  assert.equal(sample(text, 'userstream_end_to_end_latency_seconds_count', `engine="${engine}"`), rows);
  assert.ok(sample(text, 'userstream_end_to_end_latency_seconds_bucket', `le="120",engine="${engine}"`)! <= rows);
  assert.match(text, /^# TYPE userstream_end_to_end_latency_seconds histogram$/m);
  // Stopped here, while its topic exists (testConfig's cleanup runs before later after hooks).
  stream.child.kill('SIGINT');
  assert.equal((await stream.done).code, 0, stream.stderr.slice(-2000));
});
}

test('the ingest counters match what Kafka holds', async (t) => {
  const config = testConfig(t, { count: 2500, duration: 60, rate: 0 });
  await ensureTopics(config, [{ name: config.topic, partitions: config.partitions }]);
  const before = (await metrics.registry.getSingleMetricAsString('userstream_ingest_produced_total')).match(/ (\d+)$/m)?.[1];
  const progress = await ingest({ config, source: new BuiltinUserSource() });
  const after = (await metrics.registry.getSingleMetricAsString('userstream_ingest_produced_total')).match(/ (\d+)$/m)?.[1];
  const inKafka = [...(await endOffsets(config, config.topic)).values()].reduce((s, o) => s + Number(o), 0);
  assert.equal(inKafka, 2500);
  assert.equal(Number(after) - Number(before ?? 0), inKafka);
  assert.equal(progress.produced, inKafka);
});
