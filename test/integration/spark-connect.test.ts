import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { loadConfig } from '../../src/config/load.ts';
import {
  SparkAnalysisError, SparkParseError, SparkSession, SparkUnavailableError, inputRows,
} from '../../src/spark-connect/index.ts';
import { waitFor } from '../support/stack.ts';

const config = loadConfig({}, process.env);

function session(t: TestContext): SparkSession {
  const spark = SparkSession.connect(config.sparkConnectUrl);
  t.after(() => spark.stop());
  return spark;
}

test('version, SQL, and typed rows from Arrow', async (t) => {
  const spark = session(t);
  assert.match(await spark.version(), /^3\.5\.\d+$/);
  const df = await spark.sql("SELECT 1 AS a, 'zoë' AS b, CAST(5000000000 AS BIGINT) AS c, TIMESTAMP'2026-01-02 03:04:05' AS ts, CAST(NULL AS STRING) AS n");
  const [row] = await df.collect();
  assert.equal(row!.a, 1);
  assert.equal(row!.b, 'zoë');
  assert.equal(row!.c, 5000000000n);
  assert.ok(row!.ts instanceof Date);
  assert.equal(row!.n, null);
  assert.deepEqual(await df.schema(), [
    { name: 'a', type: 'int', nullable: false },
    { name: 'b', type: 'string', nullable: false },
    { name: 'c', type: 'bigint', nullable: false },
    { name: 'ts', type: 'timestamp', nullable: false },
    { name: 'n', type: 'string', nullable: true },
  ]);
});

test('range, filter, withColumn, selectExpr, count and show run on the executor', async (t) => {
  const spark = session(t);
  const df = spark.range(0, 10_000, 1, 4).filter('id % 3 = 0').withColumn('sq', 'id * id').selectExpr('id', 'sq', "concat('u', id) AS name");
  assert.equal(await df.count(), 3334);
  const rows = await df.limit(2).collect();
  assert.deepEqual(rows, [{ id: 0n, sq: 0n, name: 'u0' }, { id: 3n, sq: 9n, name: 'u3' }]);
  assert.deepEqual(await df.select('name').limit(1).collect(), [{ name: 'u0' }]);
  const shown = await df.showString(2);
  assert.match(shown, /\|\s*id\|\s*sq\|name\|/);
  assert.match(shown, /only showing top 2 rows/);
  assert.equal(await df.isStreaming(), false);
});

test('session config round-trips', async (t) => {
  const spark = session(t);
  await spark.conf.set('spark.sql.shuffle.partitions', 7);
  assert.equal(await spark.conf.get('spark.sql.shuffle.partitions'), '7');
});

test('Spark errors arrive typed, with their error class', async (t) => {
  const spark = session(t);
  await assert.rejects(async () => (await spark.sql('SELECT * FROM no_such_table')).collect(), (e: unknown) => {
    assert.ok(e instanceof SparkAnalysisError, String(e));
    assert.equal(e.errorClass, 'TABLE_OR_VIEW_NOT_FOUND');
    return true;
  });
  await assert.rejects(spark.sql('SELEC 1'), (e: unknown) => {
    assert.ok(e instanceof SparkParseError, String(e));
    assert.equal(e.errorClass, 'PARSE_SYNTAX_ERROR');
    return true;
  });
  await assert.rejects(spark.range(3).selectExpr('no_such_column').collect(), (e: unknown) => e instanceof SparkAnalysisError && e.errorClass === 'UNRESOLVED_COLUMN.WITH_SUGGESTION');
});

test('an address where nothing listens is SparkUnavailableError after the retries', async () => {
  const spark = SparkSession.connect('sc://127.0.0.1:1', { retry: { retries: 2, backoff: { firstMs: 10, maxMs: 20, jitter: true } } });
  try {
    await assert.rejects(spark.version(), (e: unknown) => e instanceof SparkUnavailableError && e.transient);
  } finally {
    spark.stop();
  }
});

test('a streaming query: start, progress, status, results, stop', async (t) => {
  const spark = session(t);
  const name = `it_rate_${Date.now()}`;
  const query = await spark.readStream.format('rate').option('rowsPerSecond', 50).load()
    .selectExpr('value', 'value % 2 = 0 AS even')
    .writeStream.format('memory').queryName(name).outputMode('append').trigger({ processingTime: '500 milliseconds' })
    .start();
  t.after(() => query.stop().catch(() => {}));
  assert.equal(query.name, name);
  assert.match(query.id, /^[0-9a-f-]{36}$/);
  assert.ok((await spark.streams.active()).some((q) => q.id === query.id));
  const progress = await waitFor('a progress report with rows', async () => {
    const p = await query.lastProgress();
    return inputRows(p) > 0 ? p : undefined;
  });
  assert.equal(progress!.name, name);
  assert.equal((await query.status()).isActive, true);
  const rows = await waitFor('rows in the memory sink', async () => {
    const r = await (await spark.sql(`SELECT count(*) AS n FROM ${name}`)).collect();
    return Number(r[0]!.n) > 0 ? Number(r[0]!.n) : undefined;
  });
  assert.ok(rows > 0);
  await query.stop();
  assert.equal(await query.isActive(), false);
  assert.equal(await query.awaitTermination(1000), true);
  assert.equal(await query.exception(), undefined);
});
