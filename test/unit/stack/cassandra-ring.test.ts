import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ringCondition, ringReadiness, type NodeView } from '../../../src/stack/cassandra-ring.ts';
import { WaitFailed } from '../../../src/retry.ts';

const V1 = '7ea31f88-79be-3e97-84d4-9bc889a8bcb3';
const V0 = '59adb24e-f3cd-3e02-97f0-5b395827453f';
const ring = ['127.0.0.1', '127.0.0.2', '127.0.0.3'];

/** A node that knows the others at `version`, connected to each. */
function healthy(node: string, version = V1, nodes = ring): NodeView {
  const others = nodes.filter((n) => n !== node);
  return { node, version, peers: Object.fromEntries(others.map((o) => [o, version])), connected: others };
}

test('a ring is ready when every node answers, knows and is connected to every other, and all agree on the schema', () => {
  const r = ringReadiness(ring, ring.map((n) => healthy(n)));
  assert.deepEqual(r, { ready: true, problems: [], summary: '3 nodes, each connected to the other 2, schema 7ea31f88' });
});

test('one node alone is ready once it answers: no peers to see', () => {
  assert.deepEqual(ringReadiness(['127.0.0.1'], [{ node: '127.0.0.1', version: V1, peers: {}, connected: [] }]), { ready: true, problems: [], summary: '1 node, schema 7ea31f88' });
  assert.equal(ringCondition(1), 'the node to answer with its schema version');
});

// Regression (CI, cluster suite): cassandra-1's messaging came up minutes
// late; it answered CQL, kept the schema it booted with, and the ring was
// declared up (the driver saw three nodes up and its control node agreed).
test('a node without messaging connections keeps the ring from ready, and the line says who misses whom and who has which schema', () => {
  const views: NodeView[] = [
    { node: '127.0.0.1', version: V0, peers: { '127.0.0.2': V0, '127.0.0.3': V0 }, connected: [] },
    { ...healthy('127.0.0.2'), connected: ['127.0.0.3'] },
    { ...healthy('127.0.0.3'), connected: ['127.0.0.2'] },
  ];
  const r = ringReadiness(ring, views);
  assert.equal(r.ready, false);
  assert.deepEqual(r.problems, [
    '127.0.0.1 has no messaging connection to 127.0.0.2 and 127.0.0.3',
    '127.0.0.2 has no messaging connection to 127.0.0.1',
    '127.0.0.3 has no messaging connection to 127.0.0.1',
    'schema versions apart: 127.0.0.2 and 127.0.0.3 at 7ea31f88, 127.0.0.1 at 59adb24e',
  ]);
  assert.equal(r.summary, r.problems.join('; '));
  assert.equal(
    new WaitFailed(ringCondition(3), r.summary, 240_000).message,
    'waited 240 s for each of the 3 nodes to answer, know the other 2 and hold a messaging connection to each, and all to agree on one schema version; ' +
      'saw 127.0.0.1 has no messaging connection to 127.0.0.2 and 127.0.0.3; 127.0.0.2 has no messaging connection to 127.0.0.1; ' +
      '127.0.0.3 has no messaging connection to 127.0.0.1; schema versions apart: 127.0.0.2 and 127.0.0.3 at 7ea31f88, 127.0.0.1 at 59adb24e',
  );
});

test('a node that does not answer, or does not know a peer yet, is waited for', () => {
  const r = ringReadiness(ring, [
    { node: '127.0.0.1', error: 'connect ECONNREFUSED 127.0.0.1:9042' },
    { node: '127.0.0.2', version: V1, peers: { '127.0.0.3': V1 }, connected: ['127.0.0.3'] },
    healthy('127.0.0.3'),
  ]);
  assert.equal(r.ready, false);
  assert.deepEqual(r.problems, [
    '127.0.0.1 does not answer CQL (connect ECONNREFUSED 127.0.0.1:9042)',
    '127.0.0.2 does not know 127.0.0.1 (not in its system.peers)',
    '127.0.0.2 has no messaging connection to 127.0.0.1',
  ]);
  assert.deepEqual(ringReadiness(ring, [healthy('127.0.0.1'), healthy('127.0.0.2')]).problems, ['127.0.0.3 does not answer CQL'], 'a node not asked at all');
});

test('the nodes agree but one still sees an old version of another: not ready until gossip catches up', () => {
  const r = ringReadiness(ring, [healthy('127.0.0.1'), { ...healthy('127.0.0.2'), peers: { '127.0.0.1': V0, '127.0.0.3': null } }, healthy('127.0.0.3')]);
  assert.equal(r.ready, false);
  assert.deepEqual(r.problems, ['gossip behind the schema 7ea31f88: 127.0.0.2 sees 127.0.0.1 at 59adb24e, 127.0.0.2 sees 127.0.0.3 at no version yet']);
});
