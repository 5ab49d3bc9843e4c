import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type cassandra from 'cassandra-driver';
import type { Config } from '../config/options.ts';
import { cassandraAnswers, createCassandraClient, isAuthenticationError, type CassandraConfig } from '../cassandra/session.ts';
import { ErrorCodes, UserstreamError } from '../errors.ts';
import {
  CASSANDRA_MAIN_CLASS, cassandraArtifacts, cassandraConfigYaml, cassandraJvmArgs, cassandraLogbackXml,
} from './cassandra-recipe.ts';
import { APP_USER, assertPlainSecret, stackSecrets } from './secrets.ts';
import type { PrepareContext, ServiceDefinition } from './service.ts';

export type CassandraStackConfig = Pick<Config, 'cassandraVersion' | 'cassandraPort' | 'cassandraStoragePort' | 'cassandraHeapMb' | 'cassandraDc' | 'secure' | 'stackHome'>;

const HOST = '127.0.0.1';

/** Apache Cassandra, one node; with --secure, logins required (PasswordAuthenticator, CassandraAuthorizer). */
export function cassandraService(config: CassandraStackConfig): ServiceDefinition {
  const files = (ctx: PrepareContext) => ({
    yaml: join(ctx.dirs.conf, 'cassandra.yaml'),
    logback: join(ctx.dirs.conf, 'logback.xml'),
  });
  return {
    name: 'cassandra',
    version: config.cassandraVersion,
    ...(config.secure ? { variant: 'secure' } : {}),
    artifacts: cassandraArtifacts(config.cassandraVersion),
    ports: [
      { port: config.cassandraPort, what: 'CQL', flag: '--cassandra-port' },
      { port: config.cassandraStoragePort, what: 'Cassandra storage', flag: '--cassandra-storage-port' },
    ],
    startTimeoutMs: 240_000,
    async prepare(ctx) {
      const f = files(ctx);
      writeFileSync(
        f.yaml,
        cassandraConfigYaml({
          dataDir: ctx.dirs.data, cqlPort: config.cassandraPort, storagePort: config.cassandraStoragePort, listenAddress: HOST, clusterName: 'userstream',
          authenticator: config.secure ? 'PasswordAuthenticator' : 'AllowAllAuthenticator',
        }),
      );
      writeFileSync(f.logback, cassandraLogbackXml(join(ctx.dirs.data, 'system.log')));
    },
    javaArgs(ctx) {
      const f = files(ctx);
      return [
        ...cassandraJvmArgs({ heapMb: config.cassandraHeapMb, configFile: f.yaml, logbackFile: f.logback, dataDir: ctx.dirs.data }),
        '-cp', join(ctx.dirs.lib, '*'),
        CASSANDRA_MAIN_CLASS,
      ];
    },
    ...(config.secure ? { afterStart: (ctx: PrepareContext) => provisionRoles(config, ctx) } : {}),
    // With PasswordAuthenticator a node that asks for a login has answered.
    probe: () => cassandraAnswers({ cassandraHosts: [`${HOST}:${config.cassandraPort}`], cassandraDc: config.cassandraDc }, 2000),
  };
}

/**
 * The secure profile's roles: the built-in superuser `cassandra` gets a
 * generated password instead of the well-known default, and the app logs in
 * as `userstream`, which may create keyspaces and use them but is no superuser.
 * Role statements take no bind markers for passwords; the passwords are the
 * stack's generated ones, checked to hold no quote.
 */
async function provisionRoles(config: CassandraStackConfig, ctx: PrepareContext): Promise<void> {
  const secrets = stackSecrets(config.stackHome);
  const admin = assertPlainSecret(secrets.cassandraAdminPassword, 'cassandraAdminPassword');
  const app = assertPlainSecret(secrets.cassandraPassword, 'cassandraPassword');
  const where: CassandraConfig = { cassandraHosts: [`${HOST}:${config.cassandraPort}`], cassandraDc: config.cassandraDc };
  ctx.reporter(`setting up the roles cassandra and ${APP_USER}`);
  let client = await loginWithRetry({ ...where, cassandraUsername: 'cassandra', cassandraPassword: admin }, true);
  if (!client) {
    // First start with authentication: the superuser still has its default password.
    const first = await loginWithRetry({ ...where, cassandraUsername: 'cassandra', cassandraPassword: 'cassandra' }, false);
    try {
      await first!.execute(`ALTER ROLE cassandra WITH PASSWORD = '${admin}'`);
    } catch (error) {
      throw new UserstreamError(ErrorCodes.STACK_START, `cassandra: changing the default superuser's password failed: ${(error as Error).message}`, { cause: error });
    } finally {
      await first!.shutdown();
    }
    client = await loginWithRetry({ ...where, cassandraUsername: 'cassandra', cassandraPassword: admin }, false);
  }
  try {
    await client!.execute(`CREATE ROLE IF NOT EXISTS ${APP_USER} WITH LOGIN = true AND SUPERUSER = false AND PASSWORD = '${app}'`);
    await client!.execute(`GRANT ALL PERMISSIONS ON ALL KEYSPACES TO ${APP_USER}`);
    // A role left from earlier credentials gets the current password (Cassandra
    // refuses a second change within 5 s, so only when the login fails).
    const appLogin = await loginWithRetry({ ...where, cassandraUsername: APP_USER, cassandraPassword: app }, true);
    if (appLogin) await appLogin.shutdown();
    else await client!.execute(`ALTER ROLE ${APP_USER} WITH PASSWORD = '${app}'`);
  } catch (error) {
    if (error instanceof UserstreamError) throw error;
    throw new UserstreamError(ErrorCodes.STACK_START, `cassandra: setting up the role ${APP_USER} failed: ${(error as Error).message}`, { cause: error });
  } finally {
    await client!.shutdown();
  }
}

/**
 * A connected client, retrying while the node is still setting up its auth
 * tables (and while a changed password reaches the 2-second credentials
 * cache); with `undefinedIfRefused`, a refused login is an answer, not an error.
 */
async function loginWithRetry(config: CassandraConfig, undefinedIfRefused: boolean): Promise<cassandra.Client | undefined> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = createCassandraClient(config);
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.shutdown().catch(() => {});
      const refused = isAuthenticationError(error);
      if (refused && undefinedIfRefused) return undefined;
      if (Date.now() > deadline) {
        throw new UserstreamError(ErrorCodes.STACK_START, `cassandra: logging in as ${config.cassandraUsername} failed: ${(error as Error).message}`, { cause: error });
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
