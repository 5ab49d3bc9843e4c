/**
 * Where an engine has committed up to on its topic, per partition, and so
 * its lag: the node engine's consumer group offsets, or the slower of the
 * Spark queries' checkpoints. One rule for the dashboard, `userstream
 * status`, the bench, the node engine's committed() and lag(), and the
 * tests; the lag per partition from it is kafka/lag.ts. (The Spark engine
 * reads the same checkpoints itself, and falls back on its queries'
 * progress reports when its driver keeps them on another disk.)
 *
 * What "nothing" means, the same for both engines: a group that has
 * committed nothing, or a pipeline whose checkpoint folder is there but
 * has no committed batch yet, has committed nothing (an empty map: its lag
 * is the whole topic); a partition without a commit is at offset 0 (as
 * partitionStates reads it). Unknown (undefined) only when this machine
 * cannot see it: no checkpoint folder of this pipeline on this disk (Spark
 * never ran it here, or its driver keeps its checkpoints elsewhere). A
 * Kafka error is thrown: retrying is the caller's (the dashboard polls,
 * `status` runs once), with the admin client it passes.
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Admin } from '@platformatic/kafka';
import type { Config } from '../config/options.ts';
import { committedOffsets, topicEndOffsets, withAdmin } from '../kafka/admin.ts';
import type { KafkaConnectConfig } from '../kafka/client-options.ts';
import { type PartitionState, partitionStates, totalLag } from '../kafka/lag.ts';
import type { EngineName } from './index.ts';
import { committedSparkOffsets } from './spark/checkpoint.ts';
import { pipelineNames } from './spark/names.ts';

/** Per partition, the offset below which every message is written or dead-lettered. */
export type Committed = Map<number, bigint>;

/** What names a consumer group's position: Kafka, the topic and the group. */
export type GroupConfig = KafkaConnectConfig & Pick<Config, 'topic' | 'groupId'>;

/** What names an engine's position: the group's, and the pipeline the Spark checkpoints are named after. */
export type PositionConfig = GroupConfig & Pick<Config, 'keyspace' | 'table' | 'dlqTopic' | 'sparkCheckpointDir'>;

/**
 * Where `engine` has committed up to on config.topic (see the top of this
 * file for empty and undefined). `admin` is the caller's client, with its
 * own retries and timeout; without one, a client of its own (three retries)
 * whose failure is a Kafka error saying what was read.
 */
export function engineCommitted(engine: 'node', config: GroupConfig, admin?: Admin): Promise<Committed>;
export function engineCommitted(engine: EngineName, config: PositionConfig, admin?: Admin): Promise<Committed | undefined>;
export async function engineCommitted(engine: EngineName, config: GroupConfig | PositionConfig, admin?: Admin): Promise<Committed | undefined> {
  return engine === 'spark' ? sparkCommitted(config as PositionConfig) : groupCommitted(config, admin);
}

/** The consumer group's committed offsets on the topic; empty when it has committed none. */
function groupCommitted(config: GroupConfig, admin?: Admin): Promise<Committed> {
  const read = (a: Admin) => committedOffsets(a, config.groupId, config.topic);
  return admin ? read(admin) : withAdmin(config, `reading the offsets of group ${config.groupId}`, read);
}

/** The Spark pipeline's committed position, from its checkpoints on this disk. */
function sparkCommitted(config: PositionConfig): Committed | undefined {
  const names = pipelineNames(config);
  const started = existsSync(names.rowsCheckpoint) || existsSync(names.dlqCheckpoint);
  return checkpointPosition(started, committedSparkOffsets(names, config.topic));
}

/**
 * The position from the checkpoints: what the slower query committed, or
 * nothing committed (empty) when the checkpoint folder is there without a
 * committed batch, or unknown when there is no folder.
 */
export function checkpointPosition(folderThere: boolean, slower: Committed | undefined): Committed | undefined {
  return slower ?? (folderThere ? new Map() : undefined);
}

/** Where the position is read, for a reader: "consumer group g", or "Spark checkpoints <folder>" (the folder of both queries'). */
export function committedWhere(engine: EngineName, config: PositionConfig): string {
  return engine === 'spark' ? `Spark checkpoints ${dirname(pipelineNames(config).rowsCheckpoint)}` : `consumer group ${config.groupId}`;
}

export interface EngineLag {
  partitions: PartitionState[];
  total: number | null;
}

/**
 * The engine's lag on config.topic: per partition (partitionStates, each
 * clamped at zero) and in all (null when its position is unknown). `admin`
 * as for engineCommitted.
 */
export function engineLag(engine: 'node', config: GroupConfig, admin?: Admin): Promise<EngineLag>;
export function engineLag(engine: EngineName, config: PositionConfig, admin?: Admin): Promise<EngineLag>;
export async function engineLag(engine: EngineName, config: GroupConfig | PositionConfig, admin?: Admin): Promise<EngineLag> {
  const ends = (a: Admin) => topicEndOffsets(a, config.topic);
  const [end, done] = await Promise.all([
    admin ? ends(admin) : withAdmin(config, `reading offsets of ${config.topic}`, ends),
    engineCommitted(engine, config as PositionConfig, admin),
  ]);
  const partitions = partitionStates(end, done);
  return { partitions, total: totalLag(partitions) };
}
