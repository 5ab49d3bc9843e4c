/**
 * PostgreSQL for Airflow's metadata, like the original's postgres container:
 * Debian's server binaries (`apt-get install postgresql`), a cluster of our
 * own under the stack's data folder, run as the `postgres` system user
 * (PostgreSQL refuses to run as root), listening on 127.0.0.1 only; in a
 * container (--stack-host), on every address, other containers logging in
 * with --postgres-password.
 */
import { execFile } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { userInfo } from 'node:os';
import type { Config } from '../config/options.ts';
import { LOOPBACK, serviceHost } from '../config/stack-addresses.ts';
import { ErrorCodes, UserstreamError } from '../errors.ts';
import type { ServiceDefinition } from './service.ts';

const run = promisify(execFile);

export type PostgresStackConfig = Pick<Config, 'postgresPort'> & Partial<Pick<Config, 'stackHost' | 'postgresPassword'>>;

/**
 * The databases of the services that keep their data in the stack's
 * PostgreSQL (Airflow's metadata, the Schema Registry's artifacts): created
 * by PostgreSQL's own start, so each of them finds its database there,
 * local or in a container.
 */
export const STACK_DATABASES = { airflow: 'airflow', registry: 'apicurio_registry' } as const;

/** The pg_hba.conf line for other containers: any address, the postgres role's password (SCRAM). */
export const NETWORK_HBA_LINE = 'host all all all scram-sha-256';

/** The newest PostgreSQL server Debian installed: /usr/lib/postgresql/<major>/bin. */
export function findPostgresBin(root = '/usr/lib/postgresql'): { bin: string; major: string } {
  const majors = existsSync(root)
    ? readdirSync(root).filter((d) => /^\d+$/.test(d) && existsSync(join(root, d, 'bin', 'postgres'))).sort((a, b) => Number(b) - Number(a))
    : [];
  if (majors.length === 0) {
    throw new UserstreamError(
      ErrorCodes.STACK_START,
      'PostgreSQL (the Airflow metadata database) is not installed: apt-get install postgresql',
    );
  }
  return { bin: join(root, majors[0]!, 'bin'), major: majors[0]! };
}

interface SystemUser {
  uid: number;
  gid: number;
  name: string;
}

/** The account PostgreSQL runs as: `postgres` when we are root, otherwise ourselves. */
export async function postgresUser(): Promise<SystemUser> {
  const me = userInfo();
  if (me.uid !== 0) return { uid: me.uid, gid: me.gid, name: me.username };
  try {
    const [{ stdout: uid }, { stdout: gid }] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.trim()), gid: Number(gid.trim()), name: 'postgres' };
  } catch {
    throw new UserstreamError(ErrorCodes.STACK_START, 'running as root, PostgreSQL needs the `postgres` system user (apt-get install postgresql creates it)');
  }
}

/** Runs a PostgreSQL client or tool as the server's user. */
export async function asPostgres(user: SystemUser, bin: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run(bin, args, { uid: user.uid, gid: user.gid, cwd, env: { ...process.env, PGCONNECT_TIMEOUT: '3' } });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error((e.stderr || e.message).trim().split('\n').slice(-2).join(' '), { cause: error });
  }
}

/**
 * Where the cluster lives: in the stack's data folder when the server's user
 * can reach it (every folder above it searchable by others), otherwise (a
 * checkout under a private home) in /var/tmp, one folder per stack.
 */
export function pgDataDir(stackDataDir: string): string {
  if (userInfo().uid !== 0) return join(stackDataDir, 'pgdata');
  let dir = resolve(stackDataDir, '..');
  for (;;) {
    if (existsSync(dir) && (statSync(dir).mode & 0o001) === 0) {
      const id = createHash('sha1').update(resolve(stackDataDir)).digest('hex').slice(0, 12);
      return join('/var/tmp', `userstream-postgres-${id}`, 'pgdata');
    }
    const up = dirname(dir);
    if (up === dir) return join(stackDataDir, 'pgdata');
    dir = up;
  }
}

export function postgresService(config: PostgresStackConfig): ServiceDefinition {
  const port = config.postgresPort;
  let found: { bin: string; major: string } | undefined;
  const pg = () => (found ??= findPostgresBin());
  return {
    name: 'postgres',
    get version() {
      try {
        return pg().major;
      } catch {
        return 'missing';
      }
    },
    artifacts: [],
    noJava: true,
    ports: [{ port, what: 'PostgreSQL', flag: '--postgres-port' }],
    startTimeoutMs: 60_000,
    async prepare(ctx) {
      if (config.stackHost && !config.postgresPassword) {
        throw new UserstreamError(ErrorCodes.CONFIG, 'PostgreSQL on a container network needs a password for the other containers: set USERSTREAM_POSTGRES_PASSWORD (compose: POSTGRES_PASSWORD)');
      }
      const user = await postgresUser();
      const data = pgDataDir(ctx.dirs.data);
      // The server's user must be able to reach and own its folders.
      mkdirSync(data, { recursive: true });
      for (const d of [ctx.dirs.data, dirname(data), data]) chownSync(d, user.uid, user.gid);
      if (!existsSync(join(data, 'PG_VERSION'))) {
        ctx.reporter('creating the database cluster (initdb)');
        try {
          // Trust on loopback only: the server listens on 127.0.0.1 and a Unix socket in its own folder.
          await asPostgres(user, join(pg().bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8'], ctx.dirs.data);
        } catch (error) {
          throw new UserstreamError(ErrorCodes.STACK_START, `initdb in ${data} failed: ${(error as Error).message}`, { cause: error });
        }
      }
      // Loopback (and the socket) is trusted, as initdb wrote; other containers log in with the password.
      const hba = join(data, 'pg_hba.conf');
      if (config.stackHost && !readFileSync(hba, 'utf8').split('\n').includes(NETWORK_HBA_LINE)) appendFileSync(hba, `${NETWORK_HBA_LINE}\n`);
    },
    async afterStart() {
      try {
        for (const name of Object.values(STACK_DATABASES)) await ensureDatabase(pg().bin, port, name);
        if (config.postgresPassword) await psqlLocal(pg().bin, port, `ALTER ROLE postgres PASSWORD '${config.postgresPassword.replace(/'/g, "''")}'`);
      } catch (error) {
        const e = error as { stderr?: string; message: string };
        throw new UserstreamError(ErrorCodes.STACK_START, `postgres: creating the stack's databases failed: ${(e.stderr || e.message).trim().split('\n').slice(-2).join(' ')}`, { cause: error });
      }
    },
    command(ctx) {
      const data = pgDataDir(ctx.dirs.data);
      return {
        bin: join(pg().bin, 'postgres'),
        args: ['-D', data, '-p', String(port), '-c', `listen_addresses=${serviceHost(config).bind}`, '-c', `unix_socket_directories=${dirname(data)}`, '-c', 'max_connections=100'],
        // The data folder is on the command line: it marks the process as ours.
        marker: data,
        ...uidGid(ctx.dirs.data),
      };
    },
    orphan: (dirs) => postmasterOf(pgDataDir(dirs.data)),
    probe: async () => {
      try {
        await psqlLocal(pg().bin, port, 'SELECT 1', 2);
        return true;
      } catch {
        return false;
      }
    },
  };
}

/**
 * The postmaster PostgreSQL records in its data folder (postmaster.pid: its
 * pid on the first line, the folder on the second), with the folder as the
 * marker to check on its command line: a postmaster of ours whose run file
 * was lost is found here, and adopted rather than called a stranger on the
 * port (it serves our cluster, started by us; stopping it would only cost a
 * restart). A stale file (a killed server) names a pid that is gone, or
 * reused by a process without our folder on its command line: not adopted.
 */
export function postmasterOf(data: string): { pid: number; marker: string } | undefined {
  let text: string;
  try {
    text = readFileSync(join(data, 'postmaster.pid'), 'utf8');
  } catch {
    return undefined;
  }
  const [pid, dir] = text.split('\n');
  return /^\d+$/.test(pid ?? '') && dir === data ? { pid: Number(pid), marker: data } : undefined;
}

/** The owner of the data folder (prepare chowned it to the server's user). */
function uidGid(dir: string): { uid?: number; gid?: number } {
  if (userInfo().uid !== 0) return {};
  const { uid, gid } = statSync(dir);
  return { uid, gid };
}

/** One statement through `bin`'s psql, as postgres from loopback (trusted), connecting for at most `connectSeconds`. */
async function psqlLocal(bin: string, port: number, sql: string, connectSeconds = 3): Promise<string> {
  const { stdout } = await run(join(bin, 'psql'), ['-h', LOOPBACK, '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-tAc', sql], {
    env: { ...process.env, PGCONNECT_TIMEOUT: String(connectSeconds) },
  });
  return stdout;
}

/** Creates a database if it does not exist yet (idempotent). */
async function ensureDatabase(bin: string, port: number, name: string): Promise<void> {
  const exists = await psqlLocal(bin, port, `SELECT 1 FROM pg_database WHERE datname = '${name.replace(/'/g, "''")}'`);
  if (exists.trim() !== '1') await psqlLocal(bin, port, `CREATE DATABASE "${name.replace(/"/g, '""')}"`);
}
