/**
 * The cluster as its systems report it: each Kafka broker (up, or down: a
 * replica of a partition but not in the metadata), the partitions with
 * fewer in-sync replicas than replicas, each Cassandra node as the driver
 * sees it, and each Spark worker as the master lists it. `status`, the
 * dashboard and the `up` summary show it; a single node is a cluster of one.
 */
import type { Config } from '../config/options.ts';
import { ringNodes, type RingNode } from '../cassandra/session.ts';
import type cassandra from 'cassandra-driver';
import { withAdmin } from '../kafka/admin.ts';
import { registeredBrokers } from '../kafka/describe-cluster.ts';

export interface BrokerState {
  id: number;
  /** host:port, when the broker is in the metadata. */
  address: string | undefined;
  up: boolean;
}

export interface PartitionReplicas {
  topic: string;
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

export interface KafkaView {
  brokers: BrokerState[];
  /** Partitions of the watched topics whose in-sync replicas are fewer than their replicas. */
  underReplicated: PartitionReplicas[];
  /** The watched topics' replication: their smallest replica count. */
  replication: Record<string, number>;
}

/**
 * The brokers and the replication of `topics` (missing ones are skipped).
 * KRaft's metadata lists only the brokers that are up (unfenced); a broker
 * that is down is found among the registered brokers (DescribeCluster v2,
 * Kafka 4) and in the replica lists, and `expected` names brokers that
 * should be there (the local cluster's nodes) even when neither shows them.
 */
export async function kafkaView(config: Pick<Config, 'kafkaBrokers'> & Partial<Config>, topics: string[], expected: number[] = []): Promise<KafkaView> {
  return withAdmin(config, 'reading the cluster', async (admin) => {
    const existing = new Set(await admin.listTopics());
    const watched = topics.filter((t) => existing.has(t));
    const meta = await admin.metadata({ topics: watched, forceUpdate: true });
    const registered = await registeredBrokers(admin);
    const ids = new Set<number>([...meta.brokers.keys(), ...registered.map((b) => b.id), ...expected]);
    const partitions: PartitionReplicas[] = [];
    const replication: Record<string, number> = {};
    for (const [topic, t] of meta.topics) {
      if (!watched.includes(topic)) continue;
      t.partitions.forEach((p, i) => {
        for (const r of p.replicas) ids.add(r);
        partitions.push({ topic, partition: i, leader: p.leader, replicas: [...p.replicas], isr: [...p.isr] });
      });
      replication[topic] = Math.min(...t.partitions.map((p) => p.replicas.length));
    }
    const brokers = [...ids]
      .sort((a, b) => a - b)
      .map((id) => {
        const b = meta.brokers.get(id);
        return { id, address: b ? `${b.host}:${b.port}` : undefined, up: b !== undefined };
      });
    return { brokers, underReplicated: partitions.filter((p) => p.isr.length < p.replicas.length), replication };
  });
}

export type CassandraNodeState = RingNode;

/** The ring's nodes as the driver sees them from its contact points. */
export function cassandraView(client: cassandra.Client): Promise<CassandraNodeState[]> {
  return ringNodes(client);
}

export interface SparkWorkerState {
  id: string;
  address: string;
  state: string;
  cores: number;
  coresUsed: number;
}

/** The Spark master's state as JSON (its workers among it), under its web UI. */
export const masterJsonUrl = (masterUiUrl: string) => `${masterUiUrl.replace(/\/+$/, '')}/json/`;

/** The workers the Spark master lists (its web UI's JSON), or undefined when it does not answer. */
export async function sparkWorkersView(masterUiUrl: string): Promise<SparkWorkerState[] | undefined> {
  try {
    const res = await fetch(masterJsonUrl(masterUiUrl), { signal: AbortSignal.timeout(2000) });
    if (!res.ok) return undefined;
    const json = (await res.json()) as { workers?: MasterWorker[] };
    return currentWorkers(json.workers ?? []);
  } catch {
    return undefined;
  }
}

/** A worker as the master's /json/ lists it. */
export interface MasterWorker {
  id?: string;
  host?: string;
  port?: number;
  webuiaddress?: string;
  state?: string;
  cores?: number;
  coresused?: number;
}

/**
 * The workers as they are now: alive ones first. The master keeps a worker
 * that died listed as DEAD for many minutes, also after a new worker took its
 * place (same web UI, a new id and port); such an entry is history, not a
 * worker that is down, and is left out. A DEAD worker nothing replaced stays.
 */
export function currentWorkers(listed: MasterWorker[]): SparkWorkerState[] {
  const place = (w: MasterWorker) => w.webuiaddress ?? w.host ?? '?';
  const alivePlaces = new Set(listed.filter((w) => w.state === 'ALIVE').map(place));
  return listed
    .filter((w) => w.state === 'ALIVE' || !alivePlaces.has(place(w)))
    .map((w) => ({ id: w.id ?? '?', address: `${w.host ?? '?'}:${w.port ?? '?'}`, state: w.state ?? '?', cores: w.cores ?? 0, coresUsed: w.coresused ?? 0 }))
    .sort((a, b) => (a.state === b.state ? a.id.localeCompare(b.id) : a.state === 'ALIVE' ? -1 : 1));
}
