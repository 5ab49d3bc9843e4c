/**
 * What an engine has done since a point in time, counted from what Kafka
 * holds rather than from events a restart can drop: the engine's committed
 * position on the topic (the node engine's group offsets, the Spark queries'
 * checkpoints), and the dead letters in the DLQ topic whose source offsets
 * lie below it. Every message below the committed position is either
 * written to Cassandra or in the DLQ, so
 *
 *   processed = committed now − committed at the start
 *   dead-lettered = distinct source offsets among the DLQ's new records, below the committed position
 *   written = processed − dead-lettered
 *
 * A dead letter sent twice (the DLQ sinks are at-least-once) is counted
 * once; one whose source is past the committed position (the DLQ ahead of
 * the rows) is counted when the position passes it. The position must be
 * one below which every dead letter is already in the DLQ: the group
 * commits after the DLQ acknowledged, and Spark's is the slower of its two
 * queries' checkpoints.
 */
import type { Config } from '../config/options.ts';
import { topicEndOffsets, topicStartOffsets, withAdmin } from '../kafka/admin.ts';
import { readRanges } from '../kafka/reader.ts';

/** Per partition, the offset below which the engine has written or dead-lettered every message. */
export type Offsets = Map<number, bigint>;

export interface Totals {
  /** Messages the engine finished with (written or dead-lettered). */
  processed: number;
  written: number;
  deadLettered: number;
}

export type TallyConfig = Pick<Config, 'kafkaBrokers' | 'topic' | 'dlqTopic'> & Partial<Config>;

export class RunTally {
  readonly #config: TallyConfig;
  /** The committed position at the start; a partition without one starts at its log's start. */
  readonly #start: Offsets;
  /** Where the DLQ is read next, per DLQ partition. */
  readonly #dlqAt: Offsets;
  /** Source partition → offsets of the dead letters read so far. */
  readonly #letters = new Map<number, Set<bigint>>();
  #startResolved = false;

  private constructor(config: TallyConfig, start: Offsets, dlqAt: Offsets) {
    this.#config = config;
    this.#start = new Map(start);
    this.#dlqAt = dlqAt;
  }

  /** Starts counting from `committed` (undefined: the engine has committed nothing yet). */
  static async begin(config: TallyConfig, committed: Offsets | undefined): Promise<RunTally> {
    const dlqAt = await withAdmin(config, 'reading the end of the DLQ', (admin) => topicEndOffsets(admin, config.dlqTopic));
    return new RunTally(config, committed ?? new Map(), dlqAt);
  }

  /**
   * Messages that were waiting past the start position when the count
   * began, given the topic's end offsets then (left by an earlier run).
   * Call after totals(), which finds where never-committed partitions start.
   */
  waiting(endsAtStart: Offsets): number {
    let n = 0n;
    for (const [p, end] of endsAtStart) {
      const from = this.#start.get(p) ?? 0n;
      if (end > from) n += end - from;
    }
    return Number(n);
  }

  /** Totals from the start to `committed`, the engine's position now. */
  async totals(committed: Offsets): Promise<Totals> {
    await this.#resolveStart();
    // The position first, then the DLQ to its end: every dead letter below the position is in it by now.
    await this.#readDeadLetters();
    let processed = 0n;
    let dead = 0;
    for (const [p, at] of committed) {
      const from = this.#start.get(p) ?? 0n;
      if (at > from) processed += at - from;
      for (const o of this.#letters.get(p) ?? []) if (o >= from && o < at) dead++;
    }
    return { processed: Number(processed), deadLettered: dead, written: Number(processed) - dead };
  }

  /** Partitions the engine had never committed start where their log starts (the engines read from the earliest offset). */
  async #resolveStart(): Promise<void> {
    if (this.#startResolved) return;
    const starts = await withAdmin(this.#config, `reading the start of ${this.#config.topic}`, (admin) => topicStartOffsets(admin, this.#config.topic));
    for (const [p, o] of starts) if (!this.#start.has(p)) this.#start.set(p, o);
    this.#startResolved = true;
  }

  async #readDeadLetters(): Promise<void> {
    const c = this.#config;
    const ends = await withAdmin(c, 'reading the end of the DLQ', (admin) => topicEndOffsets(admin, c.dlqTopic));
    const ranges = new Map([...ends].map(([p, to]) => [p, { from: this.#dlqAt.get(p) ?? 0n, to }]));
    await readRanges(c, c.dlqTopic, ranges, (m) => {
      if (m.headers.get('userstream.source.topic') !== c.topic) return;
      const partition = Number(m.headers.get('userstream.source.partition'));
      const offset = m.headers.get('userstream.source.offset');
      if (!Number.isInteger(partition) || !offset || !/^\d+$/.test(offset)) return;
      let set = this.#letters.get(partition);
      if (!set) this.#letters.set(partition, (set = new Set()));
      set.add(BigInt(offset));
    });
    for (const [p, to] of ends) this.#dlqAt.set(p, to);
  }
}
