/**
 * The Schema Registry, like the original's Confluent Schema Registry
 * container: Apicurio Registry 3 (Apache 2.0; Confluent's own registry is
 * not on the registries this project reaches), whose Confluent-compatible
 * API is at /apis/ccompat/v7. Maven Central has it as a runnable Quarkus
 * distribution (io.apicurio:apicurio-registry-app, tar.gz, classifier all):
 * fetched once, unpacked into the cache, run with `java -jar quarkus-run.jar`
 * on a JDK 21+.
 *
 * Storage: the stack's PostgreSQL, in a database of its own. Confluent's
 * registry keeps schemas in a Kafka topic, and Apicurio can too (kafkasql),
 * but here that would tie the schema ids to one Kafka: the stack runs
 * several (KRaft, ZooKeeper mode, the secure profile), each with its own
 * data, and an id written into a message must keep meaning the same schema.
 * It also starts in about 3 s instead of 15-25 s (kafkasql replays its
 * journal topic at each start), and leaves no consumer groups on the
 * pipeline's broker. docs/contract.md says more.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Config } from '../config/options.ts';
import { LOOPBACK, httpBase, postgresStackAddress, serviceHost } from '../config/stack-addresses.ts';
import { ErrorCodes, UserstreamError } from '../errors.ts';
import { fetchArtifact } from './maven.ts';
import { STACK_DATABASES } from './postgres.ts';
import type { InstallContext, ServiceDefinition } from './service.ts';

const run = promisify(execFile);

export type RegistryStackConfig = Pick<
  Config,
  'registryVersion' | 'registryPort' | 'registryManagementPort' | 'registryHeapMb' | 'registryJavaHome' | 'postgresPort'
> & Partial<Pick<Config, 'stackHost' | 'postgresPassword'>>;

/** The database the registry keeps its schemas in, on the stack's PostgreSQL. */
export const REGISTRY_DATABASE = STACK_DATABASES.registry;

/** Where the distribution is unpacked: cache/registry-<version>/dist. */
function distDir(ctx: InstallContext, version: string): string {
  return join(ctx.paths.cache, `registry-${version}`, 'dist');
}

/** Fetches the distribution from Maven Central and unpacks it, once. */
async function provision(ctx: InstallContext, version: string): Promise<string> {
  const dist = distDir(ctx, version);
  const done = join(dist, '..', '.unpacked');
  if (existsSync(done) && existsSync(join(dist, 'quarkus-run.jar'))) return dist;
  ctx.reporter(`downloading Apicurio Registry ${version} from Maven Central (about 160 MB, once)`);
  const archive = await fetchArtifact(`io.apicurio:apicurio-registry-app:${version}:tar.gz:all`, ctx.paths.mavenRepo, (bytes) =>
    ctx.reporter(`downloading Apicurio Registry ${version} from Maven Central: ${(bytes / 1e6).toFixed(0)} MB`),
  );
  ctx.reporter('unpacking');
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  // The archive has no top folder: its entries are quarkus-run.jar, lib/, app/, quarkus/.
  try {
    await run('tar', ['xzf', archive, '-C', dist]);
  } catch (error) {
    rmSync(dist, { recursive: true, force: true });
    throw new UserstreamError(ErrorCodes.STACK_DOWNLOAD, `unpacking ${archive} failed: ${(error as Error).message}`, { cause: error, canRetry: true });
  }
  if (!existsSync(join(dist, 'quarkus-run.jar'))) throw new UserstreamError(ErrorCodes.STACK_DOWNLOAD, `${archive} holds no quarkus-run.jar`);
  writeFileSync(done, `${version}\n`);
  return dist;
}

/**
 * The registry's settings, as Quarkus system properties: the API and the
 * health endpoints on loopback only (the management port would listen on
 * every interface at 9000 by default), PostgreSQL storage with a small
 * pool, and readable log lines.
 */
export function registryProperties(config: RegistryStackConfig): string[] {
  const p = (k: string, v: string | number) => `-D${k}=${v}`;
  const { bind } = serviceHost(config);
  return [
    p('quarkus.http.host', bind),
    p('quarkus.http.port', config.registryPort),
    // Its health checks stay on loopback, in a container too (the probe runs there).
    p('quarkus.management.host', LOOPBACK),
    p('quarkus.management.port', config.registryManagementPort),
    p('apicurio.storage.kind', 'sql'),
    p('apicurio.storage.sql.kind', 'postgresql'),
    // The stack's PostgreSQL trusts connections from loopback; from another container, its role's password.
    p('apicurio.datasource.url', `jdbc:postgresql://${postgresStackAddress(config)}/${REGISTRY_DATABASE}`),
    p('apicurio.datasource.username', 'postgres'),
    // A real password goes in the environment (registryService's env), not on the command line.
    ...(config.postgresPassword ? [] : [p('apicurio.datasource.password', 'unused')]),
    p('apicurio.datasource.jdbc.initial-size', 2),
    p('apicurio.datasource.jdbc.min-size', 2),
    p('apicurio.datasource.jdbc.max-size', 10),
    // The default pattern prints dates as 2026-12+00-01; every request is an access-log line otherwise.
    p('quarkus.log.console.format', '%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p [%c{3.}] (%t) %s%e%n'),
    p('quarkus.http.access-log.enabled', 'false'),
  ];
}

export function registryService(config: RegistryStackConfig): ServiceDefinition {
  const version = config.registryVersion;
  return {
    name: 'registry',
    version,
    artifacts: [],
    after: ['postgres'],
    javaMin: 21,
    ...(config.registryJavaHome ? { javaHome: config.registryJavaHome } : {}),
    ports: [
      { port: config.registryPort, what: 'Schema Registry', flag: '--registry-port' },
      { port: config.registryManagementPort, what: 'Schema Registry health', flag: '--registry-management-port' },
    ],
    startTimeoutMs: 120_000,
    classpath: 'registry',
    // The distribution, from Maven Central, once (also when an image is built).
    install: async (ctx) => {
      await provision(ctx, version);
    },
    // Its database is made by PostgreSQL's start (STACK_DATABASES), which this waits for.
    async prepare() {},
    ...(config.postgresPassword ? { env: () => ({ APICURIO_DATASOURCE_PASSWORD: config.postgresPassword }) } : {}),
    javaArgs(ctx) {
      return [`-Xmx${config.registryHeapMb}m`, '-Xms64m', ...registryProperties(config), '-jar', join(distDir(ctx, version), 'quarkus-run.jar')];
    },
    // Readiness, not liveness: Apicurio reports itself not live for 5 minutes after any 5xx it answered.
    probe: async () => {
      try {
        const res = await fetch(`${httpBase(LOOPBACK, config.registryManagementPort)}/health/ready`, { signal: AbortSignal.timeout(2000) });
        return res.ok;
      } catch {
        return false;
      }
    },
  };
}
