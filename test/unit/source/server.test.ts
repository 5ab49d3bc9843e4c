import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { generateUsers } from '../../../src/source/builtin/index.ts';
import { HttpUserSource } from '../../../src/source/http-client.ts';
import { createApiServer } from '../../../src/source/server.ts';
import type { RandomUserResponse } from '../../../src/source/types.ts';

function server(t: TestContext, options: Parameters<typeof createApiServer>[0] = {}) {
  const app = createApiServer(options);
  t.after(() => app.close());
  return app;
}

test('GET /api/ answers the built-in users for the same parameters', async (t) => {
  const app = server(t, { baseUrl: 'https://randomuser.me' });
  const res = await app.inject({ url: '/api/?results=25&seed=abc&page=2&nat=gb,fr' });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  const body = res.json<RandomUserResponse>();
  assert.deepEqual(body, generateUsers({ results: 25, seed: 'abc', page: 2, nat: 'gb,fr' }));
});

test('every API path variant answers', async (t) => {
  const app = server(t);
  for (const url of ['/api', '/api/', '/api/1.4', '/api/1.4/']) {
    const res = await app.inject({ url: `${url}?seed=x` });
    assert.equal(res.statusCode, 200, url);
    assert.equal(res.json<RandomUserResponse>().results.length, 1, url);
  }
});

test('picture URLs point back at the server from the Host header', async (t) => {
  const app = server(t);
  const res = await app.inject({ url: '/api/?seed=x', headers: { host: 'localhost:8123' } });
  assert.match(res.json<RandomUserResponse>().results[0]!.picture.large, /^http:\/\/localhost:8123\/api\/portraits\/(men|women)\/\d+\.jpg$/);
});

test('inc, exc and noinfo shape the answer', async (t) => {
  const app = server(t);
  const inc = (await app.inject({ url: '/api/?seed=x&results=2&inc=name,nat&noinfo' })).json<Record<string, unknown>>();
  assert.deepEqual(Object.keys(inc), ['results']);
  assert.deepEqual(Object.keys((inc.results as object[])[0]!), ['name', 'nat']);
  const exc = (await app.inject({ url: '/api/?seed=x&exc=login,picture' })).json<RandomUserResponse>();
  assert.ok(!('login' in exc.results[0]!) && !('picture' in exc.results[0]!));
  assert.ok(exc.info);
});

test('out-of-range and non-numeric results become 1', async (t) => {
  const app = server(t);
  for (const results of ['0', '5001', 'lots', '-4']) {
    const res = await app.inject({ url: `/api/?results=${results}` });
    assert.equal(res.json<RandomUserResponse>().results.length, 1, results);
  }
  assert.equal((await app.inject({ url: '/api/?results=5000&seed=big' })).json<RandomUserResponse>().results.length, 5000);
});

test('an unsupported format is a 400 with an error body; unknown paths are 404', async (t) => {
  const app = server(t);
  const bad = await app.inject({ url: '/api/?format=xml' });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json<{ error: string }>().error, /format/);
  const pretty = await app.inject({ url: '/api/?format=pretty&seed=x' });
  assert.equal(pretty.statusCode, 200);
  assert.match(pretty.body, /\n {2}"results"/);
  const missing = await app.inject({ url: '/nope' });
  assert.equal(missing.statusCode, 404);
  assert.ok(missing.json<{ error: string }>().error);
});

test('portraits resolve; a bad portrait path is 404', async (t) => {
  const app = server(t);
  const [u] = generateUsers({ results: 1, seed: 'pic', baseUrl: '' }).results;
  for (const url of [u!.picture.large, u!.picture.medium, u!.picture.thumbnail]) {
    const res = await app.inject({ url });
    assert.equal(res.statusCode, 200, url);
    assert.match(String(res.headers['content-type']), /^image\/svg\+xml/);
  }
  assert.equal((await app.inject({ url: '/api/portraits/cats/1.jpg' })).statusCode, 404);
  assert.equal((await app.inject({ url: '/healthz' })).json<{ status: string }>().status, 'ok');
});

test('the HTTP client reads the server over a real socket', async (t) => {
  const app = server(t);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const source = new HttpUserSource({ url: `http://127.0.0.1:${port}/api/` });
  const page = await source.fetchPage({ results: 1000, seed: 'wire', page: 1, nat: 'ir,no' });
  assert.equal(page.users.length, 1000);
  assert.equal(page.rejected, 0);
  assert.equal(page.info?.seed, 'wire');
  const local = generateUsers({ results: 1000, seed: 'wire', nat: 'ir,no', baseUrl: `http://127.0.0.1:${port}` });
  assert.deepEqual(page.users, local.results);
});
