/**
 * The node engine's commit rules: which of a batch's last messages to commit,
 * so that a commit never moves a partition back (commitsToSend), and how long
 * a commit may take before the batch counts as not committed (COMMIT_MS).
 * Together they decide what is delivered again after a rebalance or a
 * reconnect, and each comes with its reason; they live apart from engine.ts,
 * which applies them, so the rules can be read and tested on their own.
 */

/**
 * Which of a batch's last messages (one per partition) to commit. A commit
 * is an offset set, not a maximum: Kafka keeps the last one it is sent,
 * and a commit that lands late moves the partition back. Two cases:
 * - a partition a rebalance gave to another member: its batch may still be
 *   in flight here when the new owner, which started from the committed
 *   offset, commits past it (the cluster bench saw the group's offsets go
 *   back this way with two and three instances). The new owner writes
 *   those messages again and commits them.
 * - an offset at or below one the group acknowledged from this engine:
 *   after a rebalance the consumer starts again from the committed offsets
 *   of the partitions it keeps, and the batches it is still writing have
 *   moved them on, so the messages delivered again end below.
 * Skipping a commit never loses a record, it only means a second delivery.
 * `owned` undefined: the assignment is not known, every partition is kept.
 * Not covered: a commit made while the consumer is rejoining, which
 * @platformatic/kafka holds and sends after the join under the new
 * generation (waiting for the consumer's isActive() instead held every
 * commit on the cluster: it is false for long stretches between heartbeats).
 */
export function commitsToSend<M extends { partition: number; offset: bigint }>(
  last: Iterable<M>,
  owned: ReadonlySet<number> | undefined,
  acked: ReadonlyMap<number, bigint>,
): M[] {
  const out: M[] = [];
  for (const m of last) {
    if (owned && !owned.has(m.partition)) continue;
    if ((acked.get(m.partition) ?? -1n) >= m.offset) continue;
    out.push(m);
  }
  return out;
}

/** How long a batch's offset commit may take; past it the batch counts as not committed (delivered again). */
export const COMMIT_MS = 30_000;
