/**
 * When the local Cassandra ring is ready: every node answers, sees every
 * other node (it knows it and holds a messaging connection to it), and all
 * agree on one schema version, each node asked on a connection of its own.
 *
 * Asking the ring through one driver session is not enough: the driver
 * judges nodes up by its own CQL connections and reads every schema version
 * from its control node's system.peers. A fresh node whose messaging came up
 * minutes late (CI, cluster suite: cassandra-1, no messaging connections in
 * its log long after start) answered CQL and kept the schema it booted with:
 * that view can pass it as up, and the node then missed the keyspaces created.
 *
 * Each node is asked over CQL (three small reads of its own tables: 4-30 ms
 * on the connection kept for the wait, 40-140 ms with a new one, measured
 * against Cassandra 5.0.9 on this loaded 2-core machine) rather than with
 * `nodetool describecluster`/`status`, which starts a JVM per call: 1.1-1.3 s
 * and about 1 CPU-second before it even reaches JMX, per node per check,
 * while the nodes themselves are booting on the same two cores.
 */
import { lookup } from 'node:dns/promises';
import type cassandra from 'cassandra-driver';
import { describeGroups, nodeList, shortVersion, versionGroups } from '../cassandra/agreement.ts';
import { pinnedClient, type CassandraConfig } from '../cassandra/session.ts';
import { until } from '../retry.ts';
import { describeError } from '../errors.ts';

/** What one node says of itself and of the ring. */
export interface NodeView {
  /** The node asked: its address, without port. */
  node: string;
  /** Why it did not answer; nothing else is known then. */
  error?: string;
  /** Its own schema version (system.local). */
  version?: string;
  /** The peers it knows (system.peers) and the schema version gossip last gave it of each (null: none yet). */
  peers?: Record<string, string | null>;
  /** The peers it holds a messaging connection to (system_views.internode_outbound, active_connections > 0). */
  connected?: string[];
}

export interface RingReadiness {
  ready: boolean;
  /** What stands between the ring and ready, one entry per fact. */
  problems: string[];
  /** One line: what is wrong, or what ready looks like. */
  summary: string;
}

/**
 * Whether the ring of `nodes` (addresses without port) is ready, from what
 * each node says. A messaging connection is what the failure detector needs
 * to mark a peer alive (its echo goes over one), so a node that holds none to
 * a peer cannot have it up; one ring of one node needs no peers.
 */
export function ringReadiness(nodes: string[], views: NodeView[]): RingReadiness {
  const problems: string[] = [];
  const own = new Map<string, string>();
  const answered: NodeView[] = [];
  for (const node of nodes) {
    const view = views.find((v) => v.node === node);
    if (!view || view.error !== undefined || view.version === undefined) {
      problems.push(`${node} does not answer CQL${view?.error ? ` (${view.error})` : ''}`);
      continue;
    }
    answered.push(view);
    own.set(node, view.version);
    const others = nodes.filter((n) => n !== node);
    const unknown = others.filter((o) => !(o in (view.peers ?? {})));
    if (unknown.length > 0) problems.push(`${node} does not know ${nodeList(unknown)} (not in its system.peers)`);
    const silent = others.filter((o) => !(view.connected ?? []).includes(o));
    if (silent.length > 0) problems.push(`${node} has no messaging connection to ${nodeList(silent)}`);
  }
  const groups = versionGroups(own);
  if (groups.length > 1) {
    problems.push(`schema versions apart: ${describeGroups(groups)}`);
  } else if (groups.length === 1) {
    // The nodes agree; each one's gossip must have caught up with the others too.
    const version = groups[0]![0];
    const stale = answered.flatMap((view) =>
      nodes
        .filter((o) => o !== view.node && view.peers && o in view.peers && view.peers[o] !== version)
        .map((o) => `${view.node} sees ${o} at ${view.peers![o] ? shortVersion(view.peers![o]!) : 'no version yet'}`),
    );
    if (stale.length > 0) problems.push(`gossip behind the schema ${shortVersion(version!)}: ${stale.join(', ')}`);
  }
  const ready = problems.length === 0;
  const version = groups[0]?.[0];
  const summary = ready
    ? nodes.length === 1
      ? `1 node, schema ${shortVersion(version!)}`
      : `${nodes.length} nodes, each connected to the other ${nodes.length - 1}, schema ${shortVersion(version!)}`
    : problems.join('; ');
  return { ready, problems, summary };
}

/** What the readiness waits for, in its failure line. */
export function ringCondition(count: number): string {
  return count === 1
    ? 'the node to answer with its schema version'
    : `each of the ${count} nodes to answer, know the other ${count - 1} and hold a messaging connection to each, and all to agree on one schema version`;
}

const text = (value: unknown) => (value === null || value === undefined ? null : String(value));

/** One node's view, read from its own tables through a client pinned to it. */
export async function nodeView(client: cassandra.Client, node: string): Promise<NodeView> {
  const [local, peers, outbound] = await Promise.all([
    client.execute('SELECT schema_version FROM system.local'),
    client.execute('SELECT peer, schema_version FROM system.peers'),
    client.execute('SELECT address, active_connections FROM system_views.internode_outbound'),
  ]);
  const version = text(local.first()?.get('schema_version'));
  return {
    node,
    ...(version ? { version } : { error: 'no schema_version in its system.local' }),
    peers: Object.fromEntries(peers.rows.map((r) => [String(r.get('peer')), text(r.get('schema_version'))])),
    // bigint: the driver's Long; its decimal text is exact.
    connected: outbound.rows.filter((r) => Number(text(r.get('active_connections')) ?? 0) > 0).map((r) => String(r.get('address'))),
  };
}

/**
 * Waits until the ring of `hosts` (host:port, one per node) is ready, asking
 * every node each time over one pinned connection kept for the wait;
 * resolves with the ready summary, throws WaitFailed naming what each node
 * said last. `onWait` gets a short progress line.
 */
export async function untilRingReady(config: CassandraConfig, hosts: string[], options: { timeoutMs: number; onWait?: (line: string) => void }): Promise<string> {
  const clients = new Map<string, cassandra.Client>();
  // Nodes known by name (cassandra-2 on a container network) list each other
  // by IP address: each IP is read back as the name it was resolved from.
  const names = new Map<string, string>();
  const named = (address: string) => names.get(address) ?? address;
  const resolve = async (address: string) => {
    const node = address.split(':')[0]!;
    const ip = await lookup(node).then((r) => r.address, () => undefined);
    if (ip !== undefined) names.set(ip, node);
  };
  const ask = async (address: string): Promise<NodeView> => {
    const node = address.split(':')[0]!;
    let client = clients.get(address);
    if (!client) clients.set(address, (client = await pinnedClient(config, address, 2000)));
    try {
      const view = await nodeView(client, node);
      return {
        ...view,
        ...(view.peers ? { peers: Object.fromEntries(Object.entries(view.peers).map(([peer, version]) => [named(peer), version])) } : {}),
        ...(view.connected ? { connected: view.connected.map(named) } : {}),
      };
    } catch (error) {
      // A fresh client next time: one that failed to connect may not try again.
      clients.delete(address);
      await client.shutdown().catch(() => {});
      return { node, error: describeError(error) };
    }
  };
  try {
    return await until(
      ringCondition(hosts.length),
      async () => {
        await Promise.all(hosts.map(resolve));
        const r = ringReadiness(hosts.map((h) => h.split(':')[0]!), await Promise.all(hosts.map(ask)));
        return r.ready ? { done: true, value: r.summary } : { done: false, saw: r.summary };
      },
      {
        deadline: Date.now() + options.timeoutMs,
        pause: { firstMs: 250, maxMs: 1000 },
        ...(options.onWait ? { onWait: (saw: string) => options.onWait!(progressLine(saw)) } : {}),
      },
    );
  } finally {
    await Promise.all([...clients.values()].map((c) => c.shutdown().catch(() => {})));
  }
}

/** The first problem and how many more: a progress line stays one line. */
function progressLine(saw: string): string {
  const [first, ...rest] = saw.split('; ');
  return rest.length > 0 ? `${first} (+${rest.length} more)` : first!;
}
