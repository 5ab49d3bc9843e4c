/**
 * What the dashboard shows, gathered from the systems themselves, so it is
 * right whichever process ingests or streams: Kafka's offsets (ingest rate,
 * per-partition lag of the engine, dead-lettered count), the engine's own
 * progress (the node engine's committed group offsets, or the Spark engine's
 * checkpoint), a row count from Cassandra, service health, and the latest
 * users as they arrive on the topic.
 */
import { Admin, Consumer, stringDeserializer } from '@platformatic/kafka';
import type cassandra from 'cassandra-driver';
import type { Logger } from 'pino';
import { countRows } from '../cassandra/schema.ts';
import { connectCassandra } from '../cassandra/session.ts';
import type { Config } from '../config/options.ts';
import { sparkMasterUiUrl } from '../config/stack-addresses.ts';
import { committedWhere, engineCommitted } from '../engines/committed.ts';
import { type HealthTarget, checkHealth } from '../health.ts';
import { topicEndOffsets, topicStartOffsets } from '../kafka/admin.ts';
import { type PartitionState, partitionStates } from '../kafka/lag.ts';
import { readRanges } from '../kafka/reader.ts';
import { DLQ_HEADERS, reasonKind } from '../dlq/dead-letters.ts';
import { withCode } from '../errors.ts';
import { cassandraView, kafkaView, sparkWorkersView } from '../cluster/health.ts';
import { engineServices } from '../engines/services.ts';
import { baseKafkaOptions } from '../kafka/client-options.ts';
import { closeConsumer } from '../kafka/consumer.ts';
import { parseRecord } from '../record/record.ts';
import { portraitOf } from '../source/portrait.ts';

export interface UserCard {
  id: string;
  name: string;
  email: string;
  place: string;
  picture: string;
  /**
   * The dashboard's own portrait (/portraits/<men|women>/<n>.svg) for a
   * randomuser-style picture, shown when the picture does not load (offline);
   * null for any other picture.
   */
  localPicture: string | null;
  ingestedAt: string;
}

export interface ClusterSnapshot {
  brokers: { id: number; address: string | null; up: boolean }[];
  underReplicated: { topic: string; partition: number; isr: number[]; replicas: number[] }[];
  cassandra: { address: string; up: boolean }[];
  /** The Spark master's workers (the spark engine on the local stack); null when it does not answer. */
  sparkWorkers: { id: string; address: string; state: string }[] | null;
}

export interface ServiceHealth {
  name: HealthTarget;
  ok: boolean;
  where: string;
  detail: string;
}

export interface Snapshot {
  at: string;
  engine: 'node' | 'spark';
  topic: string;
  dlqTopic: string;
  /** Records in the topic (sum of end offsets). */
  produced: number;
  /** Records per second into the topic, over the last few seconds. */
  ingestRate: number;
  /** Recent ingest rates, one per second, oldest first (for the sparkline). */
  rateHistory: number[];
  partitions: PartitionState[];
  /** Sum of the per-partition lags; null when the engine's progress is unknown. */
  lag: number | null;
  /** How the lag was found. */
  lagSource: string;
  deadLettered: number;
  /** Dead letters by kind of reason, most first (userstream dlq list groups them the same way). */
  deadLetterReasons: { reason: string; count: number }[];
  /** Rows in the table; null until the first count finishes. */
  rows: number | null;
  rowsAt: string | null;
  services: ServiceHealth[];
  /** Each broker, Cassandra node and Spark worker, and the under-replicated partitions; null until first read. */
  cluster: ClusterSnapshot | null;
  users: UserCard[];
  /** Problems reading a source (Kafka down, …), shown on the page. */
  errors: string[];
}

const RATE_WINDOW = 5;
const HISTORY = 60;
const USERS = 12;

/** Records/s from (time ms, total) samples: the slope between the first and last. */
export function rateFrom(samples: { t: number; total: number }[]): number {
  if (samples.length < 2) return 0;
  const a = samples[0]!;
  const b = samples[samples.length - 1]!;
  const secs = (b.t - a.t) / 1000;
  return secs > 0 ? Math.max(0, (b.total - a.total) / secs) : 0;
}

/** What a card is made of: a record's fields, as a message of the topic or a row of the table holds them (a row may lack some). */
export interface CardFields {
  id: string;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  address: string | null;
  picture: string | null;
  ingested_at: string | null;
}

/**
 * The one builder of a user card: everything the page shows of a user (the
 * page only renders it), whether it came from the topic (`cardOf`) or the
 * table (`cardOfRow`).
 */
export function userCard(u: CardFields): UserCard {
  const address = u.address ?? '';
  const picture = u.picture ?? '';
  const portrait = portraitOf(picture);
  return {
    id: u.id,
    name: `${u.first_name ?? ''} ${u.last_name ?? ''}`.trim(),
    email: u.email ?? '',
    place: address.split(',').slice(-2).join(',').trim() || address,
    picture,
    localPicture: portrait ? `/portraits/${portrait.folder}/${portrait.n}.svg` : null,
    ingestedAt: u.ingested_at ?? '',
  };
}

/** A user card from a message of the topic; undefined for a bad message. */
export function cardOf(value: Buffer | string): UserCard | undefined {
  const parsed = parseRecord(typeof value === 'string' ? Buffer.from(value) : value);
  return parsed.ok ? userCard(parsed.record) : undefined;
}

/** A user card from a row of the table (`SELECT id, first_name, last_name, email, address, picture, ingested_at`). */
export function cardOfRow(row: Record<string, unknown>): UserCard {
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return userCard({
    id: String(row.id),
    first_name: text(row.first_name),
    last_name: text(row.last_name),
    email: text(row.email),
    address: text(row.address),
    picture: text(row.picture),
    ingested_at: row.ingested_at instanceof Date ? row.ingested_at.toISOString() : text(row.ingested_at),
  });
}

export interface CollectorOptions {
  config: Config;
  engine: 'node' | 'spark';
  log: Logger;
  /** Services whose health is shown (default: those the engine needs). */
  services?: HealthTarget[];
}

/**
 * Polls once a second (offsets, lag), every 5 s (row count, health), and
 * reads new messages of the topic for the user cards. `subscribe` gets every
 * snapshot.
 */
export class DashboardCollector {
  readonly #config: Config;
  readonly #engine: 'node' | 'spark';
  readonly #log: Logger;
  readonly #services: HealthTarget[];
  readonly #listeners = new Set<(s: Snapshot) => void>();
  readonly #samples: { t: number; total: number }[] = [];
  readonly #history: number[] = [];
  #admin: Admin | undefined;
  #cassandra: cassandra.Client | undefined;
  #consumer: Consumer<string, Buffer, Buffer, Buffer> | undefined;
  #timers: NodeJS.Timeout[] = [];
  #users: UserCard[] = [];
  #rows: number | null = null;
  #rowsAt: string | null = null;
  #health: ServiceHealth[] = [];
  #cluster: ClusterSnapshot | null = null;
  /** Dead letters read so far by kind of reason, and where the DLQ is read next. */
  readonly #reasons = new Map<string, number>();
  readonly #dlqAt = new Map<number, bigint>();
  #errors = new Map<string, string>();
  #latest: Snapshot | undefined;
  #stopped = false;
  #busy = { tick: false, slow: false };

  constructor(options: CollectorOptions) {
    this.#config = options.config;
    this.#engine = options.engine;
    this.#log = options.log;
    this.#services = options.services ?? engineServices(options.engine);
  }

  get latest(): Snapshot | undefined {
    return this.#latest;
  }

  subscribe(listener: (s: Snapshot) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async start(): Promise<void> {
    this.#admin = new Admin({ ...baseKafkaOptions(this.#config, 'userstream-dashboard'), retries: 1 });
    await this.#slow();
    await this.#tick();
    this.#timers.push(setInterval(() => void this.#tick(), 1000), setInterval(() => void this.#slow(), 5000));
    void this.#followUsers();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const t of this.#timers) clearInterval(t);
    await closeConsumer(this.#consumer);
    await this.#admin?.close().catch(() => {});
    await this.#cassandra?.shutdown().catch(() => {});
  }

  #error(source: string, error: unknown): void {
    const message = `${source}: ${withCode(error, (error as Error)?.message ?? String(error))}`;
    if (this.#errors.get(source) !== message) this.#log.warn(`dashboard: ${message}`);
    this.#errors.set(source, message);
  }

  async #engineDone(): Promise<{ done: Map<number, bigint> | undefined; source: string }> {
    const c = this.#config;
    return { done: await engineCommitted(this.#engine, c, this.#admin!), source: committedWhere(this.#engine, c) };
  }

  async #tick(): Promise<void> {
    if (this.#busy.tick || this.#stopped) return;
    this.#busy.tick = true;
    const c = this.#config;
    try {
      let partitions: PartitionState[] = [];
      let produced = 0;
      let deadLettered = 0;
      let lagSource = '';
      try {
        const [ends, dlqEnds, engine] = await Promise.all([topicEndOffsets(this.#admin!, c.topic), topicEndOffsets(this.#admin!, c.dlqTopic), this.#engineDone()]);
        partitions = partitionStates(ends, engine.done);
        produced = partitions.reduce((s, p) => s + p.end, 0);
        deadLettered = [...dlqEnds.values()].reduce((s, o) => s + Number(o), 0);
        lagSource = engine.source;
        this.#errors.delete('kafka');
        const now = Date.now();
        this.#samples.push({ t: now, total: produced });
        while (this.#samples.length > RATE_WINDOW + 1) this.#samples.shift();
      } catch (error) {
        this.#error('kafka', error);
        produced = this.#latest?.produced ?? 0;
        deadLettered = this.#latest?.deadLettered ?? 0;
        partitions = this.#latest?.partitions ?? [];
        lagSource = this.#latest?.lagSource ?? '';
      }
      const rate = rateFrom(this.#samples);
      this.#history.push(Math.round(rate));
      while (this.#history.length > HISTORY) this.#history.shift();
      const known = partitions.every((p) => p.lag !== null) && partitions.length > 0;
      const snapshot: Snapshot = {
        at: new Date().toISOString(),
        engine: this.#engine,
        topic: c.topic,
        dlqTopic: c.dlqTopic,
        produced,
        ingestRate: Math.round(rate),
        rateHistory: [...this.#history],
        partitions,
        lag: known ? partitions.reduce((s, p) => s + (p.lag ?? 0), 0) : null,
        lagSource,
        deadLettered,
        deadLetterReasons: [...this.#reasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count),
        rows: this.#rows,
        rowsAt: this.#rowsAt,
        services: this.#health,
        cluster: this.#cluster,
        users: this.#users,
        errors: [...this.#errors.values()],
      };
      this.#latest = snapshot;
      for (const l of this.#listeners) l(snapshot);
    } finally {
      this.#busy.tick = false;
    }
  }

  /** Row count and health: heavier, every 5 s. */
  async #slow(): Promise<void> {
    if (this.#busy.slow || this.#stopped) return;
    this.#busy.slow = true;
    try {
      const health = Promise.all(this.#services.map((t) => checkHealth(t, this.#config, 2000)));
      try {
        this.#cassandra ??= await connectCassandra(this.#config);
        this.#rows = await countRows(this.#cassandra, this.#config);
        this.#rowsAt = new Date().toISOString();
        this.#errors.delete('cassandra');
        if (this.#users.length === 0) await this.#seedUsers();
      } catch (error) {
        this.#error('cassandra', error);
      }
      try {
        await this.#readCluster();
        this.#errors.delete('cluster');
      } catch (error) {
        this.#error('cluster', error);
      }
      try {
        await this.#readReasons();
        this.#errors.delete('dlq');
      } catch (error) {
        this.#error('dlq', error);
      }
      this.#health = (await health).map((h) => ({ name: h.target, ok: h.answer !== undefined, where: h.where, detail: h.answer ?? 'not answering' }));
    } finally {
      this.#busy.slow = false;
    }
  }

  /** The brokers, the topic's under-replicated partitions, the ring's nodes and the Spark workers. */
  async #readCluster(): Promise<void> {
    const c = this.#config;
    const [kafka, workers] = await Promise.all([
      kafkaView(c, [c.topic, c.dlqTopic], c.cluster ? Array.from({ length: c.kafkaNodes }, (_, i) => i + 1) : []),
      this.#engine === 'spark' ? sparkWorkersView(sparkMasterUiUrl(c)) : Promise.resolve(undefined),
    ]);
    const nodes = this.#cassandra ? await cassandraView(this.#cassandra) : [];
    this.#cluster = {
      brokers: kafka.brokers.map((b) => ({ id: b.id, address: b.address ?? null, up: b.up })),
      underReplicated: kafka.underReplicated.map((p) => ({ topic: p.topic, partition: p.partition, isr: p.isr, replicas: p.replicas })),
      cassandra: nodes.map((n) => ({ address: n.address, up: n.up })),
      sparkWorkers: workers ? workers.map((w) => ({ id: w.id, address: w.address, state: w.state })) : null,
    };
  }

  /** The dead letters that arrived since the last look, counted by kind of reason. */
  async #readReasons(): Promise<void> {
    const c = this.#config;
    const [starts, ends] = await Promise.all([topicStartOffsets(this.#admin!, c.dlqTopic), topicEndOffsets(this.#admin!, c.dlqTopic)]);
    const ranges = new Map([...ends].map(([p, to]) => [p, { from: this.#dlqAt.get(p) ?? starts.get(p) ?? 0n, to }]));
    await readRanges(c, c.dlqTopic, ranges, (m) => {
      const kind = reasonKind(m.headers.get(DLQ_HEADERS.reason) ?? '(no reason header)');
      this.#reasons.set(kind, (this.#reasons.get(kind) ?? 0) + 1);
    });
    for (const [p, to] of ends) this.#dlqAt.set(p, to);
  }

  /** Until new users arrive: a few rows from the table, so the page is not empty. */
  async #seedUsers(): Promise<void> {
    const c = this.#config;
    const rs = await this.#cassandra!.execute(
      `SELECT id, first_name, last_name, email, address, picture, ingested_at FROM ${c.keyspace}.${c.table} LIMIT ${USERS}`,
    );
    if (this.#users.length > 0) return;
    this.#users = rs.rows.map((r) => cardOfRow(r));
  }

  /** New messages on the topic become the newest cards (a throwaway group, never committed). */
  async #followUsers(): Promise<void> {
    const c = this.#config;
    while (!this.#stopped) {
      try {
        this.#consumer = new Consumer({
          ...baseKafkaOptions(c, 'userstream-dashboard'),
          groupId: `userstream-dashboard-${process.pid}-${Date.now()}`,
          autocommit: false,
          maxWaitTime: 500,
          deserializers: { key: stringDeserializer },
        });
        const stream = await this.#consumer.consume({ topics: [c.topic], mode: 'latest', autocommit: false });
        this.#errors.delete('users');
        for await (const m of stream) {
          if (this.#stopped) break;
          const card = cardOf(m.value);
          if (!card) continue;
          this.#users = [card, ...this.#users.filter((u) => u.id !== card.id)].slice(0, USERS);
        }
      } catch (error) {
        if (this.#stopped) return;
        this.#error('users', error);
        await closeConsumer(this.#consumer);
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
  }
}
