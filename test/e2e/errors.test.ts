/**
 * Clear errors (#6): a bad flag, a bad URL, an unreachable broker, node or
 * server, a missing keyspace — one `userstream:` line ending in the error's
 * code (Commander's own `error:` line for flags it parses), a non-zero exit,
 * and no stack trace unless --verbose.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../support/cli.ts';
import { freePort } from '../support/ports.ts';

/** The error lines of stderr (log lines of retries aside); there must be no stack trace. */
function errorLines(stderr: string): string[] {
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace without --verbose');
  return stderr.split('\n').filter((l) => l.startsWith('userstream:') || l.startsWith('error:'));
}

async function fails(args: string[], code: number, pattern: RegExp): Promise<void> {
  const run = await runCli(args);
  assert.equal(run.code, code, `${args.join(' ')}: ${run.stderr}`);
  const lines = errorLines(run.stderr);
  assert.equal(lines.length, 1, `${args.join(' ')}: ${run.stderr}`);
  assert.match(lines[0]!, pattern);
}

test('an unknown flag or command, on any subcommand: one line, exit 2', async () => {
  await fails(['ingest', '--no-such-flag'], 2, /^error: unknown option '--no-such-flag'$/);
  await fails(['stack', 'up', '--bogus'], 2, /^error: unknown option '--bogus'$/);
  await fails(['frobnicate'], 2, /^error: unknown command 'frobnicate'$/);
});

test('bad values and bad URLs: one line naming the flag, exit 2', async () => {
  await fails(['ingest', '--source', 'ftp://example.org'], 2, /^userstream: invalid --source "ftp:\/\/example\.org": expected auto, builtin or an http\(s\) URL \[US_ERR_CONFIG\]$/);
  await fails(['ingest', '--api-url', 'not a url'], 2, /^userstream: invalid --api-url "not a url"/);
  await fails(['stream', '--spark-connect-url', 'http://x:1'], 2, /^userstream: invalid --spark-connect-url "http:\/\/x:1": expected sc:\/\/host:port \[US_ERR_CONFIG\]$/);
  await fails(['dag', 'status', '--airflow-url', 'nope'], 2, /^userstream: invalid --airflow-url "nope"/);
  await fails(['ingest', '--kafka-brokers', 'localhost'], 2, /^userstream: invalid --kafka-brokers "localhost": expected host:port \[US_ERR_CONFIG\]$/);
  await fails(['up', '--drain-timeout', '-3'], 2, /^userstream: invalid --drain-timeout "-3": expected seconds > 0 \[US_ERR_USAGE\]$/);
});

test('an API that does not answer: retried, then one line naming it, exit 1', async () => {
  const port = await freePort();
  await fails(['ingest', '--source', `http://127.0.0.1:${port}/api/`, '--count', '10'], 1, new RegExp(`^userstream: cannot reach 127\\.0\\.0\\.1:${port}`));
});

test('an unreachable broker or Cassandra node for the engine: one line naming the address, exit 1', async () => {
  const port = await freePort();
  await fails(['stream', '--engine', 'node', '--kafka-brokers', `127.0.0.1:${port}`], 1, new RegExp(`^userstream: .*on Kafka 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
  await fails(['stream', '--engine', 'node', '--cassandra-hosts', `127.0.0.1:${port}`], 1, new RegExp(`^userstream: connecting on Cassandra 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
  await fails(['dag', 'status', '--airflow-url', `http://127.0.0.1:${port}`], 1, new RegExp(`^userstream: cannot reach Airflow at http://127\\.0\\.0\\.1:${port}`));
});

test('status with a keyspace that does not exist says so and exits 1', async () => {
  const run = await runCli(['status', '--keyspace', 'no_such_keyspace_here']);
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stdout, /^rows: counting the rows of no_such_keyspace_here\.created_users on Cassandra \S+: keyspace no_such_keyspace_here does not exist$/m);
});

test('--verbose adds the stack trace and the causes', async () => {
  const port = await freePort();
  const run = await runCli(['stream', '--engine', 'node', '--cassandra-hosts', `127.0.0.1:${port}`, '--verbose']);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /\n\s+at /);
  assert.match(run.stderr, /caused by: NoHostAvailableError/);
});
