/**
 * What the Spark queries have committed, read from their checkpoints as the
 * driver writes them (the local stack's driver shares this machine's disk).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The topic offsets a Spark checkpoint has committed: the offsets file of
 * the newest batch in `commits/` (its last line is the source offsets as
 * JSON, `{"topic": {"0": 123, …}}`). Undefined when there is none yet.
 */
export function sparkCheckpointOffsets(checkpoint: string, topic: string): Map<number, bigint> | undefined {
  const commits = join(checkpoint, 'commits');
  if (!existsSync(commits)) return undefined;
  const batches = readdirSync(commits).filter((f) => /^\d+$/.test(f)).map(Number);
  if (batches.length === 0) return undefined;
  const latest = Math.max(...batches);
  const file = join(checkpoint, 'offsets', String(latest));
  if (!existsSync(file)) return undefined;
  return parseCheckpointOffsets(readFileSync(file, 'utf8'), topic);
}

export function parseCheckpointOffsets(text: string, topic: string): Map<number, bigint> | undefined {
  for (const line of text.split('\n').reverse()) {
    if (!line.startsWith('{')) continue;
    try {
      const parsed = JSON.parse(line) as Record<string, Record<string, number>>;
      const offsets = parsed[topic];
      if (offsets && typeof offsets === 'object') {
        return new Map(Object.entries(offsets).map(([p, o]) => [Number(p), BigInt(o)]));
      }
    } catch {}
  }
  return undefined;
}

/**
 * The smaller of two offset maps per partition: Spark's progress is its
 * slower query's. A query with no committed batch yet has done nothing, so
 * one missing map means zero everywhere; both missing means not started.
 */
export function slowerOf(a: Map<number, bigint> | undefined, b: Map<number, bigint> | undefined): Map<number, bigint> | undefined {
  if (!a && !b) return undefined;
  a ??= new Map();
  b ??= new Map();
  const out = new Map<number, bigint>();
  for (const p of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(p) ?? 0n;
    const y = b.get(p) ?? 0n;
    out.set(p, x < y ? x : y);
  }
  return out;
}

/**
 * The pipeline's committed position: per partition, the offset below which
 * every message is in Cassandra or in the DLQ — the slower of the two
 * queries. Undefined when neither has committed a batch.
 */
export function committedSparkOffsets(names: { rowsCheckpoint: string; dlqCheckpoint: string }, topic: string): Map<number, bigint> | undefined {
  return slowerOf(sparkCheckpointOffsets(names.rowsCheckpoint, topic), sparkCheckpointOffsets(names.dlqCheckpoint, topic));
}
