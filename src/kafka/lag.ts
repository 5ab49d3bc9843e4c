/**
 * How far an engine is behind the topic, per partition: the topic's end
 * offsets against the offsets the engine has committed up to (read by
 * src/engines/committed.ts). One rule for the dashboard, `userstream
 * status`, both engines' lag() and the tests.
 */

export interface PartitionState {
  partition: number;
  /** Messages ever written to the partition (its end offset). */
  end: number;
  /** Offset up to which the engine has written or dead-lettered; null if unknown. */
  done: number | null;
  lag: number | null;
}

/** Per-partition lag from end offsets and the engine's done offsets (absent = nothing done). */
export function partitionStates(ends: Map<number, bigint>, done: Map<number, bigint> | undefined): PartitionState[] {
  return [...ends.entries()]
    .sort(([a], [b]) => a - b)
    .map(([partition, end]) => {
      if (!done) return { partition, end: Number(end), done: null, lag: null };
      const d = done.get(partition) ?? 0n;
      return { partition, end: Number(end), done: Number(d), lag: Number(end > d ? end - d : 0n) };
    });
}

/**
 * The lag over all partitions: the sum of partitionStates' lags, each
 * clamped at zero (a partition whose end fell behind its committed offset,
 * a topic made again, hides no lag of another); null when the engine's
 * position is unknown.
 */
export function totalLag(states: readonly PartitionState[]): number | null {
  let total = 0;
  for (const p of states) {
    if (p.lag === null) return null;
    total += p.lag;
  }
  return total;
}
