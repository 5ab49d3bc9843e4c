/**
 * The secure profile end to end (`npm run test:secure`, on a stack started
 * with --secure): Kafka clients over SASL_SSL with SCRAM-SHA-512 and the
 * stack's CA, Cassandra with PasswordAuthenticator; and each way of getting
 * it wrong is one clear line and a non-zero exit.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import cassandra from 'cassandra-driver';
import { countRows } from '../../src/cassandra/schema.ts';
import { loadConfig } from '../../src/config/load.ts';
import { createApiServer } from '../../src/source/server.ts';
import { asEnvironment, secretFiles, secureClientSettings, stackSecrets } from '../../src/stack/secrets.ts';
import { cliTarget, runCli } from '../support/cli.ts';
import { cassandraFor, testConfig } from '../support/stack.ts';

const base = loadConfig({}, process.env);
const secure = () => secureClientSettings(base, stackSecrets(base.stackHome));
const envFile = secretFiles(base.stackHome).clientEnv;

/** The `userstream:` lines of stderr; there must be no stack trace. */
function errorLines(stderr: string): string[] {
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace without --verbose');
  return stderr.split('\n').filter((l) => l.startsWith('userstream:'));
}

test('the stack runs the secure variants of Kafka and Cassandra', async () => {
  assert.equal(base.secure, true, 'run through `node scripts/with-stack.ts --secure` (npm run test:secure)');
  const run = await runCli(['stack', 'status', '--json']);
  assert.equal(run.code, 0, run.stderr);
  const services = JSON.parse(run.stdout) as { name: string; variant?: string; state: string }[];
  for (const name of ['kafka', 'cassandra']) {
    const s = services.find((x) => x.name === name)!;
    assert.equal(s.state, 'running', name);
    assert.equal(s.variant, 'secure', name);
  }
});

for (const engine of ['node', 'spark']) {
  test(`userstream up --secure --engine ${engine}: the DAG run ingests over SASL_SSL, the engine reads over SASL_SSL and writes with a Cassandra login`, async (t) => {
    const api = createApiServer({ logger: false });
    await api.listen({ host: '127.0.0.1', port: 0 });
    t.after(() => api.close());
    const port = (api.server.address() as AddressInfo).port;
    const config = testConfig(t, secure());

    const run = await runCli([
      'up', '--secure', '--engine', engine, '--duration', '4', '--batch-size', '500', '--rate', '1000',
      '--source', `http://127.0.0.1:${port}/api/`,
      ...cliTarget(config),
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr + run.stdout, new RegExp(`secure: Kafka over SASL_SSL \\(SCRAM-SHA-512\\) at 127\\.0\\.0\\.1:${base.kafkaSecurePort} as userstream; Cassandra as userstream`));
    const produced = Number(/produced\s+(\d+)/.exec(run.stdout)?.[1]);
    assert.ok(produced > 0, run.stdout);
    assert.equal(Number(/rows in \S+: (\d+)/.exec(run.stdout)?.[1]), produced, run.stdout);
    const client = await cassandraFor(t, config);
    assert.equal(await countRows(client, config), produced);
  });
}

test('a client given client.env (--env-file) ingests over SASL_SSL', async (t) => {
  const config = testConfig(t, secure());
  const run = await runCli(['ingest', '--env-file', envFile, '--source', 'builtin', '--count', '500', '--topic', config.topic]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout + run.stderr, /ingested 500 records/);
});

test('a wrong Kafka password: one line with the broker\'s reason, exit 1, no retrying for minutes', async (t) => {
  const config = testConfig(t, secure());
  const started = Date.now();
  const run = await runCli(['ingest', '--env-file', envFile, '--source', 'builtin', '--count', '10', '--topic', config.topic], { USERSTREAM_KAFKA_SASL_PASSWORD: 'not-the-password' });
  assert.equal(run.code, 1);
  const lines = errorLines(run.stderr);
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0]!, /Kafka 127\.0\.0\.1:\d+: .*invalid credentials with SASL mechanism SCRAM-SHA-512/);
  assert.ok(Date.now() - started < 60_000, 'a refused login is not retried like an outage');
});

test('TLS is checked: without the stack\'s CA the broker\'s certificate is refused', async (t) => {
  const config = testConfig(t, secure());
  const run = await runCli(['ingest', '--env-file', envFile, '--kafka-ssl-ca', '/etc/ssl/certs/ca-certificates.crt', '--source', 'builtin', '--count', '10', '--topic', config.topic]);
  assert.equal(run.code, 1);
  const lines = errorLines(run.stderr);
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0]!, /self[- ]signed certificate|unable to verify|certificate/i);
});

test('a plaintext client on the SASL_SSL port is told what the listener may expect', async () => {
  const run = await runCli(['ingest', '--kafka-brokers', `127.0.0.1:${base.kafkaSecurePort}`, '--source', 'builtin', '--count', '10'], { USERSTREAM_SECURE: '' });
  assert.equal(run.code, 1);
  const lines = errorLines(run.stderr);
  assert.equal(lines.length, 1, run.stderr);
  // Either our guess from a closed connection, or the client's own word (@platformatic/kafka 2 recognises a TLS answer).
  assert.match(lines[0]!, /(does this listener expect TLS or SASL\? |: Broker requires TLS \()see --kafka-security-protocol\) \[US_ERR_KAFKA\]$/);
});

test('Cassandra: no login, a wrong password and the default superuser password are all refused, each in one line', async (t) => {
  const config = testConfig(t, secure());
  const stream = (env: NodeJS.ProcessEnv) => runCli(['stream', '--engine', 'node', ...cliTarget(config)], env);
  const none = await stream(kafkaEnv());
  assert.equal(none.code, 1);
  assert.match(errorLines(none.stderr)[0]!, /requires authentication.*set --cassandra-username and --cassandra-password/);
  const wrong = await stream({ ...kafkaEnv(), USERSTREAM_CASSANDRA_USERNAME: 'userstream', USERSTREAM_CASSANDRA_PASSWORD: 'not-the-password' });
  assert.equal(wrong.code, 1);
  assert.match(errorLines(wrong.stderr)[0]!, /Provided username userstream and\/or password are incorrect/);
  const client = new cassandra.Client({
    contactPoints: ['127.0.0.1'], protocolOptions: { port: base.cassandraPort }, localDataCenter: base.cassandraDc,
    authProvider: new cassandra.auth.PlainTextAuthProvider('cassandra', 'cassandra'),
  });
  await assert.rejects(client.connect(), /incorrect/, 'the well-known default superuser password no longer works');
  await client.shutdown();
});

test('the app role is not a superuser', async (t) => {
  const config = testConfig(t, secure());
  const client = await cassandraFor(t, config);
  await assert.rejects(client.execute("CREATE ROLE IF NOT EXISTS intruder WITH LOGIN = true AND PASSWORD = 'x'"), /does not have sufficient privileges/);
});

/** The Kafka half of client.env, as environment variables. */
function kafkaEnv(): NodeJS.ProcessEnv {
  const { kafkaBrokers, kafkaSecurityProtocol, kafkaSaslUsername, kafkaSaslPassword, kafkaSslCa } = secure();
  return asEnvironment({ kafkaBrokers, kafkaSecurityProtocol, kafkaSaslUsername, kafkaSaslPassword, kafkaSslCa });
}
