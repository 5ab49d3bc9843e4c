import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import type cassandra from 'cassandra-driver';
import { agreementFailure, majorityVersion, nodeList, schemaAgreement, type HostSchema } from '../../../src/cassandra/agreement.ts';
import { ensureSchema } from '../../../src/cassandra/schema.ts';
import { UserstreamError } from '../../../src/errors.ts';

const V1 = '7ea31f88-79be-3e97-84d4-9bc889a8bcb3';
const V2 = '5b1e2f3a-0000-3000-8000-000000000000';
const n = (i: number) => `127.0.0.${i}:9042`;

test('nodes up that all answer one schema version agree; the line says who has which', () => {
  const agreed = schemaAgreement([1, 2, 3].map((i) => ({ address: n(i), up: true, version: V1 })));
  assert.deepEqual(agreed, { agreed: true, waitedFor: [n(1), n(2), n(3)], saw: '127.0.0.1:9042, 127.0.0.2:9042 and 127.0.0.3:9042 at 7ea31f88' });

  const apart = schemaAgreement([{ address: n(1), up: true, version: V2 }, { address: n(2), up: true, version: V1 }, { address: n(3), up: true, version: V1 }]);
  assert.equal(apart.agreed, false);
  assert.equal(apart.saw, '127.0.0.2:9042 and 127.0.0.3:9042 at 7ea31f88, 127.0.0.1:9042 at 5b1e2f3a', 'the larger group first');
});

test('a node down is not waited for (it pulls the schema when it comes back); one up that does not answer is', () => {
  const down = schemaAgreement([{ address: n(1), up: false }, { address: n(2), up: true, version: V1 }, { address: n(3), up: true, version: V1 }]);
  assert.equal(down.agreed, true);
  assert.deepEqual(down.waitedFor, [n(2), n(3)]);
  assert.equal(down.saw, '127.0.0.2:9042 and 127.0.0.3:9042 at 7ea31f88; 127.0.0.1:9042 down, not waited for');

  const silent = schemaAgreement([{ address: n(1), up: true, error: 'Operation timed out' }, { address: n(2), up: true, version: V1 }]);
  assert.equal(silent.agreed, false);
  assert.equal(silent.saw, '127.0.0.2:9042 at 7ea31f88; 127.0.0.1:9042 did not answer (Operation timed out)');

  const none = schemaAgreement([{ address: n(1), up: false }]);
  assert.equal(none.agreed, false, 'no node up is no agreement');
  assert.match(agreementFailure('creating ks.t', 'after CREATE KEYSPACE ks', 60_000, none), /waited 60 s for any node up to report one schema version; saw 127\.0\.0\.1:9042 down, not waited for$/);
});

test('a required node (a coordinator that just answered) is waited for even when the driver sees it down', () => {
  const hosts: HostSchema[] = [{ address: n(1), up: false, version: V2 }, { address: n(2), up: true, version: V1 }];
  assert.equal(schemaAgreement(hosts).agreed, true);
  const required = schemaAgreement(hosts, [n(1)]);
  assert.equal(required.agreed, false);
  assert.deepEqual(required.waitedFor, [n(1), n(2)]);
  assert.equal(schemaAgreement([{ address: n(2), up: true, version: V1 }], [n(4)]).saw, '127.0.0.2:9042 at 7ea31f88; 127.0.0.4:9042 did not answer (not known to the driver)');
});

test('the failure line names what was waited for, how long, and who has which version', () => {
  const last = schemaAgreement([{ address: n(1), up: true, version: V2 }, { address: n(2), up: true, version: V1 }, { address: n(3), up: false }]);
  assert.equal(
    agreementFailure('creating it_1.users', 'after CREATE KEYSPACE it_1', 60_400, last),
    'creating it_1.users: the nodes did not agree on the schema after CREATE KEYSPACE it_1: waited 60 s for 127.0.0.1:9042 and 127.0.0.2:9042 to report one schema version; ' +
      'saw 127.0.0.1:9042 at 5b1e2f3a, 127.0.0.2:9042 at 7ea31f88; 127.0.0.3:9042 down, not waited for',
  );
  assert.equal(nodeList(['a', 'b', 'c']), 'a, b and c');
});

/**
 * A ring as the driver sees it, enough for ensureSchema: each node has its
 * own schema (a set of keyspaces and tables, its version a digest of it), a
 * statement goes to the nodes in turn, and a change reaches another node
 * after that node was asked its version `lag` times (Infinity: never).
 */
function fakeRing(nodes: { up?: boolean; lag?: number }[]) {
  const state = nodes.map((o, i) => ({ address: n(i + 1), up: o.up ?? true, lag: o.lag ?? 0, schema: new Set<string>(), pending: [] as { item: string; after: number }[], asked: 0 }));
  const version = (s: Set<string>) => {
    const h = createHash('md5').update([...s].sort().join(',')).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  };
  const sent: { cql: string; to: string }[] = [];
  let next = 0;
  const client = {
    hosts: { values: () => state.map((s) => ({ address: s.address, datacenter: 'datacenter1', isUp: () => s.up })) },
    metadata: { keyspaces: {}, refreshKeyspace: async () => {} },
    async execute(cql: string, _params?: unknown, options?: { host?: { address: string } }) {
      if (options?.host) {
        const node = state.find((s) => s.address === options.host!.address)!;
        node.asked++;
        for (const p of node.pending.filter((p) => node.asked >= p.after)) node.schema.add(p.item);
        node.pending = node.pending.filter((p) => node.asked < p.after);
        return { first: () => ({ get: () => version(node.schema) }) };
      }
      const up = state.filter((s) => s.up);
      const to = up[next++ % up.length]!;
      sent.push({ cql, to: to.address });
      const ks = /KEYSPACE IF NOT EXISTS (\w+)/.exec(cql)?.[1];
      const table = /TABLE IF NOT EXISTS (\w+)\.(\w+)/.exec(cql);
      if (table && !to.schema.has(`ks:${table[1]}`)) throw Object.assign(new Error(`Keyspace '${table[1]}' doesn't exist`), { coordinator: to.address });
      const item = ks ? `ks:${ks}` : `table:${table![1]}.${table![2]}`;
      to.schema.add(item);
      for (const other of state) if (other !== to) other.pending.push({ item, after: other.asked + other.lag });
      return {};
    },
  };
  return { client: client as unknown as cassandra.Client, state, sent };
}

const table = { keyspace: 'it_3b533f2c', table: 'created_users', cassandraHosts: [n(1)], cassandraDc: 'datacenter1', keyspaceReplication: 'auto' };

// Regression (CI, cluster suite): CREATE TABLE right after CREATE KEYSPACE
// reached a node the keyspace had not reached yet, and the engine exited
// with "Keyspace 'it_3b533f2c' doesn't exist".
test('each schema change waits until the nodes up agree, so the next statement finds the keyspace on the node that lagged', async () => {
  const ring = fakeRing([{}, { lag: 1 }, { lag: 2 }]);
  await ensureSchema(ring.client, table, { agreementTimeoutMs: 5_000 });
  assert.deepEqual(ring.sent.map((s) => s.cql.split(' (')[0]), ['CREATE KEYSPACE IF NOT EXISTS it_3b533f2c WITH replication = {\'class\': \'NetworkTopologyStrategy\', \'datacenter1\': \'3\'}', 'CREATE TABLE IF NOT EXISTS it_3b533f2c.created_users']);
  assert.equal(ring.sent[1]!.to, n(2), 'the table went to another node than the keyspace, and found it there');
  assert.ok(ring.state[2]!.asked >= 2, 'the lagging node was asked until it caught up');
  assert.ok(ring.state.every((s) => s.schema.size === 2), 'every node has both');
});

test('a node down is not waited for: the schema changes go through the nodes up at once', async () => {
  const ring = fakeRing([{ up: false, lag: Infinity }, {}, {}]);
  const started = Date.now();
  await ensureSchema(ring.client, table, { agreementTimeoutMs: 5_000 });
  assert.ok(Date.now() - started < 1_000);
  assert.equal(ring.state[0]!.asked, 0, 'the node down is not asked');
});

test('a node up that stays apart: past the deadline the change goes on with the majority, and a warning names who has which version', async () => {
  const ring = fakeRing([{}, {}, { lag: Infinity }]);
  const warnings = await ensureSchema(ring.client, table, { agreementTimeoutMs: 100 });
  assert.equal(warnings.length, 2, warnings.join('\n'));
  assert.match(
    warnings[0]!,
    /^creating it_3b533f2c\.created_users: the nodes did not agree on the schema after CREATE KEYSPACE it_3b533f2c: waited 0 s for 127\.0\.0\.1:9042, 127\.0\.0\.2:9042 and 127\.0\.0\.3:9042 to report one schema version; saw 127\.0\.0\.1:9042 and 127\.0\.0\.2:9042 at [0-9a-f]{8}, 127\.0\.0\.3:9042 at [0-9a-f]{8}; going on with the majority/,
  );
  assert.ok(ring.state[0]!.schema.has('table:it_3b533f2c.created_users') && ring.state[1]!.schema.has('table:it_3b533f2c.created_users'), 'the majority has the table');
});

test('without a majority the change fails at the deadline, naming who has which version', async () => {
  const ring = fakeRing([{}, { lag: Infinity }]);
  const error = await ensureSchema(ring.client, table, { agreementTimeoutMs: 100 }).catch((e: unknown) => e);
  assert.ok(error instanceof UserstreamError);
  assert.equal(error.canRetry, true);
  assert.match(error.message, /^creating it_3b533f2c\.created_users: the nodes did not agree on the schema after CREATE KEYSPACE it_3b533f2c: waited 0 s for 127\.0\.0\.1:9042 and 127\.0\.0\.2:9042 to report one schema version; saw /);
  assert.equal(ring.sent.length, 1, 'no CREATE TABLE while no majority has the keyspace');
});

test('the majority counts the nodes down too', () => {
  const h = (address: string, version?: string, up = true): HostSchema => ({ address, up, ...(version ? { version } : {}) });
  assert.equal(majorityVersion([h('a', 'v1'), h('b', 'v1'), h('c', 'v2')]), 'v1');
  assert.equal(majorityVersion([h('a', 'v1'), h('b', undefined, false), h('c', 'v2')]), undefined);
  assert.equal(majorityVersion([h('a', 'v1'), h('b', 'v1'), h('c', undefined, false)]), 'v1');
});

test('a coordinator that came up after the wait and answers that the keyspace does not exist is waited for, then the statement is sent again', async () => {
  const ring = fakeRing([{}, { up: false, lag: 2 }]);
  const client = ring.client as unknown as { execute: (cql: string, p?: unknown, o?: { host?: { address: string } }) => Promise<unknown> };
  const execute = client.execute.bind(client);
  // cassandra-2 comes back (the driver reconnects) once the keyspace's wait is done, before the CREATE TABLE.
  client.execute = async (cql, p, o) => {
    if (cql.startsWith('CREATE TABLE')) ring.state[1]!.up = true;
    return execute(cql, p, o);
  };
  await ensureSchema(ring.client, table, { agreementTimeoutMs: 5_000 });
  const tables = ring.sent.filter((s) => s.cql.startsWith('CREATE TABLE'));
  assert.deepEqual(tables.map((s) => s.to), [n(2), n(1)], 'refused by the node behind, then sent again');
  assert.ok(ring.state[1]!.asked >= 2, 'the node behind was asked until it had the keyspace');

  const other = fakeRing([{}]);
  const failing = other.client as unknown as { execute: (cql: string) => Promise<unknown> };
  failing.execute = async () => {
    throw new Error('Cannot achieve consistency level QUORUM');
  };
  await assert.rejects(ensureSchema(other.client, table, { agreementTimeoutMs: 5_000 }), /Cannot achieve consistency level QUORUM/, 'any other error is not retried');
});
