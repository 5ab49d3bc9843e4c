import assert from 'node:assert/strict';
import { test } from 'node:test';
import cassandra from 'cassandra-driver';
import { createKeyspaceCql, keyspaceReplication, replicasIn, replicationCql } from '../../src/cassandra/schema.ts';
import { consistencyOf } from '../../src/cassandra/session.ts';
import { loadConfig } from '../../src/config/load.ts';
import { topicReplication } from '../../src/kafka/admin.ts';

test('topic replication: auto is 3 with min ISR 2 on three brokers or more, 1 and 1 below; settings win', () => {
  assert.deepEqual(topicReplication({}, 1), { factor: 1, minIsr: 1 });
  assert.deepEqual(topicReplication({}, 2), { factor: 1, minIsr: 1 });
  assert.deepEqual(topicReplication({}, 3), { factor: 3, minIsr: 2 });
  assert.deepEqual(topicReplication({}, 5), { factor: 3, minIsr: 2 });
  assert.deepEqual(topicReplication({ replicationFactor: 2 }, 5), { factor: 2, minIsr: 1 });
  assert.deepEqual(topicReplication({ replicationFactor: 5, minInsyncReplicas: 3 }, 5), { factor: 5, minIsr: 3 });
  assert.deepEqual(topicReplication({ replicationFactor: 'auto', minInsyncReplicas: 1 }, 3), { factor: 3, minIsr: 1 });
});

test('keyspace replication: auto follows the local data centre; simple:N and dc:N lists as asked', () => {
  assert.deepEqual(keyspaceReplication('auto', 'datacenter1', 1), { class: 'NetworkTopologyStrategy', factors: { datacenter1: 1 } });
  assert.deepEqual(keyspaceReplication('auto', 'datacenter1', 3), { class: 'NetworkTopologyStrategy', factors: { datacenter1: 3 } });
  assert.deepEqual(keyspaceReplication('simple:2', 'dc', 3), { class: 'SimpleStrategy', factor: 2 });
  assert.deepEqual(keyspaceReplication('east:3,west:2', 'east', 3), { class: 'NetworkTopologyStrategy', factors: { east: 3, west: 2 } });
  assert.equal(replicationCql({ class: 'SimpleStrategy', factor: 1 }), "{'class': 'SimpleStrategy', 'replication_factor': '1'}");
  assert.equal(
    createKeyspaceCql('ks', { class: 'NetworkTopologyStrategy', factors: { east: 3, west: 2 } }),
    "CREATE KEYSPACE IF NOT EXISTS ks WITH replication = {'class': 'NetworkTopologyStrategy', 'east': '3', 'west': '2'}",
  );
  // What an existing keyspace keeps, as the driver's metadata describes it.
  assert.deepEqual(replicasIn('org.apache.cassandra.locator.SimpleStrategy', { replication_factor: '1' }, ['datacenter1']), { datacenter1: 1 });
  assert.deepEqual(replicasIn('org.apache.cassandra.locator.NetworkTopologyStrategy', { east: '3' }, ['east', 'west']), { east: 3, west: 0 });
});

test('replication and consistency settings: flags, defaults and bad values', () => {
  const c = loadConfig({}, {});
  assert.equal(c.replicationFactor, 'auto');
  assert.equal(c.minInsyncReplicas, 'auto');
  assert.equal(c.keyspaceReplication, 'auto');
  assert.equal(c.writeConsistency, 'LOCAL_QUORUM');
  assert.equal(c.readConsistency, 'LOCAL_QUORUM');
  const set = loadConfig({ replicationFactor: '3', keyspaceReplication: 'datacenter1:3', writeConsistency: 'quorum', readConsistency: 'local-one' }, {});
  assert.equal(set.replicationFactor, 3);
  assert.equal(set.writeConsistency, 'QUORUM');
  assert.equal(set.readConsistency, 'LOCAL_ONE');
  assert.throws(() => loadConfig({ keyspaceReplication: 'three' }, {}), /invalid --keyspace-replication "three": expected auto, simple:<factor>/);
  assert.throws(() => loadConfig({ writeConsistency: 'most' }, {}), /invalid --write-consistency "most"/);
  assert.throws(() => loadConfig({ replicationFactor: '0' }, {}), /invalid --replication-factor "0"/);
  assert.equal(consistencyOf('LOCAL_QUORUM'), cassandra.types.consistencies.localQuorum);
  assert.equal(consistencyOf('EACH_QUORUM'), cassandra.types.consistencies.eachQuorum);
  assert.equal(consistencyOf('ONE'), cassandra.types.consistencies.one);
});
