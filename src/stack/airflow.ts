/**
 * Apache Airflow 3, like the original's webserver and scheduler containers:
 * installed from PyPI into a virtualenv in the stack's cache, PostgreSQL as
 * its metadata database, and three processes — the API server (REST API and
 * UI), the scheduler (LocalExecutor) and the DAG processor — reading the
 * repository's `airflow/dags/`.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { airflowHealthUrl } from '../airflow/client.ts';
import type { Config } from '../config/options.ts';
import { airflowStackUrl, kafkaNodeAddress, postgresStackAddress, serviceHost } from '../config/stack-addresses.ts';
import { ErrorCodes, UserstreamError } from '../errors.ts';
import type { StackPaths } from './paths.ts';
import { STACK_DATABASES } from './postgres.ts';
import type { InstallContext, PrepareContext, ServiceDefinition } from './service.ts';
import { createVenv, ensureUv, uvInstall } from './uv.ts';

const run = promisify(execFile);

export type AirflowStackConfig = Pick<
  Config,
  'airflowVersion' | 'airflowPort' | 'airflowUser' | 'airflowPassword' | 'postgresPort' | 'python' | 'kafkaPort' | 'topic' | 'stackHome'
> & Partial<Pick<Config, 'stackHost' | 'postgresPassword'>>;

/** The repository root (where airflow/dags lives). */
const REPO = resolve(import.meta.dirname, '..', '..');
export const DAGS_FOLDER = join(REPO, 'airflow', 'dags');

interface AirflowHome {
  venv: string;
  home: string;
}

function airflowHome(paths: StackPaths, version: string): AirflowHome {
  return { venv: join(paths.cache, `airflow-${version}`, 'venv'), home: paths.data('airflow') };
}

/** Installs Airflow and the PostgreSQL provider into the virtualenv, once, with uv. */
async function ensureVenv(config: AirflowStackConfig, h: AirflowHome, cache: string, report: (text: string) => void): Promise<void> {
  const marker = join(h.venv, '.installed');
  if (existsSync(marker)) return;
  const uv = await ensureUv(config.python, cache, report);
  rmSync(h.venv, { recursive: true, force: true });
  mkdirSync(h.venv, { recursive: true });
  report(`creating a virtualenv with ${config.python}`);
  await createVenv(config.python, h.venv, { withoutPip: true });
  await uvInstall({
    uv,
    python: join(h.venv, 'bin', 'python'),
    packages: [`apache-airflow==${config.airflowVersion}`, 'apache-airflow-providers-postgres'],
    cacheDir: join(cache, 'uv'),
    what: `apache-airflow ${config.airflowVersion}`,
    report,
  });
  writeFileSync(marker, new Date().toISOString());
}

/** A secret kept in the Airflow home, made once (JWT signing, session cookies). */
function secret(h: AirflowHome, name: string): string {
  const file = join(h.home, `.${name}`);
  if (!existsSync(file)) {
    mkdirSync(h.home, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

/** Airflow's configuration, as AIRFLOW__SECTION__KEY variables, plus what the DAG needs to run userstream. */
export function airflowEnv(config: AirflowStackConfig, h: AirflowHome): NodeJS.ProcessEnv {
  const base = airflowStackUrl(config);
  const passwords = join(h.home, 'passwords.json');
  return {
    AIRFLOW_HOME: h.home,
    AIRFLOW__CORE__DAGS_FOLDER: DAGS_FOLDER,
    AIRFLOW__CORE__LOAD_EXAMPLES: 'False',
    AIRFLOW__CORE__EXECUTOR: 'LocalExecutor',
    AIRFLOW__CORE__PARALLELISM: '4',
    AIRFLOW__CORE__EXECUTION_API_SERVER_URL: `${base}/execution/`,
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS: `${config.airflowUser}:admin`,
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE: passwords,
    AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: `postgresql+psycopg2://postgres${config.postgresPassword ? `:${encodeURIComponent(config.postgresPassword)}` : ''}@${postgresStackAddress(config)}/${STACK_DATABASES.airflow}`,
    // The UI's own address; in a container the browser knows it by the published port, not by `base` (airflow-api:8080): Airflow's default then.
    ...(config.stackHost ? {} : { AIRFLOW__API__BASE_URL: base }),
    AIRFLOW__API__PORT: String(config.airflowPort),
    AIRFLOW__API__HOST: serviceHost(config).bind,
    AIRFLOW__API__WORKERS: '1',
    AIRFLOW__API__SECRET_KEY: secret(h, 'api-secret-key'),
    AIRFLOW__API_AUTH__JWT_SECRET: secret(h, 'jwt-secret'),
    AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL: '30',
    AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK: 'True',
    // For the DAG's task: how to run userstream, and the stack it talks to.
    USERSTREAM_NODE: realpathSync(process.execPath),
    USERSTREAM_CLI: join(REPO, 'src', 'cli', 'main.ts'),
    // The first node's: the single node, or node 1 of a cluster.
    USERSTREAM_KAFKA_BROKERS: kafkaNodeAddress(config),
    USERSTREAM_TOPIC: config.topic,
    USERSTREAM_STACK_HOME: resolve(config.stackHome),
  };
}

interface Health {
  metadatabase?: { status?: string };
  scheduler?: { status?: string };
  dag_processor?: { status?: string };
}

export async function airflowHealth(config: Pick<Config, 'airflowPort'> & Partial<Pick<Config, 'stackHost'>>): Promise<Health | undefined> {
  const res = await fetch(airflowHealthUrl(airflowStackUrl(config)), { signal: AbortSignal.timeout(2000) });
  return res.ok ? ((await res.json()) as Health) : undefined;
}

export function airflowServices(config: AirflowStackConfig): ServiceDefinition[] {
  // The three share one virtualenv (cache/airflow-<version>), installed by whichever is fetched or started first.
  const common = {
    version: config.airflowVersion,
    artifacts: [] as string[],
    classpath: 'airflow',
    noJava: true,
    install: (ctx: InstallContext) => ensureVenv(config, airflowHome(ctx.paths, config.airflowVersion), ctx.paths.cache, ctx.reporter),
  };
  const cmd = (ctx: PrepareContext, args: string[]) => {
    const h = airflowHome(ctx.paths, config.airflowVersion);
    // Airflow retitles its processes (setproctitle), so the command line cannot
    // carry a marker; the recorded start time tells a reused pid apart.
    return { bin: join(h.venv, 'bin', 'airflow'), args, marker: '' };
  };
  const env = (ctx: PrepareContext) => airflowEnv(config, airflowHome(ctx.paths, config.airflowVersion));

  const api: ServiceDefinition = {
    ...common,
    name: 'airflow-api',
    after: ['postgres'],
    ports: [{ port: config.airflowPort, what: 'Airflow API and UI', flag: '--airflow-port' }],
    startTimeoutMs: 180_000,
    async prepare(ctx) {
      const h = airflowHome(ctx.paths, config.airflowVersion);
      mkdirSync(h.home, { recursive: true });
      writeFileSync(join(h.home, 'passwords.json'), JSON.stringify({ [config.airflowUser]: config.airflowPassword }), { mode: 0o600 });
      // The database itself is made by PostgreSQL's start (STACK_DATABASES), which this waits for.
      ctx.reporter('migrating the metadata database (airflow db migrate)');
      try {
        await run(join(h.venv, 'bin', 'airflow'), ['db', 'migrate'], { env: { ...process.env, ...env(ctx) }, maxBuffer: 16 * 1024 * 1024 });
      } catch (error) {
        const e = error as { stderr?: string; message: string };
        const why = (e.stderr || e.message).trim().split('\n').slice(-2).join(' ');
        throw new UserstreamError(ErrorCodes.STACK_START, `preparing Airflow's metadata database failed: ${why}`, { cause: error });
      }
    },
    env,
    command: (ctx) => cmd(ctx, ['api-server', '--port', String(config.airflowPort)]),
    probe: async () => (await airflowHealth(config))?.metadatabase?.status === 'healthy',
  };

  const scheduler: ServiceDefinition = {
    ...common,
    name: 'airflow-scheduler',
    after: ['airflow-api'],
    ports: [],
    startTimeoutMs: 120_000,
    async prepare() {},
    env,
    command: (ctx) => cmd(ctx, ['scheduler']),
    probe: async () => (await airflowHealth(config))?.scheduler?.status === 'healthy',
  };

  const dagProcessor: ServiceDefinition = {
    ...common,
    name: 'airflow-dag-processor',
    after: ['airflow-api'],
    ports: [],
    startTimeoutMs: 120_000,
    async prepare() {},
    env,
    command: (ctx) => cmd(ctx, ['dag-processor']),
    probe: async () => (await airflowHealth(config))?.dag_processor?.status === 'healthy',
  };

  return [api, scheduler, dagProcessor];
}
