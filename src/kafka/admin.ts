import { Admin, ConfigResourceTypes } from '@platformatic/kafka';
import type { Config } from '../config/options.ts';
import { ErrorCodes, UserstreamError } from '../errors.ts';
import { baseKafkaOptions, type KafkaConnectConfig } from './client-options.ts';
import { registeredBrokers } from './describe-cluster.ts';

export interface TopicSpec {
  name: string;
  partitions: number;
}

export type ReplicationConfig = Pick<Config, 'kafkaBrokers'> & Partial<Pick<Config, 'replicationFactor' | 'minInsyncReplicas'>> & Partial<Config>;

/**
 * The replication the topics get: --replication-factor, or with auto 3 on a
 * cluster of at least 3 brokers and 1 otherwise; --min-insync-replicas, or
 * with auto one less than that, at least 1.
 */
export function topicReplication(config: Partial<Pick<Config, 'replicationFactor' | 'minInsyncReplicas'>>, brokers: number): { factor: number; minIsr: number } {
  const asked = config.replicationFactor ?? 'auto';
  const factor = asked === 'auto' ? (brokers >= 3 ? 3 : 1) : asked;
  const askedIsr = config.minInsyncReplicas ?? 'auto';
  const minIsr = askedIsr === 'auto' ? Math.max(1, factor - 1) : askedIsr;
  return { factor, minIsr };
}

/**
 * Creates the topics that are missing, replicated as topicReplication says.
 * An existing topic is left as it is; one replicated less than asked gets a
 * warning naming it and how to fix it (returned: the caller logs them).
 */
export async function ensureTopics(config: ReplicationConfig, topics: TopicSpec[]): Promise<string[]> {
  const warnings: string[] = [];
  await withAdmin(config, `creating topics ${topics.map((t) => t.name).join(', ')}`, async (admin) => {
    // Every broker the cluster has, a fenced (down) one too: a topic created
    // while one of three is down still gets the replication of three.
    const brokers = (await registeredBrokers(admin)).length;
    const { factor, minIsr } = topicReplication(config, brokers);
    if (factor > brokers) {
      throw new UserstreamError(
        ErrorCodes.CONFIG,
        `--replication-factor ${factor} needs at least ${factor} brokers, and the cluster at ${config.kafkaBrokers.join(',')} has ${brokers}`,
      );
    }
    if (minIsr > factor) throw new UserstreamError(ErrorCodes.CONFIG, `--min-insync-replicas ${minIsr} is more than the replication factor ${factor}: no write could succeed`);
    const existing = new Set(await admin.listTopics());
    for (const topic of topics) {
      if (existing.has(topic.name)) {
        warnings.push(...(await replicationWarnings(admin, topic.name, factor, minIsr)));
        continue;
      }
      try {
        await admin.createTopics({
          topics: [topic.name],
          partitions: topic.partitions,
          replicas: factor,
          configs: [{ name: 'min.insync.replicas', value: String(minIsr) }],
        });
      } catch (error) {
        // Another process may have created it between list and create.
        const now = new Set(await admin.listTopics());
        if (!now.has(topic.name)) throw error;
      }
    }
  });
  return warnings;
}

/** Why an existing topic is replicated less than asked, and how to fix it (none when it is not). */
async function replicationWarnings(admin: Admin, topic: string, factor: number, minIsr: number): Promise<string[]> {
  const meta = await admin.metadata({ topics: [topic], autocreateTopics: false });
  const partitions = meta.topics.get(topic)?.partitions ?? [];
  const has = Math.min(...partitions.map((p) => p.replicas.length));
  const [config] = await admin.describeConfigs({
    resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic, configurationKeys: ['min.insync.replicas'] }],
  });
  const hasIsr = Number(config?.configs.find((c) => c.name === 'min.insync.replicas')?.value ?? 1);
  const out: string[] = [];
  if (partitions.length > 0 && has < factor) {
    out.push(
      `topic ${topic} has replication factor ${has}, less than the ${factor} asked: it loses what it holds with one broker's disk; ` +
        `move its partitions to ${factor} brokers (kafka-reassign-partitions.sh), or delete it and let userstream create it again`,
    );
  }
  if (hasIsr < minIsr) {
    out.push(
      `topic ${topic} has min.insync.replicas ${hasIsr}, less than the ${minIsr} asked: a write can be acknowledged by fewer replicas; ` +
        `raise it: kafka-configs.sh --alter --entity-type topics --entity-name ${topic} --add-config min.insync.replicas=${minIsr}`,
    );
  }
  return out;
}

/** Deletes the topics whose names start with `prefix`; returns their names. */
export async function deleteTopicsWithPrefix(config: Pick<Config, 'kafkaBrokers'>, prefix: string): Promise<string[]> {
  const admin = new Admin({ ...baseKafkaOptions(config, 'userstream-admin'), retries: 3 });
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    return topics;
  } catch (error) {
    throw kafkaError(`deleting the topics ${prefix}*`, config, error);
  } finally {
    await admin.close().catch(() => {});
  }
}

/** True when a broker answers a metadata request within the timeout. */
export async function kafkaAnswers(config: KafkaConnectConfig, timeoutMs = 3000): Promise<boolean> {
  const admin = new Admin({ ...baseKafkaOptions(config, 'userstream-probe'), retries: 0, connectTimeout: timeoutMs, timeout: timeoutMs });
  try {
    await admin.metadata({ topics: [] });
    return true;
  } catch {
    return false;
  } finally {
    await admin.close().catch(() => {});
  }
}

/** How many brokers the cluster at `broker` lists (alive and unfenced, in KRaft). */
export async function clusterBrokers(broker: string, timeoutMs = 3000): Promise<number> {
  const admin = new Admin({ ...baseKafkaOptions({ kafkaBrokers: [broker] }, 'userstream-probe'), retries: 0, connectTimeout: timeoutMs, timeout: timeoutMs });
  try {
    return (await admin.metadata({ topics: [], forceUpdate: true })).brokers.size;
  } finally {
    await admin.close().catch(() => {});
  }
}

/** End offsets per partition of a topic (the number of messages ever written, for a fresh topic). */
export function endOffsets(config: Pick<Config, 'kafkaBrokers'>, topic: string): Promise<Map<number, bigint>> {
  return withAdmin(config, `reading offsets of ${topic}`, (admin) => topicEndOffsets(admin, topic));
}

/** Runs `fn` with an admin client that is closed after it; a failure is a Kafka error saying what was being done. */
export async function withAdmin<T>(config: KafkaConnectConfig, doing: string, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Admin({ ...baseKafkaOptions(config, 'userstream-admin'), retries: 3 });
  try {
    return await fn(admin);
  } catch (error) {
    throw kafkaError(doing, config, error);
  } finally {
    await admin.close().catch(() => {});
  }
}

export function kafkaError(doing: string, config: Pick<Config, 'kafkaBrokers'>, error: unknown): UserstreamError {
  if (error instanceof UserstreamError) return error;
  const { reason, auth } = kafkaReason(error);
  return new UserstreamError(ErrorCodes.KAFKA, `${doing} on Kafka ${config.kafkaBrokers.join(',')}: ${reason}`, {
    cause: error,
    // Refused credentials or an untrusted certificate stay so.
    canRetry: !auth,
  });
}

/**
 * The client wraps the reason a connection failed several layers deep
 * (MultipleErrors → NetworkError → AuthenticationError → the broker's
 * message): the outer message with the innermost reason, and whether it was
 * a login or TLS refusal.
 */
export function kafkaReason(error: unknown): { reason: string; auth: boolean } {
  const parts: string[] = [];
  let auth = false;
  let e: unknown = error;
  for (let depth = 0; e && depth < 8; depth++) {
    const x = e as { code?: string; message?: string; serverErrorMessage?: string; cause?: unknown; errors?: unknown[] };
    if (x.code === 'PLT_KFK_AUTHENTICATION' || /CERT|SSL|TLS/.test(x.code ?? '')) auth = true;
    const text = (x.serverErrorMessage ?? x.message ?? String(e)).split('\n')[0]!.replace(/\.$/, '');
    // The client's generic layers ("Cannot connect to any broker", "SASL authentication failed") say less than what they wrap.
    if (text && !parts.some((p) => p.includes(text))) parts.push(text);
    e = x.cause ?? x.errors?.[0];
  }
  const generic = new Set(['Cannot connect to any broker', 'SASL authentication failed', 'Received response with error while executing API SaslAuthenticate(v2)']);
  const kept = parts.filter((p, i) => i === parts.length - 1 || !generic.has(p));
  let reason = kept.join(': ') || String(error);
  if (kept.at(-1) === 'Connection closed') reason += ' (the broker closed it: does this listener expect TLS or SASL? see --kafka-security-protocol)';
  // The client says so itself when the broker's first answer is a TLS record.
  else if (/requires (TLS|SASL)/i.test(kept.at(-1) ?? '')) reason += ' (see --kafka-security-protocol)';
  return { reason, auth };
}

/** End offsets per partition through an existing admin client (a missing topic has none; it is not created). */
export function topicEndOffsets(admin: Admin, topic: string): Promise<Map<number, bigint>> {
  return listTopicOffsets(admin, topic, -1n);
}

/** The first offset still in the log of each partition (0 until retention deletes messages). */
export function topicStartOffsets(admin: Admin, topic: string): Promise<Map<number, bigint>> {
  return listTopicOffsets(admin, topic, -2n);
}

/** ListOffsets with Kafka's special timestamps: -1 the end of each partition, -2 its start. */
async function listTopicOffsets(admin: Admin, topic: string, timestamp: bigint): Promise<Map<number, bigint>> {
  const meta = await admin.metadata({ topics: [topic], autocreateTopics: false }).catch(async (error: unknown) => {
    // The client rejects a metadata request for a topic that does not exist.
    if ((await admin.listTopics()).includes(topic)) throw error;
    return undefined;
  });
  const count = meta?.topics.get(topic)?.partitionsCount ?? 0;
  const out = new Map<number, bigint>();
  if (count === 0) return out;
  const partitions = Array.from({ length: count }, (_, i) => ({ partitionIndex: i, timestamp }));
  const listed = await admin.listOffsets({ topics: [{ name: topic, partitions }] });
  for (const t of listed) for (const p of t.partitions) out.set(p.partitionIndex, p.offset);
  return out;
}

/** Messages up to per-partition offsets, in all (offsets start at 0 on a topic never truncated). */
export function offsetTotal(offsets: Map<number, bigint>): number {
  let total = 0n;
  for (const o of offsets.values()) total += o;
  return Number(total);
}

/** The offsets a consumer group has committed on a topic, per partition (partitions it never committed are absent). */
export async function committedOffsets(admin: Admin, groupId: string, topic: string): Promise<Map<number, bigint>> {
  const groups = await admin.listConsumerGroupOffsets({ groups: [groupId] });
  const out = new Map<number, bigint>();
  for (const g of groups) for (const t of g.topics) if (t.name === topic) for (const p of t.partitions) if (p.committedOffset >= 0n) out.set(p.partitionIndex, p.committedOffset);
  return out;
}
