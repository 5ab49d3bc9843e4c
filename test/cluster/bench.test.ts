import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { BenchResult } from '../../src/bench/report.ts';
import { runBench } from '../support/bench.ts';
import { runCli } from '../support/cli.ts';

// The scale-out bench's smoke on the real cluster: every kind of phase for a
// few seconds, so `npm run bench -- --cluster` keeps working. It checks what
// was measured, never how fast.
test('npm run bench -- --cluster --smoke: the ring\'s raw ceiling, two node engines in one group, Spark on the cluster\'s workers; the cluster is left as it was', { timeout: 15 * 60_000 }, async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'bench-cluster-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const r = await runBench(['--cluster', '--smoke', '--out', out]);
  assert.equal(r.code, 0, r.stderr.slice(-4000));
  const files = readdirSync(out).filter((f) => f.endsWith('-smoke-cluster.json'));
  assert.equal(files.length, 1, readdirSync(out).join(', '));
  const result = JSON.parse(readFileSync(join(out, files[0]!), 'utf8')) as BenchResult;

  const raw = result.phases.find((p) => p.phase === 'ceiling:cassandra:batched')!;
  assert.equal(raw.landed, raw.produced, 'every raw write is a row');
  for (const node of ['cassandra-1', 'cassandra-2', 'cassandra-3']) assert.ok(raw.processes[node], `${node} measured`);
  assert.ok(raw.machineBusy! > 0 && raw.machineBusy! <= 1);

  const drains = result.phases.filter((p) => p.phase === 'drain');
  const two = drains.find((p) => p.engine === 'node' && p.instances === 2)!;
  assert.ok(two.processes['engine-1'] && two.processes['engine-2'], 'both instances measured');
  for (const broker of ['kafka-1', 'kafka-2', 'kafka-3']) assert.ok(two.processes[broker], `${broker} measured`);
  assert.ok(drains.find((p) => p.engine === 'node' && p.instances === 1));
  // A smoke runs Spark on the workers the cluster runs: no Connect server restart to resize it.
  const spark = drains.find((p) => p.engine === 'spark' && p.sparkWorkers === 2)!;
  assert.ok(spark.processes['spark-worker-1'] && spark.processes['spark-worker-2'], 'Spark ran on both workers');
  assert.doesNotMatch(r.stderr, /restarting the Connect server/);
  const duration = Number(/\+ (\d+)$/.exec(String(result.settings['seconds per phase']))?.[1]);
  assert.ok(duration > 0, String(result.settings['seconds per phase']));
  for (const p of drains) {
    // Counted from the rows' write times: a batch that outlasts the window still shows as the rows it wrote in it.
    const name = `${p.engine} × ${p.instances ?? p.sparkWorkers}`;
    assert.ok(p.drain!.rows > 0, `${name} drained rows in its window`);
    assert.ok(p.drain!.seconds > 0 && p.drain!.seconds <= duration, `${name}: the window is the ${duration} s after the warm-up, at most (${p.drain!.seconds} s)`);
    assert.ok(p.landed <= p.produced, `${name}: no more rows than records`);
    assert.equal(p.perSecond.reduce((a, b) => a + b, 0), p.landed, `${name}: every row in the timeline`);
  }
  assert.match(r.stdout, /\| node engine × 2 \(one group\) \|/);
  assert.match(r.stdout, /\| Spark engine, 2 workers \|/);

  // Left as `stack up --cluster` makes it: the second worker and its executor back.
  const status = (await runCli(['stack', 'status'], { USERSTREAM_CLUSTER: 'true' })).stdout;
  assert.match(status, /spark-worker-2\s+\S+\s+running/, status);
});
