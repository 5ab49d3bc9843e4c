/**
 * Schema agreement among the nodes that are up. After CREATE KEYSPACE or
 * CREATE TABLE the change reaches the other nodes through their messaging
 * (the coordinator pushes it, the others pull it when gossip shows them a
 * new version), and a statement that reaches a node before the change did
 * fails ("Keyspace 'x' doesn't exist"; the Spark connector, whose control
 * node it is, cannot find the table). So every schema change here is
 * followed by this wait: each node the driver sees up is asked its own
 * schema version (system.local, on that node), until they all answer with
 * one. A node that is down is not waited for: it pulls the schema when it
 * comes back.
 *
 * The driver's own wait (protocolOptions.maxSchemaAgreementWaitSeconds) asks
 * only the coordinator, whose system.peers keeps a down node's old version,
 * so with a node down it never saw agreement and always spent its full 10 s;
 * createCassandraClient turns it off in favour of this one.
 */
import cassandra from 'cassandra-driver';
import { describeError, ErrorCodes, UserstreamError } from '../errors.ts';
import { until, WaitFailed } from '../retry.ts';

/** One node's answer to "which schema version do you have". */
export interface HostSchema {
  /** host:port, as the driver names it. */
  address: string;
  /** Up as the driver sees it. */
  up: boolean;
  /** Its own schema version (its system.local), when it answered. */
  version?: string;
  /** Why it did not answer. */
  error?: string;
}

export interface Agreement {
  agreed: boolean;
  /** The nodes waited for: every node up, and the `required` ones. */
  waitedFor: string[];
  /** Who has which version, who did not answer, who is down, in one line. */
  saw: string;
}

/**
 * Whether the nodes up (and `required` ones, up or not: a coordinator that
 * just answered a statement) all answered with one schema version. A node
 * up that did not answer is waited for: it may be paused, and the driver
 * marks it down once its requests time out.
 */
export function schemaAgreement(hosts: HostSchema[], required: string[] = []): Agreement {
  const known: HostSchema[] = [...hosts, ...required.filter((r) => !hosts.some((h) => h.address === r)).map((address) => ({ address, up: false, error: 'not known to the driver' }))];
  const waited = known.filter((h) => h.up || required.includes(h.address));
  const versions = new Set(waited.map((h) => h.version));
  const agreed = waited.length > 0 && !versions.has(undefined) && versions.size === 1;
  return { agreed, waitedFor: waited.map((h) => h.address), saw: describeSchemas(known, waited) };
}

/** The nodes by the schema version each reported, the largest group first. */
export function versionGroups(reports: Iterable<readonly [node: string, version: string]>): [version: string, nodes: string[]][] {
  const byVersion = new Map<string, string[]>();
  for (const [node, version] of reports) byVersion.set(version, [...(byVersion.get(version) ?? []), node]);
  return [...byVersion].sort((a, b) => b[1].length - a[1].length);
}

/** `a and b at 5b1e2f3a, c at 7ea31f88`. */
export function describeGroups(groups: [version: string, nodes: string[]][]): string {
  return groups.map(([v, nodes]) => `${nodeList(nodes)} at ${shortVersion(v)}`).join(', ');
}

function reported(hosts: HostSchema[]): [string, string][] {
  return hosts.flatMap((h) => (h.version === undefined ? [] : [[h.address, h.version] as [string, string]]));
}

/** `a and b at 5b1e2f3a, c at 7ea31f88; d did not answer (…); e down, not waited for`. */
function describeSchemas(all: HostSchema[], waited: HostSchema[]): string {
  const groups = describeGroups(versionGroups(reported(waited)));
  const silent = waited.filter((h) => h.version === undefined).map((h) => `${h.address} did not answer (${h.error ?? 'no answer'})`);
  const down = all.filter((h) => !waited.includes(h)).map((h) => h.address);
  const parts = [groups, ...silent, ...(down.length > 0 ? [`${nodeList(down)} down, not waited for`] : [])].filter((p) => p !== '');
  return parts.length > 0 ? parts.join('; ') : 'no node known';
}

/** The first 8 hex digits of a schema version: enough to tell versions apart in a line. */
export function shortVersion(version: string): string {
  return version.slice(0, 8);
}

/** `a`, `a and b`, `a, b and c`. */
export function nodeList(nodes: string[]): string {
  return nodes.length <= 1 ? (nodes[0] ?? '') : `${nodes.slice(0, -1).join(', ')} and ${nodes.at(-1)}`;
}

/** The failure line of a schema wait: what it waited for, for how long, and what it saw last. */
export function agreementFailure(doing: string, after: string, waitedMs: number, last: Agreement): string {
  const who = last.waitedFor.length > 0 ? nodeList(last.waitedFor) : 'any node up';
  return `${doing}: the nodes did not agree on the schema ${after}: waited ${(waitedMs / 1000).toFixed(0)} s for ${who} to report one schema version; saw ${last.saw}`;
}

/**
 * Each node of the local data centre, asked on its own connection for its
 * schema version (the driver's `host` option: node-local tables are what it
 * is for); the nodes down are not asked unless in `include`.
 */
export async function hostSchemas(client: cassandra.Client, dc: string, include: string[] = []): Promise<HostSchema[]> {
  const hosts = client.hosts.values().filter((h) => h.datacenter === dc || include.includes(h.address));
  return Promise.all(
    hosts.map(async (host): Promise<HostSchema> => {
      const address = host.address;
      const up = host.isUp();
      if (!up && !include.includes(address)) return { address, up };
      try {
        const rs = await client.execute('SELECT schema_version FROM system.local', [], {
          host, prepare: false, readTimeout: 2000, consistency: cassandra.types.consistencies.one,
        });
        const version = rs.first()?.get('schema_version') as { toString(): string } | null | undefined;
        return version ? { address, up, version: version.toString() } : { address, up, error: 'no schema_version in its system.local' };
      } catch (error) {
        return { address, up, error: describeError(error) };
      }
    }),
  );
}

export interface AgreementWait {
  /** What the caller was doing, for the failure line: `creating ks.table`. */
  doing: string;
  /** What the agreement follows: `after CREATE KEYSPACE ks`. */
  after: string;
  dc: string;
  deadline: number;
  /** Nodes to wait for even when the driver sees them down. */
  include?: string[];
}

/**
 * The schema version more than half of the data centre's nodes (down ones
 * counted) report, if there is one: a change a majority has is one a quorum
 * of replicas can serve.
 */
export function majorityVersion(hosts: HostSchema[]): string | undefined {
  const [largest] = versionGroups(reported(hosts));
  return largest && largest[1].length * 2 > hosts.length ? largest[0] : undefined;
}

/**
 * Resolves once the nodes up agree on the schema. Past the deadline, when a
 * majority of the nodes agree, it resolves with a warning naming the nodes
 * behind (a node whose push was lost has the change only at its next pull,
 * and writes at a quorum go through the others meanwhile); without a
 * majority, a UserstreamError naming who has which version.
 */
export async function untilSchemaAgrees(client: cassandra.Client, wait: AgreementWait): Promise<string | undefined> {
  let last: Agreement = { agreed: false, waitedFor: [], saw: 'nothing yet' };
  let hosts: HostSchema[] = [];
  try {
    await until(
      `the nodes to agree on the schema ${wait.after}`,
      async () => {
        hosts = await hostSchemas(client, wait.dc, wait.include);
        last = schemaAgreement(hosts, wait.include);
        return last.agreed ? { done: true, value: undefined } : { done: false, saw: last.saw };
      },
      { deadline: wait.deadline },
    );
    return undefined;
  } catch (error) {
    if (!(error instanceof WaitFailed)) throw error;
    const failure = agreementFailure(wait.doing, wait.after, error.waitedMs, last);
    if (majorityVersion(hosts) !== undefined) return `${failure}; going on with the majority (the others pull the change when they can)`;
    throw new UserstreamError(ErrorCodes.CASSANDRA, failure, { canRetry: true, details: { waitedFor: last.waitedFor } });
  }
}

/** How long a schema statement may take to be answered. */
const SCHEMA_STATEMENT_TIMEOUT_MS = 60_000;

/** What a node answers to a statement on a keyspace it has not got yet. */
const KEYSPACE_MISSING = /Keyspace '?\w+'? doesn't exist/i;

/**
 * Sends a schema statement, then waits until the nodes up agree on the
 * schema (`timeoutMs` for the whole). The wait covers the nodes up when it
 * ran; a node that comes up after it (the driver reconnects, and a
 * restarted node answers CQL before it has pulled the schema) can still
 * coordinate the next statement and answer that its keyspace does not
 * exist. That answer is this same rule again, not a blind retry: the
 * statement is sent again once that coordinator agrees with the others
 * (twice at most: after agreement it has the keyspace, unless someone
 * dropped it meanwhile).
 */
export async function changeSchema(client: cassandra.Client, cql: string, options: { doing: string; what: string; dc: string; timeoutMs?: number }): Promise<string[]> {
  // Agreement takes a second or two here; a node that takes longer is lagging, and the change goes on with the majority.
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  const warnings: string[] = [];
  for (let sent = 1; ; sent++) {
    try {
      // A schema change flushes the schema tables on every node before it is answered: on a busy
      // ring that outlasts the driver's 12 s read timeout, after which the change is done anyway.
      await client.execute(cql, [], { readTimeout: SCHEMA_STATEMENT_TIMEOUT_MS });
      break;
    } catch (error) {
      const message = (error as Error)?.message ?? '';
      if (!KEYSPACE_MISSING.test(message) || sent >= 3) throw error;
      const coordinator = (error as { coordinator?: string }).coordinator;
      const lagging = await untilSchemaAgrees(client, {
        doing: options.doing,
        after: `before sending ${options.what} again (${coordinator ?? 'a node'} answered: ${message})`,
        dc: options.dc,
        deadline,
        ...(coordinator ? { include: [coordinator] } : {}),
      });
      if (lagging) warnings.push(lagging);
    }
  }
  const lagging = await untilSchemaAgrees(client, { doing: options.doing, after: `after ${options.what}`, dc: options.dc, deadline });
  if (lagging) warnings.push(lagging);
  return warnings;
}
