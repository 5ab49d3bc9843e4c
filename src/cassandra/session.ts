import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import cassandra from 'cassandra-driver';
import type { Config } from '../config/options.ts';
import { ErrorCodes, UserstreamError } from '../errors.ts';

export type CassandraConfig = Pick<Config, 'cassandraHosts' | 'cassandraDc'> & Partial<Pick<Config, 'cassandraUsername' | 'cassandraPassword' | 'writeConsistency' | 'readConsistency'>>;

/** Login with --cassandra-username/--cassandra-password when they are set (PasswordAuthenticator). */
function authProvider(config: CassandraConfig): { authProvider?: cassandra.auth.AuthProvider } {
  if (!config.cassandraUsername || !config.cassandraPassword) return {};
  return { authProvider: new cassandra.auth.PlainTextAuthProvider(config.cassandraUsername, config.cassandraPassword) };
}

/**
 * A write not answered within this long is sent to the next replica too (the
 * drivers' speculative execution; the writes are idempotent upserts). A
 * coordinator that is paused or overloaded keeps its connections open, so
 * neither driver sees it down before its request timeout: without this a
 * node that stops answering holds every write routed to it for the whole
 * timeout (the cluster suite's paused node). One rule for both engines: the
 * node driver here, the Spark connector's driver in sparkCassandraDriverProperties.
 */
export const SPECULATIVE_WRITE = { delayMs: 1000, extraExecutions: 1 } as const;

/** A consistency level by its CQL name (LOCAL_QUORUM), as the driver numbers it. */
export function consistencyOf(level: string): number {
  const key = level.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) as keyof typeof cassandra.types.consistencies;
  const value = cassandra.types.consistencies[key];
  if (value === undefined) throw new UserstreamError(ErrorCodes.CONFIG, `unknown Cassandra consistency level ${level}`);
  return value;
}

/**
 * A driver client for the configured contact points (any of them may be
 * down: the driver tries them in turn and learns the rest of the ring from
 * the first that answers), writing at --write-consistency. `keyspace` is left
 * unset on purpose: every statement names its keyspace, so the same client
 * can create the keyspace first.
 */
export function createCassandraClient(config: CassandraConfig, options: { concurrency?: number } = {}): cassandra.Client {
  const first = config.cassandraHosts[0]!;
  const port = Number(first.split(':')[1]);
  return new cassandra.Client({
    contactPoints: config.cassandraHosts.map((h) => h.split(':')[0]!),
    localDataCenter: config.cassandraDc,
    pooling: { coreConnectionsPerHost: { [cassandra.types.distance.local]: 2 }, maxRequestsPerConnection: Math.max(2048, options.concurrency ?? 0) },
    socketOptions: { connectTimeout: 5000, readTimeout: 12_000 },
    queryOptions: { consistency: consistencyOf(config.writeConsistency ?? 'LOCAL_QUORUM'), prepare: true },
    // Off: a schema change waits in changeSchema (agreement.ts) for the nodes up to agree, each asked
    // itself. The driver's wait asks the coordinator alone, counts a down node's old version in its
    // system.peers, and so spent its whole 10 s after every change while a node was down. (With 0
    // the driver's ResultSet.info.isSchemaInAgreement is always true: nothing here reads it.)
    protocolOptions: { port, maxSchemaAgreementWaitSeconds: 0 },
    policies: { speculativeExecution: new cassandra.policies.speculativeExecution.ConstantSpeculativeExecutionPolicy(SPECULATIVE_WRITE.delayMs, SPECULATIVE_WRITE.extraExecutions) },
    ...authProvider(config),
  });
}

export async function connectCassandra(config: CassandraConfig, options: { concurrency?: number } = {}): Promise<cassandra.Client> {
  const client = createCassandraClient(config, options);
  try {
    await client.connect();
  } catch (error) {
    await client.shutdown().catch(() => {});
    throw cassandraError('connecting', config, error);
  }
  return client;
}

/** The node refused to let the client in (no or wrong credentials), as opposed to not answering. */
export function isAuthenticationError(error: unknown): boolean {
  if (error instanceof cassandra.errors.AuthenticationError) return true;
  const hosts = (error as { innerErrors?: Record<string, unknown> })?.innerErrors;
  return hosts !== undefined && Object.values(hosts).some((e) => e instanceof cassandra.errors.AuthenticationError);
}

export interface RingNode {
  /** host:port of its CQL listener. */
  address: string;
  datacenter: string;
  up: boolean;
}

/**
 * The ring as the driver sees it from the contact points: every node it
 * knows, and whether its connections are up (a killed node is down at once,
 * a paused one once its requests time out).
 */
export async function ringNodes(client: cassandra.Client): Promise<RingNode[]> {
  return client.hosts
    .values()
    .map((h) => ({ address: h.address, datacenter: h.datacenter, up: h.isUp() }))
    .sort((a, b) => a.address.localeCompare(b.address, 'en', { numeric: true }));
}

export function cassandraError(doing: string, config: CassandraConfig, error: unknown): UserstreamError {
  if (error instanceof UserstreamError) return error;
  let inner = (error as Error)?.message ?? String(error);
  // NoHostAvailableError hides the useful part in innerErrors.
  const hosts = (error as { innerErrors?: Record<string, Error> }).innerErrors;
  if (hosts && Object.keys(hosts).length > 0) {
    const [host, err] = Object.entries(hosts)[0]!;
    inner = `${host}: ${err?.message ?? err}`;
  }
  const reasons = failureReasons(error);
  if (reasons) inner += ` (${reasons})`;
  const auth = isAuthenticationError(error);
  if (auth && !config.cassandraUsername) inner += ' (the node requires a login: set --cassandra-username and --cassandra-password)';
  return new UserstreamError(ErrorCodes.CASSANDRA, `${doing} on Cassandra ${config.cassandraHosts.join(',')}: ${inner}`, {
    cause: error,
    // Wrong or missing credentials stay wrong.
    canRetry: !auth,
  });
}

/** Cassandra's codes for why a replica failed a read or a write (RequestFailureReason). */
const FAILURE_REASONS: Record<number, string> = {
  0: 'unknown',
  1: 'too many tombstones read',
  2: 'timeout',
  3: 'incompatible schema: the replica does not have the table as the coordinator knows it',
  4: 'read too large',
  5: 'node down',
  6: 'index not available',
  7: 'too many indexes read',
};

/**
 * Which replica failed a read or write and why (`127.0.0.2: timeout`), from
 * a read or write failure error; undefined for any other error. The driver's
 * message only counts the failures.
 */
export function failureReasons(error: unknown): string | undefined {
  const reasons = (error as { reasons?: Record<string, number> } | undefined)?.reasons;
  if (!reasons || typeof reasons !== 'object') return undefined;
  const entries = Object.entries(reasons);
  if (entries.length === 0) return undefined;
  return entries.map(([replica, code]) => `${replica}: ${FAILURE_REASONS[code] ?? `reason ${code}`}`).join('; ');
}

/**
 * A client that talks to `address` (host:port) alone, for questions about
 * that node itself (its system tables, its view of the ring): the driver
 * would otherwise learn the other nodes from it and ask one of them. No
 * schema metadata is read (cheaper to connect), one connection.
 */
export async function pinnedClient(config: CassandraConfig, address: string, timeoutMs: number): Promise<cassandra.Client> {
  const { loadBalancing } = cassandra.policies;
  // The allow-list matches the driver's host addresses, which are IPs: a
  // node given by name (cassandra-2 on a container network) is resolved first.
  const [host, port] = [address.split(':')[0]!, Number(address.split(':')[1])];
  const ip = isIP(host) ? host : await lookup(host).then((r) => r.address, () => host);
  return new cassandra.Client({
    contactPoints: [ip],
    protocolOptions: { port },
    localDataCenter: config.cassandraDc,
    isMetadataSyncEnabled: false,
    pooling: { coreConnectionsPerHost: { [cassandra.types.distance.local]: 1 } },
    socketOptions: { connectTimeout: timeoutMs, readTimeout: timeoutMs },
    policies: { loadBalancing: new loadBalancing.AllowListPolicy(new loadBalancing.DCAwareRoundRobinPolicy(config.cassandraDc), [`${ip}:${port}`]) },
    ...authProvider(config),
  });
}

/**
 * True when a node answers a CQL query within the timeout. A node that
 * refuses the credentials (or asks for some) has answered too: it is up.
 * With `only`, that node itself must answer (one node of a ring).
 */
export async function cassandraAnswers(config: CassandraConfig, timeoutMs = 3000, only?: string): Promise<boolean> {
  const first = config.cassandraHosts[0]!;
  const client = only
    ? await pinnedClient(config, only, timeoutMs)
    : new cassandra.Client({
        contactPoints: config.cassandraHosts.map((h) => h.split(':')[0]!),
        protocolOptions: { port: Number(first.split(':')[1]) },
        localDataCenter: config.cassandraDc,
        socketOptions: { connectTimeout: timeoutMs, readTimeout: timeoutMs },
        ...authProvider(config),
      });
  try {
    await client.execute('SELECT release_version FROM system.local');
    return true;
  } catch (error) {
    return isAuthenticationError(error);
  } finally {
    await client.shutdown().catch(() => {});
  }
}
