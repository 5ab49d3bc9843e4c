import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { BenchResult } from '../../src/bench/report.ts';
import { runBench } from '../support/bench.ts';

// The bench's smoke: every phase for a few seconds on the real stack, so
// `npm run bench` keeps working. It checks what was measured, never how fast.
test('npm run bench -- --smoke: ceilings and a node engine phase, measured on the real stack', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'bench-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const r = await runBench(['--smoke', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const files = readdirSync(out).filter((f) => f.endsWith('-smoke.json'));
  assert.equal(files.length, 1);
  const result = JSON.parse(readFileSync(join(out, files[0]!), 'utf8')) as BenchResult;
  const byPhase = new Map(result.phases.map((p) => [`${p.engine ?? ''}${p.phase}`, p]));

  const producer = byPhase.get('ceiling:producer')!;
  assert.ok(producer.produced > 0 && producer.steady.perSecond > 0);
  assert.ok(producer.processes.producer!.cores > 0, 'the producer process was measured');
  for (const variant of ['single', 'batched']) {
    const raw = byPhase.get(`ceiling:cassandra:${variant}`)!;
    assert.equal(raw.landed, raw.produced, `${variant}: every raw write is a row`);
    assert.ok(raw.steady.perSecond > 0 && raw.latencyMs!.count > 0);
  }

  const node = byPhase.get('noderate:500')!;
  assert.ok(node.produced > 0);
  assert.equal(node.landed, node.produced, 'every produced record is one row');
  assert.ok(node.latencyMs!.count > 0 && node.latencyMs!.p50 >= 0 && node.latencyMs!.p99 >= node.latencyMs!.p50);
  for (const p of ['engine', 'producer', 'kafka', 'cassandra', 'source']) assert.ok(node.processes[p], `${p} measured`);
  assert.ok(node.processes.engine!.peakRssMb > 10);

  // The markdown goes to stdout (not to docs/ in a smoke run).
  assert.match(r.stdout, /### Ceilings[\s\S]*\| node \| 500 \|/);
  assert.match(r.stdout, /smoke: too short to quote/);
});
