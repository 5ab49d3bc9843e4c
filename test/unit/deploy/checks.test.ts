import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  appEnvNames, dockerfileEnvNames, envFileProblems, envProblems, interpolatedNames, parseEnvFile, publishedPorts,
} from '../../../scripts/deploy/checks.ts';

const app = { build: { context: '.', target: 'app' } };
const airflow = { build: { context: '.', target: 'airflow' } };

test('the app reads its option variables and the few others', () => {
  const names = appEnvNames();
  for (const n of ['USERSTREAM_KAFKA_BROKERS', 'USERSTREAM_CASSANDRA_HOSTS', 'USERSTREAM_SPARK_CONNECT_URL', 'USERSTREAM_LOG_FORMAT', 'USERSTREAM_NODE']) assert.ok(names.has(n), n);
  assert.equal(names.has('USERSTREAM_KAFKA_BROKER'), false);
});

test('a variable the app does not read, or one on the wrong kind of service, is named', () => {
  const problems = envProblems({
    services: {
      engine: { ...app, environment: { USERSTREAM_KAFKA_BROKERS: 'kafka:29092', USERSTREAM_KAFKA_BROKER: 'x', NODE_OPTIONS: '--max-old-space-size=512', JAVA_OPTS: '-Xmx1g' } },
      scheduler: { ...airflow, environment: { AIRFLOW__CORE__EXECUTOR: 'LocalExecutor', _AIRFLOW_WWW_USER_CREATE: 'true', USERSTREAM_TOPIC: 't', PGPASSWORD: 'x' } },
      cassandra: { image: 'cassandra:5.0.9', environment: { MAX_HEAP_SIZE: '2G', USERSTREAM_TOPIC: 't' } },
      // A service of the stack in our image runs userstream (`stack run`): its settings are the app's.
      kafka: { build: { context: '.', target: 'kafka' }, environment: { USERSTREAM_STACK_HOST: 'kafka', USERSTREAM_KAFKA_HOST: 'x', KAFKA_HEAP_OPTS: '-Xmx1g' } },
    },
  });
  assert.deepEqual(problems, [
    'engine: sets USERSTREAM_KAFKA_BROKER, which userstream does not read (see `userstream config`)',
    "engine: sets JAVA_OPTS, which is neither a USERSTREAM_* setting nor Node's",
    "scheduler: sets PGPASSWORD, which is neither Airflow's nor userstream's",
    'cassandra: sets USERSTREAM_TOPIC, but cassandra does not run userstream',
    'kafka: sets USERSTREAM_KAFKA_HOST, which userstream does not read (see `userstream config`)',
    "kafka: sets KAFKA_HEAP_OPTS, which is neither a USERSTREAM_* setting nor Node's",
  ]);
});

test('interpolated names: ${A}, ${B:-x}, ${C:?msg}; $${D} is a literal', () => {
  assert.deepEqual([...interpolatedNames('a: ${A}\nb: "${B:-9092}:9092"\nc: ${C:?set C}\nd: "$${D}"\n')], ['A', 'B', 'C']);
});

test('.env.example must list every interpolated variable and hold no credential', () => {
  const compose = 'x: ${KAFKA_PORT:-9092}\ny: ${POSTGRES_PASSWORD:?set it}\nz: ${MISSING}\n';
  assert.deepEqual(envFileProblems(compose, '# c\nKAFKA_PORT=9092\nPOSTGRES_PASSWORD=\n'), ['compose.yaml uses ${MISSING}, which .env.example does not list']);
  assert.deepEqual(envFileProblems('', 'POSTGRES_PASSWORD=hunter2\nAIRFLOW_SECRET_KEY=abc\nKAFKA_PORT=9092\n'), [
    '.env.example: POSTGRES_PASSWORD has a value; credentials are never committed',
    '.env.example: AIRFLOW_SECRET_KEY has a value; credentials are never committed',
  ]);
  assert.deepEqual([...parseEnvFile('A=1\n # no\nB = 2\nC=\n')], [['A', '1'], ['C', '']]);
});

test('published ports per service, from compose-go\'s resolved ports', () => {
  const ports = publishedPorts({ services: { kafka: { ports: [{ target: 9092, published: '9092' }] }, worker: { ports: [{ target: 8081 }] }, db: {} } });
  assert.deepEqual([...ports], [['kafka', [9092]]]);
});

test('USERSTREAM_* names in Dockerfile ENV instructions, continuation lines included', () => {
  const text = 'FROM x\nENV NODE_ENV=production\nENV USERSTREAM_NODE=/usr/local/bin/node \\\n    USERSTREAM_CLI=/opt/u/bin/userstream.js\nRUN echo USERSTREAM_NOT=1\n';
  assert.deepEqual(dockerfileEnvNames(text), ['USERSTREAM_NODE', 'USERSTREAM_CLI']);
});
