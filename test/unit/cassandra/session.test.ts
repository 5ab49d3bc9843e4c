import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cassandraError, failureReasons } from '../../../src/cassandra/session.ts';

const config = { cassandraHosts: ['127.0.0.1:9042', '127.0.0.2:9042'], cassandraDc: 'datacenter1' };

/** A read failure as the driver builds it from the server's answer (protocol v5: a reason per replica). */
function readFailure(reasons: Record<string, number>): Error {
  const error = new Error(`Server failure during read query at consistency LOCAL_QUORUM (2 responses were required but only 0 replicas responded, ${Object.keys(reasons).length} failed)`);
  return Object.assign(error, { code: 0x1300, reasons });
}

test('a read failure names the replica that failed and why, which the driver message only counts', () => {
  const error = cassandraError('counting the rows of ks.t', config, readFailure({ '127.0.0.2': 3 }));
  assert.match(error.message, /^counting the rows of ks\.t on Cassandra 127\.0\.0\.1:9042,127\.0\.0\.2:9042: Server failure during read query .*1 failed\) \(127\.0\.0\.2: incompatible schema: the replica does not have the table/);
});

test('failure reasons: several replicas, a code Cassandra may add later, and errors that carry none', () => {
  assert.equal(failureReasons(readFailure({ '127.0.0.2': 2, '127.0.0.3': 42 })), '127.0.0.2: timeout; 127.0.0.3: reason 42');
  assert.equal(failureReasons(new Error('Keyspace x does not exist')), undefined);
  assert.equal(failureReasons(readFailure({})), undefined);
  assert.equal(failureReasons(undefined), undefined);
});
