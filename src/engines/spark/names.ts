/**
 * The names of one Spark pipeline (a topic into a table): its two queries,
 * their checkpoints and its Spark Connect session id, all derived from the
 * topic, keyspace and table, so a restarted engine finds what an earlier run
 * left. They have a module of their own because more than the engine reads
 * them: `userstream status`, the dashboard, the bench and the tests find the
 * checkpoints by these names and need nothing else of the engine.
 */
import { createHash } from 'node:crypto';
import type { SparkEngineConfig } from './engine.ts';

/** Names that identify this pipeline's queries, checkpoints and Spark Connect session. */
export function pipelineNames(c: Pick<SparkEngineConfig, 'topic' | 'keyspace' | 'table' | 'dlqTopic' | 'sparkCheckpointDir'>) {
  const base = `userstream_${c.topic}_to_${c.keyspace}_${c.table}`.replace(/[^A-Za-z0-9_]/g, '_');
  return {
    rowsQuery: base,
    dlqQuery: `${base}_dlq`,
    rowsCheckpoint: `${c.sparkCheckpointDir}/${base}/rows`,
    dlqCheckpoint: `${c.sparkCheckpointDir}/${base}/dlq`,
    /**
     * One Spark Connect session per pipeline, so a restarted engine finds the
     * queries a previous process left running (queries live on the server).
     */
    sessionId: uuidFrom(base),
  };
}

function uuidFrom(name: string): string {
  const h = createHash('sha1').update('userstream-spark-session:').update(name).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
