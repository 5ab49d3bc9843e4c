import cassandra from 'cassandra-driver';
import type { Config } from '../config/options.ts';
import { ErrorCodes, UserstreamError } from '../errors.ts';

export type CassandraConfig = Pick<Config, 'cassandraHosts' | 'cassandraDc'> & Partial<Pick<Config, 'cassandraUsername' | 'cassandraPassword'>>;

/** Login with --cassandra-username/--cassandra-password when they are set (PasswordAuthenticator). */
function authProvider(config: CassandraConfig): { authProvider?: cassandra.auth.AuthProvider } {
  if (!config.cassandraUsername || !config.cassandraPassword) return {};
  return { authProvider: new cassandra.auth.PlainTextAuthProvider(config.cassandraUsername, config.cassandraPassword) };
}

/**
 * A driver client for the configured contact points. `keyspace` is left
 * unset on purpose: every statement names its keyspace, so the same client
 * can create the keyspace first.
 */
export function createCassandraClient(config: CassandraConfig, options: { concurrency?: number } = {}): cassandra.Client {
  const first = config.cassandraHosts[0]!;
  const port = Number(first.split(':')[1]);
  return new cassandra.Client({
    contactPoints: config.cassandraHosts.map((h) => h.split(':')[0]!),
    protocolOptions: { port },
    localDataCenter: config.cassandraDc,
    pooling: { coreConnectionsPerHost: { [cassandra.types.distance.local]: 2 }, maxRequestsPerConnection: Math.max(2048, options.concurrency ?? 0) },
    socketOptions: { connectTimeout: 5000, readTimeout: 12_000 },
    queryOptions: { consistency: cassandra.types.consistencies.localQuorum, prepare: true },
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

export function cassandraError(doing: string, config: CassandraConfig, error: unknown): UserstreamError {
  if (error instanceof UserstreamError) return error;
  let inner = (error as Error)?.message ?? String(error);
  // NoHostAvailableError hides the useful part in innerErrors.
  const hosts = (error as { innerErrors?: Record<string, Error> }).innerErrors;
  if (hosts && Object.keys(hosts).length > 0) {
    const [host, err] = Object.entries(hosts)[0]!;
    inner = `${host}: ${err?.message ?? err}`;
  }
  const auth = isAuthenticationError(error);
  if (auth && !config.cassandraUsername) inner += ' (the node requires a login: set --cassandra-username and --cassandra-password)';
  return new UserstreamError(ErrorCodes.CASSANDRA, `${doing} on Cassandra ${config.cassandraHosts.join(',')}: ${inner}`, {
    cause: error,
    // Wrong or missing credentials stay wrong.
    canRetry: !auth,
  });
}

/**
 * True when a node answers a CQL query within the timeout. A node that
 * refuses the credentials (or asks for some) has answered too: it is up.
 */
export async function cassandraAnswers(config: CassandraConfig, timeoutMs = 3000): Promise<boolean> {
  const first = config.cassandraHosts[0]!;
  const client = new cassandra.Client({
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
