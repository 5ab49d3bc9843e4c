import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type cassandra from 'cassandra-driver';
import type { Config } from '../config/options.ts';
import { LOOPBACK as HOST, cassandraNodeAddress, cassandraStackHosts, ringAddress, serviceHost } from '../config/stack-addresses.ts';
import { cassandraAnswers, createCassandraClient, isAuthenticationError, type CassandraConfig } from '../cassandra/session.ts';
import { type Check, WaitFailed, every, until } from '../retry.ts';
import { ErrorCodes, UserstreamError } from '../errors.ts';
import {
  CASSANDRA_MAIN_CLASS, cassandraArtifacts, cassandraConfigYaml, cassandraJvmArgs, cassandraLogbackXml, ringTokens,
} from './cassandra-recipe.ts';
import { untilRingReady } from './cassandra-ring.ts';
import { APP_USER, assertPlainSecret, stackSecrets } from './secrets.ts';
import type { PrepareContext, ServiceDefinition } from './service.ts';

export type CassandraStackConfig = Pick<Config, 'cassandraVersion' | 'cassandraPort' | 'cassandraStoragePort' | 'cassandraHeapMb' | 'cassandraDc' | 'secure' | 'stackHome' | 'stackHost'> &
  Partial<Pick<Config, 'cluster' | 'cassandraNodes'>>;

/** A node's JMX port (nodetool), on 127.0.0.1: 7100, 7200, … as Cassandra's ccm numbers them. */
export const ringJmxPort = (i: number) => 7000 + 100 * i;

interface RingNode {
  index: number;
  count: number;
}

/**
 * Apache Cassandra: one node, or with --cluster a ring of --cassandra-nodes
 * instances (cassandra-1 on 127.0.0.1, cassandra-2 on 127.0.0.2, …) with
 * tokens assigned up front, the way Cassandra's ccm runs a ring on one
 * machine; with --secure, logins required (PasswordAuthenticator,
 * CassandraAuthorizer).
 */
export function cassandraServices(config: CassandraStackConfig): ServiceDefinition[] {
  if (!config.cluster) return [cassandraNode(config)];
  const count = config.cassandraNodes ?? 3;
  return Array.from({ length: count }, (_, i) => cassandraNode(config, { index: i + 1, count }));
}

function cassandraNode(config: CassandraStackConfig, node?: RingNode): ServiceDefinition {
  const files = (ctx: PrepareContext) => ({
    yaml: join(ctx.dirs.conf, 'cassandra.yaml'),
    logback: join(ctx.dirs.conf, 'logback.xml'),
  });
  // In a container, the node gossips and is known to drivers by its name on the container network.
  const address = node ? ringAddress(config, node.index) : serviceHost(config).advertised;
  const seeds = node ? Array.from({ length: node.count }, (_, i) => ringAddress(config, i + 1)) : undefined;
  // Several nodes share the machine: a smaller heap each (docs/cluster.md); 512 MB is ccm's.
  const heapMb = node ? Math.min(config.cassandraHeapMb, 1024) : config.cassandraHeapMb;
  const where: CassandraConfig = { cassandraHosts: [cassandraNodeAddress(config, node?.index)], cassandraDc: config.cassandraDc };
  return {
    name: node ? `cassandra-${node.index}` : 'cassandra',
    version: config.cassandraVersion,
    ...(config.secure ? { variant: 'secure' } : {}),
    classpath: 'cassandra',
    excludes: node ? ['cassandra'] : Array.from({ length: 9 }, (_, i) => `cassandra-${i + 1}`),
    artifacts: cassandraArtifacts(config.cassandraVersion),
    ports: [
      { port: config.cassandraPort, what: 'CQL', flag: '--cassandra-port', ...(node ? { host: address } : {}) },
      { port: config.cassandraStoragePort, what: 'Cassandra storage', flag: '--cassandra-storage-port', ...(node ? { host: address } : {}) },
      ...(node ? [{ port: ringJmxPort(node.index), what: 'Cassandra JMX (nodetool)', flag: '--cassandra-nodes', host: HOST }] : []),
    ],
    startTimeoutMs: 240_000,
    ownLog: 'system.log',
    async prepare(ctx) {
      const f = files(ctx);
      writeFileSync(
        f.yaml,
        cassandraConfigYaml({
          dataDir: ctx.dirs.data, cqlPort: config.cassandraPort, storagePort: config.cassandraStoragePort, listenAddress: address, clusterName: 'userstream',
          ...(config.stackHost ? { cqlOnEveryAddress: true } : {}),
          authenticator: config.secure ? 'PasswordAuthenticator' : 'AllowAllAuthenticator',
          ...(node && seeds ? { ring: { seeds, initialToken: ringTokens(node.count)[node.index - 1]! } } : {}),
        }),
      );
      writeFileSync(f.logback, cassandraLogbackXml(ctx.ownLog));
    },
    javaArgs(ctx) {
      const f = files(ctx);
      return [
        ...cassandraJvmArgs({
          heapMb, configFile: f.yaml, logbackFile: f.logback, dataDir: ctx.dirs.data,
          ...(node ? { jmxPort: ringJmxPort(node.index), systemAuthRf: Math.min(3, node.count), ring: true } : {}),
        }),
        '-cp', join(ctx.dirs.lib, '*'),
        CASSANDRA_MAIN_CLASS,
      ];
    },
    ...(config.secure ? { afterStart: (ctx: PrepareContext) => provisionRoles(config, ctx) } : {}),
    ...(node ? { afterStart: (ctx: PrepareContext) => waitForRing(config, node.count, ctx) } : {}),
    // With PasswordAuthenticator a node that asks for a login has answered. A ring's node must answer itself.
    probe: () => cassandraAnswers(where, 2000, node ? cassandraNodeAddress(config, node.index) : undefined),
  };
}

/**
 * A ring's node is up when the ring is (cassandra-ring.ts): every node
 * answers, knows every other node and holds a messaging connection to it,
 * and all agree on the schema, each node asked itself. Every node of the
 * ring waits for the whole ring, so `stack up cassandra-2` after a restart
 * also waits until the others see it back. (One node alone has no ring to
 * wait for: its probe is its readiness.)
 */
async function waitForRing(config: CassandraStackConfig, count: number, ctx: PrepareContext): Promise<void> {
  const hosts = cassandraStackHosts({ ...config, cluster: true, cassandraNodes: count });
  const where: CassandraConfig = { cassandraHosts: hosts, cassandraDc: config.cassandraDc };
  try {
    const ready = await untilRingReady(where, hosts, { timeoutMs: 240_000, onWait: (line) => ctx.reporter(`waiting for the ring: ${line}`) });
    ctx.reporter(`the ring is ready: ${ready}`);
  } catch (error) {
    if (!(error instanceof WaitFailed)) throw error;
    const logs = join(dirname(ctx.dirs.data), 'cassandra-*', 'system.log');
    throw new UserstreamError(ErrorCodes.STACK_START, `cassandra: the ring is not ready: ${error.message}; see ${logs}`, { cause: error });
  }
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
  const where: CassandraConfig = { cassandraHosts: [cassandraNodeAddress(config)], cassandraDc: config.cassandraDc };
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
  let last: unknown;
  return until(
    `a login as ${config.cassandraUsername}`,
    async (): Promise<Check<cassandra.Client | undefined>> => {
      const client = createCassandraClient(config);
      try {
        await client.connect();
        return { done: true, value: client };
      } catch (error) {
        await client.shutdown().catch(() => {});
        const refused = isAuthenticationError(error);
        if (refused && undefinedIfRefused) return { done: true, value: undefined };
        last = error;
        return { done: false, saw: (error as Error).message };
      }
    },
    {
      deadline: Date.now() + 30_000,
      pause: every(1000),
      fail: (failed) => new UserstreamError(ErrorCodes.STACK_START, `cassandra: logging in as ${config.cassandraUsername} failed: ${failed.saw}`, { cause: last }),
    },
  );
}
