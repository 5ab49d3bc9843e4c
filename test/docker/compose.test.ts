/**
 * The Docker way, for real: the images built from this repository's
 * Dockerfile (on the debootstrap base, scripts/docker-setup.ts), compose.yaml's
 * services up (Kafka, Cassandra, Spark, PostgreSQL, Airflow, the source, the
 * engine, the dashboard), the DAG user_automation triggered through Airflow's
 * API, every record its task produced a row (reconciled against what the
 * seeded source answers), the dashboard and /metrics through the published
 * ports, the engine's process killed mid-run with nothing lost, then `down -v`;
 * then the zookeeper profile's broker and the cluster profile's nodes, each
 * in a project of its own.
 * The containers publish on ADDRESS and ports of their own, so a local stack
 * may run beside them.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type cassandra from 'cassandra-driver';
import { connectCassandra } from '../../src/cassandra/session.ts';
import { countRows } from '../../src/cassandra/schema.ts';
import { loadConfig } from '../../src/config/load.ts';
import { AirflowClient } from '../../src/airflow/client.ts';
import { endOffsets, offsetTotal } from '../../src/kafka/admin.ts';
import { parseIngestSummary } from '../../src/ingest/summary.ts';
import { every, until } from '../../src/retry.ts';
import { BASE_IMAGE } from '../../scripts/docker-setup.ts';
import { assertReconciled, reconcile } from '../faults/support.ts';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..', '..');
const PROJECT = 'userstream-test';
/**
 * Where the containers publish: a loopback address and ports of their own,
 * so a local stack may run beside them (its Spark UIs listen on every address).
 */
const ADDRESS = '127.0.9.1';
const PORTS = {
  KAFKA_PORT: 19092, CASSANDRA_PORT: 19042, SPARK_MASTER_UI_PORT: 19090, SPARK_CONNECT_PORT: 25002, SOURCE_PORT: 18000, DASHBOARD_PORT: 18050,
  AIRFLOW_PORT: 18080, REGISTRY_PORT: 18085,
};
const AIRFLOW_PASSWORD = 'docker-stage';
/** The zookeeper profile's broker, in a project of its own beside the default one. */
const ZK_KAFKA_PORT = 19192;
/** The registry as the compose network names it (its containers register the contract there). */
const REGISTRY_IN_NETWORK = 'http://schema-registry:8080/apis/ccompat/v7';
const SEED = 'docker-stage';
const PAGE = 1000;
/** Where the source container says its pictures are: its published port (compose.yaml's --public-url). */
const SOURCE_URL = `http://${ADDRESS}:${PORTS.SOURCE_PORT}`;

const scratch = mkdtempSync(join(tmpdir(), 'userstream-docker-'));
const envFile = join(scratch, 'compose.env');
// The ingest container (uid 1000) appends the acknowledged ids here.
const auditDir = join(scratch, 'audit');
const config = loadConfig({}, {
  USERSTREAM_KAFKA_BROKERS: `${ADDRESS}:${PORTS.KAFKA_PORT}`,
  USERSTREAM_CASSANDRA_HOSTS: `${ADDRESS}:${PORTS.CASSANDRA_PORT}`,
});
let cql: cassandra.Client | undefined;

/** `docker compose` on the test's env file: the default project, or `o.project` with `o.env` over the file's settings (the shell's variables win). */
function compose(args: string[], o: { timeoutMs?: number; project?: string; env?: NodeJS.ProcessEnv } = {}) {
  return run('docker', ['compose', '--project-name', o.project ?? PROJECT, '--env-file', envFile, ...args], {
    cwd: root, timeout: o.timeoutMs ?? 600_000, maxBuffer: 1 << 26, env: { ...process.env, ...o.env },
  });
}

/** The engine container's id and how often Docker restarted it. */
async function engineContainer(): Promise<{ id: string; restarts: number; pid: number }> {
  const { stdout: id } = await compose(['ps', '-q', 'engine']);
  const { stdout } = await run('docker', ['inspect', '--format', '{{.RestartCount}} {{.State.Pid}}', id.trim()]);
  const [restarts, pid] = stdout.trim().split(' ').map(Number);
  return { id: id.trim(), restarts: restarts!, pid: pid! };
}

/** Runs `userstream ingest` in a container of the engine's image on the compose network, from the built-in source container. */
function ingest(count: number, rate: number) {
  return compose([
    'run', '--rm', '--no-deps', '--volume', `${auditDir}:/audit`, 'engine',
    'ingest', '--source', 'http://source:8000/api/', '--seed', SEED, '--batch-size', String(PAGE), '--count', String(count), '--rate', String(rate),
    '--schema-registry-url', REGISTRY_IN_NETWORK, '--audit-file', '/audit/ids', '--summary-json',
  ]);
}

function summaryOf(stdout: string): { produced: number } {
  const summary = parseIngestSummary(stdout);
  assert.ok(summary, `no summary line in the ingest's output:\n${stdout}`);
  return summary;
}

async function rowsReach(n: number, timeoutMs: number): Promise<number> {
  let rows = 0;
  return until(`${n} rows in ${config.keyspace}.${config.table}`, async () => {
    rows = await countRows(cql!, config).catch(() => rows);
    return rows >= n ? { done: true, value: rows } : { done: false, saw: `${rows} rows` };
  }, { deadline: Date.now() + timeoutMs, pause: every(1000) });
}

describe('docker compose: the default profile\'s pipeline (the Spark engine) from images built here', { timeout: 25 * 60_000 }, () => {
  before(async () => {
    const ca = '/etc/ssl/certs/ca-certificates.crt';
    writeFileSync(envFile, [
      'COMPOSE_PROFILES=kraft',
      `BASE_IMAGE=${BASE_IMAGE}`,
      // The machine's CAs, for the build's downloads behind a TLS-inspecting proxy.
      ...(existsSync(ca) ? [`EXTRA_CA_CERTS=${ca}`] : []),
      `PUBLISH_ADDRESS=${ADDRESS}`,
      ...Object.entries(PORTS).map(([name, port]) => `${name}=${port}`),
      // The compose file's default: the Spark engine, as the original.
      'USERSTREAM_ENGINE=spark',
      'POSTGRES_PASSWORD=docker-stage', `AIRFLOW_ADMIN_PASSWORD=${AIRFLOW_PASSWORD}`,
      '',
    ].join('\n'));
    mkdirSync(auditDir);
    chmodSync(auditDir, 0o777);
    // What an earlier run left (a run killed before its `down`).
    await compose(['down', '--volumes', '--remove-orphans']);
  });

  after(async () => {
    await cql?.shutdown();
    const logs = await compose(['logs', '--no-color', '--tail', '30']).catch((e: Error) => ({ stdout: e.message }));
    if (process.exitCode) process.stderr.write(`compose logs (last lines):\n${logs.stdout}\n`);
    await compose(['down', '--volumes', '--remove-orphans']).catch((e: Error) => process.stderr.write(`compose down: ${e.message}\n`));
    rmSync(scratch, { recursive: true, force: true });
  });

  test('the images build from the Dockerfile', async (t) => {
    const images = ['userstream:local', 'userstream-kafka:local', 'userstream-cassandra:local', 'userstream-spark:local', 'userstream-postgres:local', 'userstream-airflow:local', 'userstream-registry:local'];
    // The zookeeper profile's two are built by its own test below.
    const ids = async () => (await run('docker', ['image', 'inspect', '--format', '{{.Id}}', ...images]).catch(() => ({ stdout: '' }))).stdout.trim().split('\n').filter(Boolean);
    const before = await ids();
    const started = Date.now();
    await compose(['build', 'kafka', 'cassandra', 'spark-master', 'source', 'postgres', 'airflow-api', 'schema-registry'], { timeoutMs: 20 * 60_000 });
    t.diagnostic(`built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    // The images a rebuild replaced, so runs do not pile them up (one still used by a container stays).
    const now = new Set(await ids());
    for (const id of before.filter((i) => !now.has(i))) await run('docker', ['image', 'rm', id]).catch(() => {});
    const { stdout } = await run('docker', ['image', 'inspect', '--format', '{{.Config.User}}', ...images]);
    assert.deepEqual(stdout.trim().split('\n'), images.map(() => '1000:1000'), 'every image runs as uid 1000, not root');
  });

  test('every service of the default profile comes up healthy, each waiting for what it needs', async () => {
    // No service named: the profile's all, as `docker compose up -d --wait` starts them.
    await compose(['up', '--detach', '--wait', '--wait-timeout', '420']);
    const { stdout } = await compose(['ps', '--format', '{{.Service}} {{.Health}}']);
    const unhealthy = stdout.trim().split('\n').filter((l) => !/ healthy$/.test(l));
    assert.deepEqual(unhealthy, [], 'every service with a health check is healthy');
    // A JVM service's own log goes to the console in a container, so Docker has it.
    for (const [service, line] of [['kafka', 'Kafka Server started'], ['cassandra', 'Startup complete'], ['spark-master', 'I have been elected leader']]) {
      assert.ok((await compose(['logs', '--no-color', service!])).stdout.includes(line!), `docker compose logs ${service} shows "${line}"`);
    }
    cql = await connectCassandra(config);
  });

  test('the DAG user_automation, triggered through Airflow on its published port: every record its task produced is a row, as the source sent it', async (t) => {
    // Its task runs `userstream ingest` in the scheduler's container, so Kafka and the source are given as that network names them.
    const { stdout, stderr } = await run(process.execPath, [
      join(root, 'src', 'cli', 'main.ts'), 'dag', 'trigger', '--wait',
      '--airflow-url', `http://${ADDRESS}:${PORTS.AIRFLOW_PORT}`, '--airflow-password', AIRFLOW_PASSWORD,
      '--kafka-brokers', 'kafka:29092', '--schema-registry-url', REGISTRY_IN_NETWORK, '--source', 'http://source:8000/api/', '--seed', SEED,
      '--count', String(5 * PAGE), '--rate', '0', '--duration', '120',
    ], { cwd: root, timeout: 300_000, maxBuffer: 1 << 24, env: { ...process.env, USERSTREAM_LOG_FORMAT: 'text' } });
    assert.equal(summaryOf(stdout).produced, 5 * PAGE);
    // The task registered the record contract first, in the registry container (on its published port).
    const subjects = (await (await fetch(`http://${ADDRESS}:${PORTS.REGISTRY_PORT}/apis/ccompat/v7/subjects`)).json()) as string[];
    assert.ok(subjects.includes(`${config.topic}-value`), `subjects: ${JSON.stringify(subjects)}`);
    // Kafka, through the published host listener, holds what the task says it produced: once per
    // try, as the DAG retries a failed task once (at least once into Kafka; the rows are upserts).
    const airflow = new AirflowClient({ url: `http://${ADDRESS}:${PORTS.AIRFLOW_PORT}`, user: 'admin', password: AIRFLOW_PASSWORD });
    const [latest] = await airflow.runs(1);
    const tries = (await airflow.taskInstance(latest!.dag_run_id)).try_number;
    const inKafka = offsetTotal(await endOffsets(config, config.topic));
    if (tries === 1) {
      assert.equal(inKafka, 5 * PAGE);
    } else {
      // Why the earlier tries failed, as `dag trigger` said it: a retry is a finding to read.
      t.diagnostic(`the task ran ${tries} times: ${stderr.split('\n').filter((l) => l.includes('was retried')).join(' | ')}`);
      assert.ok(inKafka >= 5 * PAGE && inKafka <= tries * 5 * PAGE, `${inKafka} records in Kafka after ${tries} tries of ${5 * PAGE}`);
    }
    await rowsReach(5 * PAGE, 240_000);
    assertReconciled(await reconcile(cql!, config, undefined, { seed: SEED, records: 5 * PAGE, page: PAGE, baseUrl: SOURCE_URL }), 5 * PAGE, 'users of the seeded pages');
  });

  test('the dashboard and /metrics answer on the published port, with what Kafka, Cassandra and the Spark master hold', async () => {
    const base = `http://${ADDRESS}:${PORTS.DASHBOARD_PORT}`;
    const page = await fetch(`${base}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html/i);
    const rows = await countRows(cql!, config);
    const produced = offsetTotal(await endOffsets(config, config.topic));
    await until('the dashboard to show what Kafka and Cassandra hold', async () => {
      const snapshot = (await (await fetch(`${base}/api/snapshot`)).json()) as {
        produced?: number; rows?: number | null; cluster?: { sparkWorkers: { state: string }[] | null } | null;
      };
      const workers = snapshot.cluster?.sparkWorkers?.filter((w) => w.state === 'ALIVE').length ?? 0;
      return snapshot.produced === produced && snapshot.rows === rows && workers === 1
        ? { done: true, value: undefined }
        : { done: false, saw: `produced ${snapshot.produced}, rows ${snapshot.rows} (Kafka ${produced}, Cassandra ${rows}), ${workers} Spark workers alive` };
    }, { deadline: Date.now() + 60_000, pause: every(1000) });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /^# TYPE \w+/m, 'Prometheus text format');
  });

  test('the engine process killed mid-run: Docker restarts it and no record is lost', async () => {
    const before = await engineContainer();
    // Pages 1-5 again (upserts of the same rows) and 6-20 new; at 4,000 records/s the
    // pages stay 1,000 users (the ingest asks for rate/4 a request), as the reconcile regenerates them.
    const total = 20 * PAGE;
    const ingesting = ingest(total, 4 * PAGE);
    // Kill once new pages flow into Kafka: the first run's 5 pages, the replayed 5 and 2 more.
    const inKafka = await until('the second ingest to be under way', async () => {
      const n = offsetTotal(await endOffsets(config, config.topic));
      return n >= 12 * PAGE ? { done: true, value: n } : { done: false, saw: `${n} records in Kafka` };
    }, { deadline: Date.now() + 120_000, pause: every(100) });
    // The engine is tini's child: SIGKILL it from the host, as the kernel's OOM killer would.
    const children = readFileSync(`/proc/${before.pid}/task/${before.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    assert.ok(children.length > 0, 'the engine process under tini');
    for (const pid of children) process.kill(pid, 'SIGKILL');
    assert.ok(inKafka < 5 * PAGE + total, `the kill fell while the ingest still produced (${inKafka} records in Kafka then)`);
    await until('Docker to restart the engine container', async () => {
      const now = await engineContainer();
      return now.restarts > before.restarts ? { done: true, value: undefined } : { done: false, saw: `${now.restarts} restarts` };
    }, { deadline: Date.now() + 60_000, pause: every(500) });
    assert.equal(summaryOf((await ingesting).stdout).produced, total);
    await rowsReach(total, 240_000);
    assertReconciled(await reconcile(cql!, config, join(auditDir, 'ids'), { seed: SEED, records: total, page: PAGE, baseUrl: SOURCE_URL }), total, 'ids the ingest acknowledged');
  });

  test('the zookeeper profile: ZooKeeper and a Kafka 3.9 broker on it, built here, take an ingest from a container on their network', async () => {
    // A project of its own beside the default one: its broker answers to `kafka` too, on host ports of its own.
    const zk = (args: string[]) => compose(args, { project: `${PROJECT}-zk`, env: { COMPOSE_PROFILES: 'zookeeper', KAFKA_PORT: String(ZK_KAFKA_PORT), ZOOKEEPER_PORT: '12181' } });
    try {
      await zk(['build', 'zookeeper', 'kafka-zookeeper-mode']);
      await zk(['up', '--detach', '--wait', '--wait-timeout', '240', 'zookeeper', 'kafka-zookeeper-mode']);
      const { stdout } = await zk(['run', '--rm', '--no-deps', 'engine', 'ingest', '--source', 'builtin', '--count', '2000', '--rate', '0', '--schema-registry-url', 'none', '--summary-json']);
      assert.equal(summaryOf(stdout).produced, 2000);
      assert.equal(offsetTotal(await endOffsets({ kafkaBrokers: [`${ADDRESS}:${ZK_KAFKA_PORT}`] }, config.topic)), 2000, 'the broker holds them, read through its published listener');
    } finally {
      await zk(['down', '--volumes', '--remove-orphans']).catch((e: Error) => process.stderr.write(`compose down (zookeeper): ${e.message}\n`));
    }
  });

  test('the cluster profile: three Kafka nodes and a three-node ring built here, an ingest and the node engine on them, replicated three times', async () => {
    // The default project's containers go first: both at once would not fit this machine's memory well.
    await compose(['down', '--volumes', '--remove-orphans']);
    const ports = { KAFKA_PORT: 19292, KAFKA_2_PORT: 19392, KAFKA_3_PORT: 19492, CASSANDRA_PORT: 19142 };
    const env = { COMPOSE_PROFILES: 'cluster', ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])) };
    const cluster = (args: string[]) => compose(args, { project: `${PROJECT}-cluster`, env });
    const nodes = ['kafka-1', 'kafka-2', 'kafka-3', 'cassandra-1', 'cassandra-2', 'cassandra-3'];
    // What `userstream status` says from a container on the cluster's network (kafka:29092 and cassandra:9042 reach any node);
    // it exits 1 while something is wrong (a count that failed), and says what in its JSON.
    type Status = {
      topic: { total: number; lag: { node: number } } | null;
      rows: number | { error: string };
      kafka: { brokers: { id: number; up: boolean }[]; replication: Record<string, number> };
      cassandra: { address: string; up: boolean }[];
    };
    const status = async (): Promise<Status> => {
      const { stdout } = await cluster(['run', '--rm', '--no-deps', 'engine', 'status', '--json']).catch((e: { stdout?: string; message: string }) => {
        if (!e.stdout?.trim().startsWith('{')) throw e;
        return { stdout: e.stdout };
      });
      return JSON.parse(stdout) as Status;
    };
    try {
      await cluster(['up', '--detach', '--wait', '--wait-timeout', '420', ...nodes]);
      const { stdout } = await cluster(['run', '--rm', '--no-deps', 'engine', 'ingest', '--source', 'builtin', '--count', '3000', '--rate', '0', '--schema-registry-url', 'none', '--summary-json']);
      assert.equal(summaryOf(stdout).produced, 3000);
      // Through the first node's published listener; each node advertises its own published port.
      assert.equal(offsetTotal(await endOffsets({ kafkaBrokers: [`${ADDRESS}:${ports.KAFKA_PORT}`] }, config.topic)), 3000, 'the brokers hold them, read from the host');
      await cluster(['run', '--detach', '--no-deps', '--name', `${PROJECT}-cluster-stream`, 'engine', 'stream', '--engine', 'node']);
      const last = await until('the node engine to write every record to the ring', async () => {
        const s = await status();
        return typeof s.rows === 'number' && s.rows === 3000 && s.topic?.lag.node === 0
          ? { done: true, value: s }
          : { done: false, saw: `rows ${JSON.stringify(s.rows)}, lag ${s.topic?.lag.node}` };
      }, { deadline: Date.now() + 180_000, pause: every(2000) });
      assert.deepEqual(last.kafka.brokers.map((b) => [b.id, b.up]), [[1, true], [2, true], [3, true]], 'three brokers');
      assert.equal(last.kafka.replication[config.topic], 3, 'the topic replicated three times (auto: the cluster has three brokers)');
      assert.deepEqual(last.cassandra.map((n) => n.up), [true, true, true], `three Cassandra nodes up: ${JSON.stringify(last.cassandra)}`);
    } finally {
      await run('docker', ['rm', '--force', `${PROJECT}-cluster-stream`]).catch(() => {});
      await cluster(['down', '--volumes', '--remove-orphans']).catch((e: Error) => process.stderr.write(`compose down (cluster): ${e.message}\n`));
    }
  });
});
