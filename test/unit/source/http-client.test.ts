import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { UserstreamError } from '../../../src/errors.ts';
import { HttpUserSource, parseRetryAfter } from '../../../src/source/http-client.ts';
import { sampleUser } from '../../support/fixtures.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

/** A loopback HTTP server that answers each request with the next handler. */
async function serve(t: TestContext, handlers: Handler[]): Promise<{ url: string; requests: URL[] }> {
  const requests: URL[] = [];
  const server = createServer((req, res) => {
    requests.push(new URL(req.url ?? '/', 'http://x'));
    const n = requests.length - 1;
    (handlers[Math.min(n, handlers.length - 1)]!)(req, res, n);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`, requests };
}

const ok = (users = [sampleUser()]): Handler => (_q, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ results: users, info: { seed: 'abc', results: users.length, page: 1, version: '1.4' } }));
};
const status = (code: number, headers: Record<string, string> = {}): Handler => (_q, res) => {
  res.writeHead(code, headers);
  res.end('{"error":"busy"}');
};

const fast = { backoff: { firstMs: 1, maxMs: 5, jitter: true } };

test('asks for many users per request with seed, page and nat', async (t) => {
  const { url, requests } = await serve(t, [ok()]);
  const page = await new HttpUserSource({ url, ...fast }).fetchPage({ results: 5000, seed: 's1', page: 3, nat: 'gb,fr' });
  assert.equal(page.users.length, 1);
  assert.equal(page.info?.seed, 'abc');
  const q = requests[0]!.searchParams;
  assert.equal(q.get('results'), '5000');
  assert.equal(q.get('seed'), 's1');
  assert.equal(q.get('page'), '3');
  assert.equal(q.get('nat'), 'gb,fr');
});

test('results above the API ceiling are capped at 5000', async (t) => {
  const { url, requests } = await serve(t, [ok()]);
  await new HttpUserSource({ url, ...fast }).fetchPage({ results: 9000 });
  assert.equal(requests[0]!.searchParams.get('results'), '5000');
});

test('retries 500 and 503 and then succeeds', async (t) => {
  const { url, requests } = await serve(t, [status(500), status(503), ok()]);
  const retries: string[] = [];
  const page = await new HttpUserSource({ url, ...fast, onRetry: (i) => retries.push(i.reason) }).fetchPage({ results: 1 });
  assert.equal(page.users.length, 1);
  assert.equal(requests.length, 3);
  assert.match(retries[0]!, /HTTP 500/);
});

test('429 waits for Retry-After before asking again', async (t) => {
  const { url } = await serve(t, [status(429, { 'retry-after': '1' }), ok()]);
  const delays: number[] = [];
  const started = Date.now();
  await new HttpUserSource({ url, ...fast, onRetry: (i) => delays.push(i.delayMs) }).fetchPage({ results: 1 });
  assert.equal(delays[0], 1000);
  assert.ok(Date.now() - started >= 950);
});

test('gives up after the retry budget with a clear error', async (t) => {
  const { url, requests } = await serve(t, [status(502)]);
  await assert.rejects(new HttpUserSource({ url, ...fast, retries: 2 }).fetchPage({ results: 1 }), (e: unknown) => e instanceof UserstreamError && /HTTP 502/.test(e.message) && e.canRetry);
  assert.equal(requests.length, 3);
});

test('a 400 is not retried', async (t) => {
  const { url, requests } = await serve(t, [status(400)]);
  await assert.rejects(new HttpUserSource({ url, ...fast }).fetchPage({ results: 1 }), /HTTP 400/);
  assert.equal(requests.length, 1);
});

test('a truncated body is retried', async (t) => {
  const truncated: Handler = (_q, res) => {
    res.setHeader('content-type', 'application/json');
    res.end('{"results":[{"gender":"fem');
  };
  const { url, requests } = await serve(t, [truncated, ok()]);
  const page = await new HttpUserSource({ url, ...fast }).fetchPage({ results: 1 });
  assert.equal(page.users.length, 1);
  assert.equal(requests.length, 2);
});

test('a request that hangs times out and is retried', async (t) => {
  const hang: Handler = () => {};
  const { url, requests } = await serve(t, [hang, ok()]);
  const page = await new HttpUserSource({ url, ...fast, timeoutMs: 200 }).fetchPage({ results: 1 });
  assert.equal(page.users.length, 1);
  assert.equal(requests.length, 2);
});

test('an {"error"} answer with status 200 is retried', async (t) => {
  const err: Handler = (_q, res) => res.end('{"error":"Uh oh, something has gone wrong."}');
  const { url, requests } = await serve(t, [err, ok()]);
  await new HttpUserSource({ url, ...fast }).fetchPage({ results: 1 });
  assert.equal(requests.length, 2);
});

test('malformed results are skipped and counted, good ones kept', async (t) => {
  const bad = { ...sampleUser(), login: { username: 'x' } };
  const { url } = await serve(t, [ok([sampleUser(), bad as never])]);
  const page = await new HttpUserSource({ url, ...fast }).fetchPage({ results: 2 });
  assert.equal(page.users.length, 1);
  assert.equal(page.rejected, 1);
});

test('responses over the size limit are refused', async (t) => {
  const { url } = await serve(t, [ok()]);
  await assert.rejects(new HttpUserSource({ url, ...fast, maxBodyBytes: 100 }).fetchPage({ results: 1 }), /limit/);
});

test('an unreachable host is a clear retryable error', async () => {
  // A port that was just free: nothing listens there.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  const source = new HttpUserSource({ url: `http://127.0.0.1:${port}/api/`, ...fast, retries: 1 });
  await assert.rejects(source.fetchPage({ results: 1 }), (e: unknown) => e instanceof UserstreamError && e.canRetry && new RegExp(`cannot reach 127\\.0\\.0\\.1:${port}: ECONNREFUSED`).test(e.message));
});

test('a bad URL is refused up front', () => {
  assert.throws(() => new HttpUserSource({ url: 'not a url' }), /invalid source URL/);
  assert.throws(() => new HttpUserSource({ url: 'ftp://x/' }), /http or https/);
});

test('Retry-After as seconds or as an HTTP date', () => {
  assert.equal(parseRetryAfter('7'), 7000);
  assert.equal(parseRetryAfter('Tue, 24 Nov 2026 00:00:10 GMT', Date.parse('Tue, 24 Nov 2026 00:00:00 GMT')), 10_000);
  assert.equal(parseRetryAfter('soon'), undefined);
  assert.equal(parseRetryAfter(null), undefined);
});
