import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { serveMetrics } from '../../../src/metrics/server.ts';
import { freePort } from '../../support/ports.ts';

test("stream's /healthz: 503 with its state until the engine runs, then 200; /metrics beside it", async () => {
  const port = await freePort();
  let state = 'starting';
  const close = await serveMetrics({ metricsPort: port, metricsHost: '127.0.0.1' }, pino({ level: 'silent' }), () => ({ ok: state === 'running', state }));
  try {
    const before = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(before.status, 503);
    assert.deepEqual(await before.json(), { status: 'starting' });
    state = 'running';
    const after = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(after.status, 200);
    assert.deepEqual(await after.json(), { status: 'running' });
    assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`)).status, 200);
  } finally {
    await close();
  }
});

test('without a health to report (ingest) there is no /healthz, only /metrics', async () => {
  const port = await freePort();
  const close = await serveMetrics({ metricsPort: port, metricsHost: '127.0.0.1' }, pino({ level: 'silent' }));
  try {
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 404);
    assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`)).status, 200);
  } finally {
    await close();
  }
});
