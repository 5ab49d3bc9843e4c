import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { loadConfig } from '../../src/config/load.ts';
import { UserstreamError } from '../../src/errors.ts';
import { stackPaths } from '../../src/stack/paths.ts';
import { resolveClasspath } from '../../src/stack/maven.ts';
import { runCli } from '../support/cli.ts';
import { freePort } from '../support/ports.ts';

function tempHome(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'userstream-stack-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A port something else listens on, held for the test. */
async function takenPort(t: TestContext): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  return (server.address() as AddressInfo).port;
}

/** The `userstream:` lines of stderr, and no stack trace. */
function errorLines(stderr: string): string[] {
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace without --verbose');
  return stderr.split('\n').filter((l) => l.startsWith('userstream:'));
}

test('stack up on a taken port: one clear line naming the port and the flag, exit 1, nothing started', async (t) => {
  const home = tempHome(t);
  const port = await takenPort(t);
  const run = await runCli(['stack', 'up', 'kafka', '--stack-home', home, '--kafka-port', String(port), '--kafka-controller-port', String(await freePort())]);
  assert.equal(run.code, 1);
  const lines = errorLines(run.stderr);
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0]!, new RegExp(`kafka: port ${port} \\(Kafka clients\\) is taken by a process userstream did not start; .* --kafka-port`));
  assert.ok(!existsSync(join(home, 'run', 'kafka.json')), 'no run file for a service that did not start');
});

test('stack up with no Java at --java-home: one clear line, exit 1', async (t) => {
  const home = tempHome(t);
  const run = await runCli([
    'stack', 'up', 'kafka', '--stack-home', home, '--java-home', join(home, 'no-jdk'),
    '--kafka-port', String(await freePort()), '--kafka-controller-port', String(await freePort()),
  ]);
  assert.equal(run.code, 1);
  const lines = errorLines(run.stderr);
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0]!, /no java at .*no-jdk\/bin\/java \(from --java-home\)/);
});

test('stack up of an unknown service is a usage error', async () => {
  const run = await runCli(['stack', 'up', 'flink']);
  assert.equal(run.code, 2);
  assert.deepEqual(errorLines(run.stderr), ['userstream: unknown service "flink"; the stack has zookeeper, kafka, cassandra, spark-master, spark-worker, spark-connect, postgres, registry, airflow-api, airflow-scheduler, airflow-dag-processor (groups: spark, airflow; with --cluster: kafka-N, cassandra-N, spark-worker-N, and kafka and cassandra for all of them) [US_ERR_USAGE]']);
});

test('stack up zookeeper without ZooKeeper mode says how to ask for it', async () => {
  const run = await runCli(['stack', 'up', 'zookeeper']);
  assert.equal(run.code, 2);
  assert.deepEqual(errorLines(run.stderr), ['userstream: zookeeper runs only with Kafka in ZooKeeper mode: add --kafka-mode zookeeper [US_ERR_USAGE]']);
});

test('a Kafka running in the other mode is not reused: one line says to stop it first', async () => {
  // The KRaft Kafka of the test stack runs; asking for ZooKeeper mode must not take it for its own.
  const run = await runCli(['stack', 'up', 'kafka', '--kafka-mode', 'zookeeper']);
  assert.notEqual(run.code, 0);
  assert.match(run.stderr, /kafka is running as version 4\.\d+\.\d+ \(pid \d+\), not the 3\.9\.\d+ asked for .*userstream stack down kafka/);
});

test('an artifact Maven Central does not have: one clear download error, retryable, no marker left', async (t) => {
  const dir = tempHome(t);
  // The real local repository, so Maven's own plugins need not be downloaded again.
  const repo = stackPaths(loadConfig({}, process.env).stackHome).mavenRepo;
  await assert.rejects(
    resolveClasspath({ dir, artifacts: ['org.apache.kafka:userstream-no-such-artifact:0.0.1'], repo }),
    (error: unknown) => {
      assert.ok(error instanceof UserstreamError);
      assert.match(error.message, /^downloading org\.apache\.kafka:userstream-no-such-artifact:0\.0\.1 from Maven Central failed: .*userstream-no-such-artifact/);
      assert.equal(error.canRetry, true);
      return true;
    },
  );
  assert.ok(!existsSync(join(dir, '.resolved')), 'a failed download is not marked as resolved');
});
