import assert from 'node:assert/strict';
import { pbkdf2Sync } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { applyEnvFile } from '../../../src/config/env-file.ts';
import { loadConfig } from '../../../src/config/load.ts';
import { sparkCassandraOptions, sparkKafkaOptions } from '../../../src/engines/spark/connection-options.ts';
import { UserstreamError } from '../../../src/errors.ts';
import { kafkaReason } from '../../../src/kafka/admin.ts';
import { kafkaSecurityOptions } from '../../../src/kafka/client-options.ts';
import { saltedPassword } from '../../../src/kafka/scram.ts';
import { stackServices } from '../../../src/stack/index.ts';
import { kafkaServerProperties, kafkaZookeeperModeProperties } from '../../../src/stack/kafka-recipe.ts';
import { assertPlainSecret, secureClientSettings, stackSecrets, writeClientEnv } from '../../../src/stack/secrets.ts';

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'userstream-sec-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function props(text: string): Map<string, string> {
  return new Map(text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as [string, string]));
}

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

test('security settings: plaintext by default; SASL needs a user and a password; names accept upper case', () => {
  const c = loadConfig({}, {});
  assert.equal(c.kafkaSecurityProtocol, 'plaintext');
  assert.equal(c.secure, false);
  assert.deepEqual(kafkaSecurityOptions(c), {});
  assert.throws(() => loadConfig({ kafkaSecurityProtocol: 'SASL_SSL' }, {}), /sasl_ssl needs --kafka-sasl-username and --kafka-sasl-password/);
  assert.throws(() => loadConfig({ kafkaSaslUsername: 'u', kafkaSaslPassword: 'p' }, {}), /SASL user or password is set but --kafka-security-protocol is plaintext/);
  assert.throws(() => loadConfig({ kafkaSslCa: '/ca.pem', kafkaSecurityProtocol: 'sasl_plaintext', kafkaSaslUsername: 'u', kafkaSaslPassword: 'p' }, {}), /--kafka-ssl-ca is set but/);
  assert.throws(() => loadConfig({ cassandraUsername: 'u' }, {}), /--cassandra-username and --cassandra-password/);
  assert.throws(() => loadConfig({ kafkaSecurityProtocol: 'kerberos' }, {}), UserstreamError);
  const ok = loadConfig({}, { USERSTREAM_KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', USERSTREAM_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-256', USERSTREAM_KAFKA_SASL_USERNAME: 'u', USERSTREAM_KAFKA_SASL_PASSWORD: 'p' });
  assert.equal(ok.kafkaSecurityProtocol, 'sasl_ssl');
  assert.equal(ok.kafkaSaslMechanism, 'scram-sha-256');
  assert.equal(loadConfig({}, { USERSTREAM_SECURE: 'yes' }).secure, true);
  assert.equal(loadConfig({}, { USERSTREAM_SECURE: '0' }).secure, false);
  assert.equal(loadConfig({ secure: true }, {}).secure, true);
});

test('a bad password value is reported without the value', () => {
  assert.throws(
    () => loadConfig({ cassandraUsername: 'u', cassandraPassword: '' }, {}),
    (e: unknown) => e instanceof UserstreamError && e.message.includes('(value hidden)') && !e.message.includes('""'),
  );
});

test('node client options: TLS with the CA file, SASL with the mechanism; a missing or non-PEM CA file is a clear error', (t) => {
  const dir = tempDir(t);
  const ca = join(dir, 'ca.pem');
  writeFileSync(ca, CA);
  const o = kafkaSecurityOptions({ kafkaBrokers: ['h:1'], kafkaSecurityProtocol: 'sasl_ssl', kafkaSaslMechanism: 'scram-sha-512', kafkaSaslUsername: 'u', kafkaSaslPassword: 'p', kafkaSslCa: ca });
  assert.deepEqual(o.sasl, { mechanism: 'SCRAM-SHA-512', username: 'u', password: 'p' });
  assert.equal(o.tls?.ca?.toString(), CA);
  assert.deepEqual(kafkaSecurityOptions({ kafkaBrokers: ['h:1'], kafkaSecurityProtocol: 'ssl' }), { tls: {} }, 'ssl without a CA file: the system CAs');
  assert.equal(kafkaSecurityOptions({ kafkaBrokers: ['h:1'], kafkaSecurityProtocol: 'sasl_plaintext', kafkaSaslUsername: 'u', kafkaSaslPassword: 'p' }).tls, undefined);
  assert.throws(() => kafkaSecurityOptions({ kafkaBrokers: ['h:1'], kafkaSecurityProtocol: 'ssl', kafkaSslCa: join(dir, 'nope.pem') }), /cannot read --kafka-ssl-ca .*nope\.pem: ENOENT/);
  writeFileSync(join(dir, 'x.pem'), 'not a certificate');
  assert.throws(() => kafkaSecurityOptions({ kafkaBrokers: ['h:1'], kafkaSecurityProtocol: 'ssl', kafkaSslCa: join(dir, 'x.pem') }), /holds no PEM certificate/);
});

test('Spark options: the same settings in the words of the Java Kafka client and the Cassandra connector', (t) => {
  const dir = tempDir(t);
  const ca = join(dir, 'ca.pem');
  writeFileSync(ca, CA);
  const base = { sparkKafkaBrokers: ['k:9094'], sparkCassandraHosts: ['c:9042'], cassandraDc: 'dc1' };
  assert.deepEqual(sparkKafkaOptions(base), { 'kafka.bootstrap.servers': 'k:9094', 'kafka.request.timeout.ms': '10000', 'kafka.metadata.max.age.ms': '5000' });
  const k = sparkKafkaOptions({ ...base, kafkaSecurityProtocol: 'sasl_ssl', kafkaSaslMechanism: 'scram-sha-512', kafkaSaslUsername: 'u"x', kafkaSaslPassword: 'p\\w"d', kafkaSslCa: ca });
  assert.equal(k['kafka.security.protocol'], 'SASL_SSL');
  assert.equal(k['kafka.sasl.mechanism'], 'SCRAM-SHA-512');
  assert.equal(k['kafka.sasl.jaas.config'], 'org.apache.kafka.common.security.scram.ScramLoginModule required username="u\\"x" password="p\\\\w\\"d";');
  assert.equal(k['kafka.ssl.truststore.type'], 'PEM');
  assert.equal(k['kafka.ssl.truststore.certificates'], CA, 'the certificates inline: executors need no copy of the file');
  const plain = sparkKafkaOptions({ ...base, kafkaSecurityProtocol: 'sasl_plaintext', kafkaSaslMechanism: 'plain', kafkaSaslUsername: 'u', kafkaSaslPassword: 'p' });
  assert.match(plain['kafka.sasl.jaas.config']!, /^org\.apache\.kafka\.common\.security\.plain\.PlainLoginModule required/);
  assert.equal(plain['kafka.ssl.truststore.type'], undefined);
  assert.deepEqual(sparkCassandraOptions(base), {
    'spark.cassandra.connection.host': 'c', 'spark.cassandra.connection.port': '9042', 'spark.cassandra.connection.localDC': 'dc1',
    'spark.cassandra.output.consistency.level': 'LOCAL_QUORUM', 'spark.cassandra.input.consistency.level': 'LOCAL_QUORUM',
  });
  // The consistency levels are settings.
  const quorum = sparkCassandraOptions({ ...base, writeConsistency: 'QUORUM', readConsistency: 'ONE' });
  assert.equal(quorum['spark.cassandra.output.consistency.level'], 'QUORUM');
  assert.equal(quorum['spark.cassandra.input.consistency.level'], 'ONE');
  const c = sparkCassandraOptions({ ...base, cassandraUsername: 'app', cassandraPassword: 'pw' });
  assert.equal(c['spark.cassandra.auth.username'], 'app');
  assert.equal(c['spark.cassandra.auth.password'], 'pw');
});

test('SCRAM salted password is PBKDF2 with the mechanism\'s hash and length (RFC 5802 Hi)', () => {
  const salt = Buffer.from('salt');
  assert.deepEqual(saltedPassword('pencil', salt, 4096, 'SCRAM-SHA-512'), pbkdf2Sync('pencil', salt, 4096, 64, 'sha512'));
  assert.equal(saltedPassword('pencil', salt, 4096, 'SCRAM-SHA-256').length, 32);
  // RFC 7677's SCRAM-SHA-256 example: SaltedPassword for "pencil" with its salt and 4096 iterations.
  const rfcSalt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
  assert.equal(saltedPassword('pencil', rfcSalt, 4096, 'SCRAM-SHA-256').toString('hex'), pbkdf2Sync('pencil', rfcSalt, 4096, 32, 'sha256').toString('hex'));
});

test('broker properties: a SASL_SSL listener named SECURE with SCRAM and the keystore, in both modes; none without --secure', () => {
  const secure = { port: 9094, keystore: '/s/broker.p12', storePassword: 'pw' };
  const kraft = props(kafkaServerProperties({ nodeId: 1, logDir: '/d', port: 9092, controllerPort: 9093, host: '127.0.0.1', partitions: 3, secure }));
  assert.equal(kraft.get('listeners'), 'PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093,SECURE://127.0.0.1:9094');
  assert.equal(kraft.get('advertised.listeners'), 'PLAINTEXT://127.0.0.1:9092,SECURE://127.0.0.1:9094');
  assert.equal(kraft.get('listener.security.protocol.map'), 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SECURE:SASL_SSL');
  assert.equal(kraft.get('listener.name.secure.sasl.enabled.mechanisms'), 'SCRAM-SHA-512,SCRAM-SHA-256');
  assert.match(kraft.get('listener.name.secure.scram-sha-512.sasl.jaas.config')!, /ScramLoginModule required;$/);
  assert.equal(kraft.get('listener.name.secure.ssl.keystore.location'), '/s/broker.p12');
  assert.equal(kraft.get('inter.broker.listener.name'), 'PLAINTEXT');
  const zk = props(kafkaZookeeperModeProperties({ brokerId: 1, logDir: '/d', port: 9092, host: '127.0.0.1', partitions: 3, zookeeperConnect: 'z:2181', secure }));
  assert.equal(zk.get('listeners'), 'PLAINTEXT://127.0.0.1:9092,SECURE://127.0.0.1:9094');
  assert.equal(zk.get('listener.security.protocol.map'), 'PLAINTEXT:PLAINTEXT,SECURE:SASL_SSL');
  const plain = props(kafkaServerProperties({ nodeId: 1, logDir: '/d', port: 9092, controllerPort: 9093, host: '127.0.0.1', partitions: 3 }));
  assert.equal(plain.get('listeners'), 'PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093');
  assert.equal([...plain.keys()].some((k) => k.includes('secure') || k.includes('sasl')), false);
});

test('--secure: Kafka and Cassandra are the secure variant, Kafka listens on the secure port too', () => {
  const services = stackServices(loadConfig({ secure: true }, {}));
  const kafka = services.find((s) => s.name === 'kafka')!;
  const cassandra = services.find((s) => s.name === 'cassandra')!;
  assert.equal(kafka.variant, 'secure');
  assert.equal(cassandra.variant, 'secure');
  assert.ok(kafka.ports.some((p) => p.port === 9094 && p.flag === '--kafka-secure-port'));
  assert.equal(typeof kafka.afterStart, 'function');
  assert.equal(typeof cassandra.afterStart, 'function');
  const plain = stackServices(loadConfig({}, {}));
  assert.equal(plain.find((s) => s.name === 'kafka')!.variant, undefined);
  assert.equal(plain.find((s) => s.name === 'kafka')!.ports.some((p) => p.port === 9094), false);
});

test('stack secrets: generated once, private, plain characters; client.env loads back into a valid config', (t) => {
  const home = tempDir(t);
  const a = stackSecrets(home);
  assert.deepEqual(stackSecrets(home), a, 'the same secrets the second time');
  for (const v of Object.values(a)) assert.match(v, /^[A-Za-z0-9_-]{32}$/);
  assert.equal(statSync(join(home, 'secrets')).mode & 0o777, 0o700);
  assert.equal(statSync(join(home, 'secrets', 'credentials.json')).mode & 0o777, 0o600);
  const config = { stackHome: home, kafkaSecurePort: 9094, cassandraPort: 9042 };
  const file = writeClientEnv(config, a);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const env: NodeJS.ProcessEnv = {};
  applyEnvFile(file, env);
  const loaded = loadConfig({}, env);
  const expected = secureClientSettings(config, a);
  assert.deepEqual(loaded.kafkaBrokers, expected.kafkaBrokers);
  assert.equal(loaded.kafkaSecurityProtocol, 'sasl_ssl');
  assert.equal(loaded.kafkaSaslPassword, a.kafkaPassword);
  assert.equal(loaded.cassandraPassword, a.cassandraPassword);
  assert.equal(loaded.kafkaSslCa, join(home, 'secrets', 'ca.pem'));
  assert.throws(() => assertPlainSecret("x'; DROP ROLE cassandra; --", 'p'), /not a generated password/);
});

test('--env-file: USERSTREAM_* only, the environment wins, an unknown name or missing file is an error', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'a.env');
  writeFileSync(file, '# comment\nUSERSTREAM_TOPIC=from_file\nUSERSTREAM_PARTITIONS=6\nOTHER=ignored\n');
  const env: NodeJS.ProcessEnv = { USERSTREAM_PARTITIONS: '9' };
  assert.deepEqual(applyEnvFile(file, env), ['USERSTREAM_TOPIC']);
  assert.equal(env.USERSTREAM_TOPIC, 'from_file');
  assert.equal(env.USERSTREAM_PARTITIONS, '9');
  assert.equal(env.OTHER, undefined);
  writeFileSync(file, 'USERSTREAM_KAFKA_BROKER=x:1\n');
  assert.throws(() => applyEnvFile(file, {}), /unknown setting USERSTREAM_KAFKA_BROKER/);
  assert.throws(() => applyEnvFile(join(dir, 'none.env'), {}), /cannot read --env-file .*none\.env: ENOENT/);
});

test('Kafka errors: the reason under the client\'s layers, and whether it is a refusal', () => {
  const auth = new Error('Cannot connect to any broker.', {
    cause: Object.assign(new Error('Connection to h:9094 failed.'), {
      cause: Object.assign(new Error('SASL authentication failed.'), {
        code: 'PLT_KFK_AUTHENTICATION',
        cause: Object.assign(new Error('SASL authentication failed.'), { serverErrorMessage: 'Authentication failed due to invalid credentials with SASL mechanism SCRAM-SHA-512' }),
      }),
    }),
  });
  assert.deepEqual(kafkaReason(auth), { reason: 'Connection to h:9094 failed: Authentication failed due to invalid credentials with SASL mechanism SCRAM-SHA-512', auth: true });
  const tls = new Error('Connection to h:9094 failed.', { cause: Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }) });
  assert.equal(kafkaReason(tls).auth, true);
  assert.equal(kafkaReason(tls).reason, 'Connection to h:9094 failed: self-signed certificate in certificate chain');
  const refused = new Error('Connection to h:1 failed.', { cause: Object.assign(new Error('connect ECONNREFUSED h:1'), { code: 'ECONNREFUSED' }) });
  assert.deepEqual(kafkaReason(refused), { reason: 'Connection to h:1 failed: connect ECONNREFUSED h:1', auth: false });
  assert.match(kafkaReason(new Error('Connection closed')).reason, /does this listener expect TLS or SASL/);
});
